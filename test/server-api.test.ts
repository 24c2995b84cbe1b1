import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Pbf from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { tableFromIPC } from 'apache-arrow';
import { latToTileY, lngToTileX } from '../engine/index.ts';
import { basemapService, BUILTIN_BASEMAP_ARCHIVE } from '../server/basemap-service.ts';
import { createApp } from '../server/index.ts';
import { api, cityFile, startTestServer, testCity, type TestServer } from './server-helpers.ts';

const city = testCity(4000, 3);
const [p0, p1, p2] = city.providers.map((p) => p.id) as [string, string, string];
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 });
  // Admin loads providers 1 and 2 as MDS 2.0 JSON; the operator uploads its own later.
  const file = await cityFile(city, t.dir, 'others.json', 'mds2', (x) => x.providerId !== p0);
  const r = await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'application/json' } });
  expect(r.status).toBe(201);
});
afterAll(async () => t?.close());

describe('health, config, OpenAPI', () => {
  it('GET /api/health answers without a key', async () => {
    const r = await api(t, '/api/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', store: 'ok' });
  });

  it('GET /api/config tells the caller its role, provider, k, time zone and basemap', async () => {
    expect((await api(t, '/api/config')).json).toEqual({ basemapStyleUrl: '/basemap/style.json', kAnonymity: 5, tz: 'UTC', role: null, providerId: null, plannerRecompute: false, dataRange: null });
    // The operator's own provider has no trips yet: no dates either (others' dates are not its business).
    expect((await api(t, '/api/config', { key: t.keys.operator })).json).toEqual({ basemapStyleUrl: '/basemap/style.json', kAnonymity: 5, tz: 'UTC', role: 'operator', providerId: p0, providerName: null, plannerRecompute: false, dataRange: null }); // no upload has named it yet
  });

  it('GET /api/config gives a signed-in caller the dates the trips cover, and no counts', async () => {
    const range = (await api(t, '/api/config', { key: t.keys.analyst })).json.dataRange as { from: string; to: string };
    expect(Object.keys(range).sort()).toEqual(['from', 'to']);
    const ends = [...city.trips()].filter((x) => x.providerId !== p0 && !x.defect).map((x) => x.endMs);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(range).toEqual({ from: day(Math.min(...ends)), to: day(Math.max(...ends)) });
  });

  it('GET /api/openapi.json documents exactly the registered routes', async () => {
    const doc = (await api(t, '/api/openapi.json')).json;
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, object>)) for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p}`);
    const { app } = createApp({ store: t.server.store, basemap: basemapService(BUILTIN_BASEMAP_ARCHIVE) });
    const registered = new Set<string>();
    for (const layer of (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack) {
      if (!layer.route) continue;
      for (const m of Object.keys(layer.route.methods)) registered.add(`${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
    expect([...registered].sort()).toEqual([...documented].sort());
  });

  it('every $ref of the OpenAPI document resolves', async () => {
    const doc = (await api(t, '/api/openapi.json')).json;
    const refs: string[] = [];
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) (k === '$ref' ? refs.push(v as string) : walk(v));
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref.replace(/^#\//, '').split('/').reduce((o: any, k) => o?.[k], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('every documented operation names its roles and error responses', async () => {
    const doc = (await api(t, '/api/openapi.json')).json;
    for (const ops of Object.values(doc.paths as Record<string, Record<string, { 'x-roles': string[]; responses: object }>>)) {
      for (const op of Object.values(ops)) {
        expect(Array.isArray(op['x-roles'])).toBe(true);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      }
    }
  });
});

