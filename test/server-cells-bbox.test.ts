/**
 * GET /api/cells?bbox=west,south,east,north: the cells of a map viewport, exactly those whose centre lies in the box,
 * still k-suppressed for everyone but admins; bad boxes are 400 problems naming `bbox`.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { cellToLatLng } from 'h3-js';
import { api, cityFile, startTestServer, testCity, type TestServer } from './server-helpers.ts';

const K = 8;
const city = testCity(5000, 21);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
let t: TestServer;
/** The admin's whole-city cells at res 10, by hex id. */
let all: Map<string, any>;
/** Extent of the city's cell centres: [west, south, east, north]. */
let extent: [number, number, number, number];

type Box = [number, number, number, number];

/** Exact centre [lng, lat] of a cell, as the engine computes it. */
function centre(hex: string): [number, number] {
  const [lat, lng] = cellToLatLng(hex);
  return [lng, lat];
}

function inside([west, south, east, north]: Box, [lng, lat]: [number, number]): boolean {
  if (lat < south || lat > north) return false;
  return west <= east ? lng >= west && lng <= east : lng >= west || lng <= east;
}

/** The ids of `features` whose exact centre lies in `box`. */
function idsInside(features: any[], box: Box): string[] {
  return features.filter((f) => inside(box, centre(f.properties.cell))).map((f) => f.properties.cell as string).sort();
}

function ids(features: any[]): string[] {
  return features.map((f) => f.properties.cell as string).sort();
}

/** A box over a fraction of the extent: fractions of the way from west to east and south to north. */
function part(fx0: number, fy0: number, fx1: number, fy1: number): Box {
  const [w, s, e, n] = extent;
  return [w + (e - w) * fx0, s + (n - s) * fy0, w + (e - w) * fx1, s + (n - s) * fy1];
}

const q = (box: readonly number[]) => `bbox=${box.join(',')}`;

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 }, { kAnonymity: K });
  const file = await cityFile(city, t.dir, 'all.json', 'mds2');
  expect((await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
  const whole = await api(t, '/api/cells?res=10', { key: t.keys.admin });
  all = new Map(whole.json.features.map((f: any) => [f.properties.cell, f]));
  const centres = [...all.keys()].map(centre);
  extent = [Math.min(...centres.map((c) => c[0])), Math.min(...centres.map((c) => c[1])), Math.max(...centres.map((c) => c[0])), Math.max(...centres.map((c) => c[1]))];
});
afterAll(async () => t?.close());