describe('keys', () => {
  it('an admin creates, lists and revokes a key; the token works until revoked', async () => {
    const created = await api(t, '/api/keys', { key: t.keys.admin, body: { role: 'planner', label: 'city planner' } });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^pzk_/);
    expect((await api(t, '/api/config', { key: created.json.token })).json.role).toBe('planner');
    const list = await api(t, '/api/keys', { key: t.keys.admin });
    const listed = list.json.keys.find((k: { keyId: string }) => k.keyId === created.json.keyId);
    expect(listed).toMatchObject({ role: 'planner', label: 'city planner' });
    expect(JSON.stringify(list.json)).not.toContain(created.json.token);
    expect((await api(t, `/api/keys/${created.json.keyId}`, { key: t.keys.admin, method: 'DELETE' })).status).toBe(204);
    expect((await api(t, '/api/providers', { key: created.json.token })).status).toBe(401);
    // /api/config answers a revoked key as no key.
    expect((await api(t, '/api/config', { key: created.json.token })).json.role).toBe(null);
  });

  it('refuses an operator key without a provider', async () => {
    const r = await api(t, '/api/keys', { key: t.keys.admin, body: { role: 'operator' } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toBe('provider: an operator key needs the provider it is scoped to');
  });

  it('refuses to revoke the last admin key', async () => {
    const id = t.keys.admin.split('_')[1];
    const r = await api(t, `/api/keys/${id}`, { key: t.keys.admin, method: 'DELETE' });
    expect(r.status).toBe(409);
  });

  it('answers 404 for an unknown key id', async () => {
    expect((await api(t, '/api/keys/0123456789abcdef', { key: t.keys.admin, method: 'DELETE' })).status).toBe(404);
  });
});

describe('uploads', () => {
  it('an operator uploads gzipped CSV of its provider; counts and first rejects come back without raw rows', async () => {
    const file = await cityFile(city, t.dir, 'own.csv', 'csv', (x) => x.providerId === p0);
    const r = await api(t, '/api/uploads?filename=own.csv.gz', {
      key: t.keys.operator, body: zlib.gzipSync(fs.readFileSync(file)), headers: { 'Content-Type': 'application/gzip' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ providerId: p0, fileName: 'own.csv.gz', format: 'csv', status: 'stored' });
    expect(r.json.rowsRead).toBe(r.json.rowsStored + r.json.rowsDuplicate + r.json.rowsRejected);
    expect(r.json.rowsRejected).toBeGreaterThan(0);
    expect(r.json.firstRejects.length).toBeGreaterThan(0);
    for (const rej of r.json.firstRejects) expect(rej.raw).toBeNull();
    expect(r.headers.get('location')).toBe(`/api/uploads/${r.json.uploadId}`);
  });

  it('rows of another provider in an operator upload are rejected, not stored', async () => {
    const file = await cityFile(city, t.dir, 'foreign.csv', 'csv', (x) => x.providerId === p2);
    const before = await t.server.store.query('SELECT count(*)::INTEGER AS n FROM trips');
    const r = await api(t, '/api/uploads', { key: t.keys.operator, body: fs.readFileSync(file), headers: { 'Content-Type': 'text/csv' } });
    expect(r.status).toBe(201);
    expect(r.json.rowsStored).toBe(0);
    const after = await t.server.store.query('SELECT count(*)::INTEGER AS n FROM trips');
    expect(after[0]!.n).toBe(before[0]!.n);
    // The answer says plainly that nothing was stored, and why, with a count per reason.
    expect(r.json.allRejected).toBe(true);
    expect(r.json.warnings[0]).toBe(`nothing was stored: every one of the ${r.json.rowsRead} rows was rejected (most: ${r.json.rowsRead} × provider_id: not the uploader's provider ${p0})`);
    expect(r.json.rejectsByReason).toEqual([
      { field: 'provider_id', reason: `not the uploader's provider ${p0}`, count: r.json.rowsRead, firstRow: 1, example: `not the uploader's provider ${p0}: ${p2}` },
    ]);
    const got = await api(t, `/api/uploads/${r.json.uploadId}`, { key: t.keys.operator });
    expect(got.json.rejectsByReason).toEqual(r.json.rejectsByReason);
    expect(got.json.upload.notes).toMatchObject({ allRejected: true, warnings: r.json.warnings });
  });

  it('a zip archive: each CSV in it is a file of the upload, and the answer lists them', async () => {
    const body = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/small/monthly-export.zip'));
    const r = await api(t, '/api/uploads?provider=citibike&tz=America/New_York&filename=july.zip', { key: t.keys.admin, body, headers: { 'Content-Type': 'application/zip' } });
    expect(r.status).toBe(201);
    expect(r.json.files.map((f: { fileName: string; rowsStored: number }) => [f.fileName, f.rowsStored])).toEqual([
      ['july.zip/202107-citibike-tripdata.csv', 2],
      ['july.zip/202108-citibike-tripdata.csv', 1],
    ]);
    expect(r.json.fileName).toBe('july.zip/202107-citibike-tripdata.csv');
    expect(r.headers.get('location')).toBe(`/api/uploads/${r.json.files[0].uploadId}`);
    await t.server.store.run("DELETE FROM trips WHERE provider_id = 'citibike'"); // the provider tests count this city's only
  });

  it("an admin upload attributed to one provider rejects the rows naming another, naming row and field", async () => {
    const file = await cityFile(city, t.dir, 'mixed.csv', 'csv', (x) => x.providerId === p0 || x.providerId === p2);
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').length - 1;
    const r = await api(t, `/api/uploads?provider=${p0}&filename=mixed-fresh.csv`, { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'text/csv' } });
    expect(r.status).toBe(201);
    const foreign = [...city.trips()].filter((x) => x.providerId === p2).length;
    expect(foreign).toBeGreaterThan(0);
    expect(r.json.rowsRead).toBe(rows);
    const byProvider = await t.server.store.query("SELECT count(*)::INTEGER AS n FROM rejects WHERE upload_id = $id AND field = 'provider_id'", { id: r.json.uploadId });
    expect(byProvider[0]!.n).toBe(foreign);
    const first = r.json.firstRejects.find((x: { field: string }) => x.field === 'provider_id');
    expect(first).toMatchObject({ field: 'provider_id', reason: `not the uploader's provider ${p0}: ${p2}` });
    expect(first.rowNumber).toBeGreaterThan(0);
    const stored = await t.server.store.query('SELECT count(*)::INTEGER AS n FROM trips WHERE upload_id = $id AND provider_id <> $p', { id: r.json.uploadId, p: p0 });
    expect(stored[0]!.n).toBe(0);
  });

  it('Parquet uploads are read too, and re-uploading adds only duplicates', async () => {
    const file = await cityFile(city, t.dir, 'all.parquet', 'parquet', (x) => x.providerId === p1);
    const r = await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'application/vnd.apache.parquet' } });
    expect(r.status).toBe(201);
    expect(r.json.format).toBe('parquet');
    expect(r.json.rowsStored).toBe(0);
    expect(r.json.rowsDuplicate).toBeGreaterThan(0);
  });

  it('GET /api/uploads lists an operator only its own uploads, an admin all', async () => {
    const own = await api(t, '/api/uploads', { key: t.keys.operator });
    expect(own.status).toBe(200);
    expect(own.json.uploads.length).toBeGreaterThan(0);
    for (const u of own.json.uploads) expect(u.providerId).toBe(p0);
    const all = await api(t, '/api/uploads', { key: t.keys.admin });
    expect(all.json.uploads.length).toBeGreaterThan(own.json.uploads.length);
  });

  it('GET /api/uploads/:id pages the rejects; raw rows for admins only', async () => {
    const own = (await api(t, '/api/uploads', { key: t.keys.operator })).json.uploads.find((u: { rowsRejected: number }) => u.rowsRejected > 1);
    const page1 = await api(t, `/api/uploads/${own.uploadId}?limit=1`, { key: t.keys.operator });
    expect(page1.status).toBe(200);
    expect(page1.json.rejects).toMatchObject({ total: own.rowsRejected, offset: 0, limit: 1 });
    expect(page1.json.rejects.rows).toHaveLength(1);
    expect(page1.json.rejects.rows[0].raw).toBeNull();
    const page2 = await api(t, `/api/uploads/${own.uploadId}?limit=1&offset=1`, { key: t.keys.operator });
    expect(page2.json.rejects.rows[0].rowNumber).toBeGreaterThan(page1.json.rejects.rows[0].rowNumber);
    const asAdmin = await api(t, `/api/uploads/${own.uploadId}?limit=1`, { key: t.keys.admin });
    expect(typeof asAdmin.json.rejects.rows[0].raw).toBe('string');
  });

  it("an operator may not read another provider's upload", async () => {
    const theirs = (await api(t, '/api/uploads', { key: t.keys.admin })).json.uploads.find((u: { providerId: string }) => u.providerId !== p0);
    expect((await api(t, `/api/uploads/${theirs.uploadId}`, { key: t.keys.operator })).status).toBe(403);
  });
});