describe('GET /api/cells?bbox', () => {
  it('returns exactly the cells whose centre lies in the box, with the same features as the whole-city answer', async () => {
    for (const box of [part(0.25, 0.25, 0.75, 0.75), part(0, 0, 0.5, 0.3), part(0.4, 0, 0.45, 1), part(0.6, 0.55, 1, 1)]) {
      const r = await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.admin });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/geo\+json/);
      const want = idsInside([...all.values()], box);
      expect(want.length, `box ${box} holds cells`).toBeGreaterThan(3);
      expect(want.length).toBeLessThan(all.size);
      expect(ids(r.json.features)).toEqual(want);
      for (const f of r.json.features) expect(f).toEqual(all.get(f.properties.cell));
      expect(r.json.totalTrips).toBe(r.json.features.reduce((s: number, f: any) => s + f.properties.trips, 0));
      expect(r.json).toMatchObject({ type: 'FeatureCollection', res: 10, kAnonymity: 1, suppressedCells: 0 });
    }
  });

  it('includes cells whose centre lies exactly on an edge of the box', async () => {
    const hex = [...all.keys()][Math.floor(all.size / 2)]!;
    const [lng, lat] = centre(hex);
    const r = await api(t, `/api/cells?res=10&${q([lng, lat, lng, lat])}`, { key: t.keys.admin });
    expect(ids(r.json.features)).toEqual([hex]);
    // The same cell on the west, south, east and north edge of larger boxes.
    for (const box of [[lng, lat - 0.01, lng + 0.01, lat + 0.01], [lng - 0.01, lat, lng + 0.01, lat + 0.01], [lng - 0.01, lat - 0.01, lng, lat + 0.01], [lng - 0.01, lat - 0.01, lng + 0.01, lat]] as Box[]) {
      const edge = await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.admin });
      expect(ids(edge.json.features)).toContain(hex);
      expect(ids(edge.json.features)).toEqual(idsInside([...all.values()], box));
    }
  });

  it('four quadrants together are the whole city', async () => {
    const [w, s, e, n] = extent;
    const [mx, my] = [(w + e) / 2, (s + n) / 2];
    const got: string[] = [];
    for (const box of [[w, s, mx, my], [mx, s, e, my], [w, my, mx, n], [mx, my, e, n]] as Box[]) {
      got.push(...ids((await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.admin })).json.features));
    }
    expect([...new Set(got)].sort()).toEqual([...all.keys()].sort());
  });

  it('an empty box is an empty FeatureCollection', async () => {
    const r = await api(t, `/api/cells?res=10&${q([10, 10, 10.5, 10.5])}`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ type: 'FeatureCollection', res: 10, totalTrips: 0, features: [] });
  });

  it('a box across the antimeridian (west > east) holds longitudes east of west or west of east', async () => {
    const far = await api(t, `/api/cells?res=10&${q([170, -10, -170, 10])}`, { key: t.keys.admin });
    expect(far.status).toBe(200);
    expect(far.json.features).toEqual([]);
    // West > east inside the city: everything but a strip between the two longitudes.
    const [w, s, e, n] = extent;
    const box: Box = [w + (e - w) * 0.6, s - 0.01, w + (e - w) * 0.4, n + 0.01];
    const r = await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.admin });
    const want = idsInside([...all.values()], box);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.size);
    expect(ids(r.json.features)).toEqual(want);
  });

  it('still leaves out cells below k for a planner, and zeroes profile hours below k', async () => {
    const box = part(0.1, 0.1, 0.9, 0.9);
    const admin = (await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.admin })).json;
    const planner = (await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.planner })).json;
    const small = admin.features.filter((f: any) => f.properties.trips < K);
    expect(small.length, 'the box holds cells below k').toBeGreaterThan(0);
    const wholePlanner = (await api(t, '/api/cells?res=10', { key: t.keys.planner })).json;
    expect(ids(planner.features)).toEqual(idsInside(wholePlanner.features, box));
    const bigEnough = new Set(ids(admin.features.filter((f: any) => f.properties.trips >= K)));
    for (const f of planner.features) {
      expect(bigEnough.has(f.properties.cell)).toBe(true);
      expect(f.properties.trips).toBeGreaterThanOrEqual(K);
      for (const v of f.properties.profile) expect(v === 0 || v >= K).toBe(true);
    }
    expect(planner).toMatchObject({ kAnonymity: K, suppressedCells: wholePlanner.suppressedCells });
    expect(planner.suppressedCells).toBeGreaterThan(0);
  });

  it("keeps an operator to its own provider's suppressed cells", async () => {
    const box = part(0.1, 0.1, 0.9, 0.9);
    const own = (await api(t, '/api/cells?res=10', { key: t.keys.operator })).json.features;
    expect(own.length).toBeGreaterThan(0);
    const r = await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.operator });
    expect(r.status).toBe(200);
    expect(ids(r.json.features)).toEqual(idsInside(own, box));
    expect(r.json.filter.providers).toEqual([p0]);
  });

  it('answers Arrow with the same cells as GeoJSON', async () => {
    const box = part(0.2, 0.3, 0.7, 0.8);
    const gj = (await api(t, `/api/cells?res=10&${q(box)}`, { key: t.keys.planner })).json;
    const r = await api(t, `/api/cells?res=10&format=arrow&${q(box)}`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(r.bytes);
    const h3 = table.getChild('h3')!.toArray() as string[];
    expect([...h3].sort()).toEqual(ids(gj.features));
    const byCell = new Map(gj.features.map((f: any) => [f.properties.cell, f.properties]));
    const trips = table.getChild('trips')!.toArray() as Float64Array;
    h3.forEach((id, i) => expect(trips[i]).toBe((byCell.get(id) as any).trips));
    expect(Number(table.schema.metadata.get('totalTrips'))).toBe(gj.totalTrips);
    expect(table.schema.metadata.get('suppressedCells')).toBe(String(gj.suppressedCells));
  });

  it('an empty box in Arrow is a table without rows', async () => {
    const r = await api(t, `/api/cells?res=10&format=arrow&${q([10, 10, 10.5, 10.5])}`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    const table = tableFromIPC(r.bytes);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['cell', 'h3', 'lat', 'lng', 'trips', 'devices', 'days', 'profile']);
  });

  it('gzips for clients that accept it and sends the same bytes plain to those that do not', async () => {
    const url = `${t.url}/api/cells?res=10&${q(part(0.2, 0.2, 0.8, 0.8))}`;
    for (const format of ['geojson', 'arrow']) {
      const auth = { Authorization: `Bearer ${t.keys.planner}` };
      // Node's fetch would decompress on its own: ask with a raw request instead.
      const gz = await rawGet(`${url}&format=${format}`, { ...auth, 'Accept-Encoding': 'gzip' });
      const plain = await rawGet(`${url}&format=${format}`, { ...auth, 'Accept-Encoding': 'identity' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gz.headers.vary).toMatch(/Accept-Encoding/);
      expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    }
  });

  it('without bbox, answers the whole city as before', async () => {
    const r = await api(t, '/api/cells?res=10', { key: t.keys.admin });
    expect(ids(r.json.features)).toEqual([...all.keys()].sort());
  });
});

describe('GET /api/cells with a bad bbox', () => {
  const bad: [string, RegExp][] = [
    ['1,2,3', /4 comma-separated numbers/],
    ['1,2,3,4,5', /4 comma-separated numbers/],
    ['', /4 comma-separated numbers/],
    ['a,b,c,d', /decimal numbers.*"a"/],
    ['1,,3,4', /decimal numbers/],
    ['0x10,0,1,1', /decimal numbers/],
    ['NaN,0,1,1', /decimal numbers/],
    ['Infinity,0,1,1', /decimal numbers/],
    ['1e400,0,1,1', /finite/],
    ['-181,0,0,1', /longitudes.*\[-180, 180\]/],
    ['0,0,180.5,1', /longitudes/],
    ['0,-91,1,0', /latitudes.*\[-90, 90\]/],
    ['0,0,1,91', /latitudes/],
    ['0,2,1,1', /south must not exceed north/],
  ];
  for (const [value, detail] of bad) {
    it(`bbox=${value} → 400 problem naming bbox`, async () => {
      const r = await api(t, `/api/cells?res=10&bbox=${encodeURIComponent(value)}`, { key: t.keys.planner });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.json).toMatchObject({ status: 400, code: 'BAD_OPTION', option: 'bbox' });
      expect(r.json.detail).toMatch(/^bbox: /);
      expect(r.json.detail).toMatch(detail);
    });
  }

  it('a bad bbox is refused in Arrow too', async () => {
    const r = await api(t, '/api/cells?res=10&format=arrow&bbox=0,2,1,1', { key: t.keys.planner });
    expect(r.status).toBe(400);
    expect(r.json.option).toBe('bbox');
  });
});

/** A GET without automatic decompression: status, headers and the raw body bytes. */
async function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