describe('providers', () => {
  /** Trips per provider in the store, sorted by id. */
  /** Providers as stored: id, the name an upload gave (CSV uploads of the test city carry provider_name), trips. */
  async function stored(): Promise<{ id: string; name?: string; trips: number }[]> {
    const rows = await t.server.store.query(
      'SELECT t.provider_id, p.provider_name, count(*)::INTEGER AS n FROM trips t LEFT JOIN providers p USING (provider_id) GROUP BY ALL ORDER BY 1',
    );
    return rows.map((r) => ({ id: String(r.provider_id), ...(r.provider_name ? { name: String(r.provider_name) } : {}), trips: Number(r.n) }));
  }

  it('GET /api/providers gives a planner every provider with its shown trips: the sum of its res-7 cells', async () => {
    const r = await api(t, '/api/providers', { key: t.keys.planner });
    expect(r.status).toBe(200);
    const raw = await stored();
    expect(r.json.providers.map((x: { id: string }) => x.id)).toEqual(raw.map((x) => x.id));
    for (const x of r.json.providers) {
      const cells = await api(t, `/api/cells?res=7&providers=${x.id}`, { key: t.keys.planner });
      const shown = cells.json.features.reduce((s: number, f: { properties: { trips: number } }) => s + f.properties.trips, 0);
      expect(x.trips).toBe(shown);
      expect(x.trips).toBeLessThanOrEqual(raw.find((y) => y.id === x.id)!.trips);
    }
  });

  it('GET /api/providers gives an operator only its own provider, without a count', async () => {
    expect((await api(t, '/api/providers', { key: t.keys.operator })).json).toEqual({ providers: [{ id: p0, name: city.providers[0]!.name }] });
    expect((await api(t, '/api/providers', { key: t.keys.otherOperator })).json).toEqual({ providers: [{ id: p1, name: city.providers[1]!.name }] });
  });

  it('GET /api/providers leaves out a count below k for a planner, not for an admin', async () => {
    const counts = await stored();
    const smallest = Math.min(...counts.map((c) => c.trips));
    const { startServer } = await import('../server/index.ts');
    const s = await startServer({ store: t.server.store, port: 0, kAnonymity: smallest + 1 });
    try {
      const get = async (key: string) => (await fetch(`${s.url}/api/providers`, { headers: { Authorization: `Bearer ${key}` } })).json();
      const planner = (await get(t.keys.planner)).providers as { id: string; trips?: number }[];
      const small = counts.find((c) => c.trips === smallest)!;
      expect(planner.find((x) => x.id === small.id)).toEqual({ id: small.id, ...(small.name ? { name: small.name } : {}) });
      expect(await get(t.keys.admin)).toEqual({ providers: counts });
    } finally {
      await s.close();
    }
  });

  it('GET /api/providers needs a key', async () => {
    const r = await api(t, '/api/providers');
    expect(r.status).toBe(401);
    expect(r.json.detail).toBe('this endpoint needs an API key (Authorization: Bearer <key>)');
  });

  it('GET /api/providers counts the trips of a new upload', async () => {
    const before = await api(t, '/api/providers', { key: t.keys.admin });
    const file = await cityFile(testCity(300, 41), t.dir, 'more.csv', 'csv', (x) => x.providerId === p0);
    const up = await api(t, '/api/uploads', { key: t.keys.operator, body: fs.readFileSync(file), headers: { 'Content-Type': 'text/csv' } });
    expect(up.status).toBe(201);
    const after = await api(t, '/api/providers', { key: t.keys.admin });
    const own = (body: { providers: { id: string; trips: number }[] }) => body.providers.find((x) => x.id === p0)!.trips;
    expect(own(after.json)).toBe(own(before.json) + up.json.rowsStored);
  });
});

describe('cells and tiles', () => {
  it('GET /api/cells gives GeoJSON hexagons with counts, all ≥ k for a planner', async () => {
    const r = await api(t, '/api/cells?res=9', { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(r.json.type).toBe('FeatureCollection');
    expect(r.json.features.length).toBeGreaterThan(5);
    for (const f of r.json.features) {
      expect(f.geometry.type).toBe('Polygon');
      expect(f.properties.trips).toBeGreaterThanOrEqual(5);
      expect(f.properties.res).toBe(9);
    }
  });

  it('GET /api/cells?format=arrow gives an Arrow IPC stream with the same cells', async () => {
    const gj = await api(t, '/api/cells?res=9&days=weekday', { key: t.keys.analyst });
    const r = await api(t, '/api/cells?res=9&days=weekday&format=arrow', { key: t.keys.analyst });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(r.bytes);
    expect(table.numRows).toBe(gj.json.features.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['cell', 'h3', 'lat', 'lng', 'trips', 'devices', 'days', 'profile']);
    expect(table.getChild('h3')!.get(0)).toBe(gj.json.features[0].properties.cell);
  });

  it('filters by provider, hour and date', async () => {
    const all = await api(t, '/api/cells?res=8', { key: t.keys.admin });
    const one = await api(t, `/api/cells?res=8&providers=${p1}`, { key: t.keys.admin });
    const hours = await api(t, '/api/cells?res=8&hours=7,8,9', { key: t.keys.admin });
    const day = await api(t, '/api/cells?res=8&from=2026-06-02&to=2026-06-03', { key: t.keys.admin });
    for (const r of [one, hours, day]) {
      expect(r.status).toBe(200);
      expect(r.json.totalTrips).toBeGreaterThan(0);
      expect(r.json.totalTrips).toBeLessThan(all.json.totalTrips);
    }
  });

  it('an operator gets only its own provider’s cells', async () => {
    const own = await api(t, '/api/cells?res=8', { key: t.keys.operator });
    const adminView = await api(t, `/api/cells?res=8&providers=${p0}`, { key: t.keys.planner });
    expect(own.status).toBe(200);
    expect(own.json.totalTrips).toBe(adminView.json.totalTrips);
  });

  it('GET /api/tiles/:z/:x/:y.mvt gives a vector tile of hexagons, coarser at low zoom', async () => {
    const [lat, lng] = [38.2527, -85.7585];
    const tile = async (z: number) => {
      const x = Math.floor(lngToTileX(lng, z));
      const y = Math.floor(latToTileY(lat, z));
      const r = await api(t, `/api/tiles/${z}/${x}/${y}.mvt`, { key: t.keys.planner });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
      return new VectorTile(new Pbf(r.bytes)).layers.demand!;
    };
    const low = await tile(10);
    const high = await tile(14);
    expect(low.feature(0).properties.res).toBe(8);
    expect(high.feature(0).properties.res).toBe(10);
    for (const layer of [low, high]) for (let i = 0; i < layer.length; i++) expect(layer.feature(i).properties.trips as number).toBeGreaterThanOrEqual(5);
  });

  it('serves an empty tile far from any trip', async () => {
    const r = await api(t, '/api/tiles/12/0/0.mvt', { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(new VectorTile(new Pbf(r.bytes)).layers.demand).toBeUndefined();
  });
});

describe('static page', () => {
  it('serves the built page at / when a static dir is given, and the API beside it', async () => {
    const dir = path.join(t.dir, 'dist');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>parkzones</title>');
    const { startServer } = await import('../server/index.ts');
    const s = await startServer({ store: t.server.store, port: 0, staticDir: dir });
    try {
      const page = await fetch(`${s.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>parkzones</title>');
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
      expect(s.adminKey).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe('an empty store', () => {
  it('serves empty cells and tiles, and no runs', async () => {
    const empty = await startTestServer({ operator: 'a', otherOperator: 'b' });
    try {
      const cells = await api(empty, '/api/cells?res=9', { key: empty.keys.planner });
      expect(cells.status).toBe(200);
      expect(cells.json).toMatchObject({ type: 'FeatureCollection', features: [], totalTrips: 0 });
      const tile = await api(empty, '/api/tiles/12/1072/1577.mvt', { key: empty.keys.planner });
      expect(tile.status).toBe(200);
      expect((await api(empty, '/api/runs', { key: empty.keys.planner })).json).toEqual({ runs: [], currentRunId: null });
    } finally {
      await empty.close();
    }
  });
});
