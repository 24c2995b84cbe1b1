import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Pbf from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { tableFromIPC } from 'apache-arrow';
import { latToTileY, lngToTileX } from '../engine/index.ts';
import { api, cityFile, startTestServer, testCity, type TestServer, waitForRun } from './server-helpers.ts';

const K = 8;
const city = testCity(5000, 21);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
let t: TestServer;
let runId: number;
const deviceIds = new Set<string>();
const tripIds = new Set<string>();

/** Cells an admin sees with fewer than K trip ends at `res` (optionally for one provider). */
async function smallCells(res: number, provider?: string): Promise<Set<string>> {
  const r = await api(t, `/api/cells?res=${res}${provider ? `&providers=${provider}` : ''}`, { key: t.keys.admin });
  const small = new Set<string>();
  for (const f of r.json.features) if (f.properties.trips < K) small.add(f.properties.cell);
  return small;
}

function expectNoRawIds(text: string) {
  for (const id of deviceIds) expect(text.includes(id), `device id ${id} leaked`).toBe(false);
  for (const id of tripIds) expect(text.includes(id), `trip id ${id} leaked`).toBe(false);
}

beforeAll(async () => {
  for (const trip of city.trips()) {
    deviceIds.add(trip.deviceId);
    if (trip.tripId) tripIds.add(trip.tripId);
  }
  t = await startTestServer({ operator: p0, otherOperator: p1 }, { kAnonymity: K });
  const file = await cityFile(city, t.dir, 'all.json', 'mds2');
  expect((await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
  const run = await api(t, '/api/runs', { key: t.keys.analyst, body: { res: 10, k: 15 } });
  expect(run.status).toBe(202);
  runId = run.json.runId;
  const finished = await waitForRun(t, runId, t.keys.analyst);
  if (finished.status === 'failed') throw new Error(JSON.stringify(finished));
});
afterAll(async () => t?.close());

describe(`k-anonymity (k = ${K})`, () => {
  it('the configured k is reported to the page', async () => {
    expect((await api(t, '/api/config', { key: t.keys.planner })).json.kAnonymity).toBe(K);
  });

  it('no cell below k reaches a planner through /api/cells (GeoJSON and Arrow), at every resolution', async () => {
    for (const res of [8, 9, 10, 11]) {
      const small = await smallCells(res);
      expect(small.size, `res ${res} has small cells to hide`).toBeGreaterThan(0);
      const gj = await api(t, `/api/cells?res=${res}`, { key: t.keys.planner });
      // Atoms below k are left out on their own, so a cell of k or more may be hidden too.
      expect(gj.json.suppressedCells).toBeGreaterThanOrEqual(small.size);
      for (const f of gj.json.features) {
        expect(small.has(f.properties.cell)).toBe(false);
        expect(f.properties.trips).toBeGreaterThanOrEqual(K);
        for (const v of f.properties.profile) expect(v === 0 || v >= K).toBe(true);
      }
      const arrow = tableFromIPC((await api(t, `/api/cells?res=${res}&format=arrow`, { key: t.keys.planner })).bytes);
      for (const h3 of arrow.getChild('h3')!.toArray() as string[]) expect(small.has(h3)).toBe(false);
      for (const v of arrow.getChild('trips')!.toArray() as Float64Array) expect(v).toBeGreaterThanOrEqual(K);
    }
  });

  it("an operator's view is suppressed on its own provider's counts", async () => {
    const small = await smallCells(10, p0);
    expect(small.size).toBeGreaterThan(0);
    const r = await api(t, '/api/cells?res=10', { key: t.keys.operator });
    for (const f of r.json.features) {
      expect(small.has(f.properties.cell)).toBe(false);
      expect(f.properties.trips).toBeGreaterThanOrEqual(K);
    }
  });

  it('no cell below k reaches a planner through vector tiles, though an admin sees them', async () => {
    const z = 14; // res 10
    const small = await smallCells(10);
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const trip of city.trips()) {
      if (!(Math.abs(trip.endLat) <= 85) || (trip.endLat === 0 && trip.endLng === 0)) continue;
      w = Math.min(w, trip.endLng); e = Math.max(e, trip.endLng); s = Math.min(s, trip.endLat); n = Math.max(n, trip.endLat);
    }
    const [x0, x1] = [Math.floor(lngToTileX(w, z)), Math.floor(lngToTileX(e, z))];
    const [y0, y1] = [Math.floor(latToTileY(n, z)), Math.floor(latToTileY(s, z))];
    expect((x1 - x0 + 1) * (y1 - y0 + 1)).toBeLessThan(400);
    let plannerFeatures = 0;
    const adminSmall = new Set<string>();
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        for (const who of ['planner', 'admin'] as const) {
          const r = await api(t, `/api/tiles/${z}/${x}/${y}.mvt`, { key: t.keys[who] });
          const layer = new VectorTile(new Pbf(r.bytes)).layers.demand;
          for (let i = 0; i < (layer?.length ?? 0); i++) {
            const p = layer!.feature(i).properties;
            if (who === 'admin') {
              if (small.has(p.h3 as string)) adminSmall.add(p.h3 as string);
              continue;
            }
            plannerFeatures++;
            expect(small.has(p.h3 as string), `tile ${z}/${x}/${y} leaks ${p.h3}`).toBe(false);
            expect(p.trips as number).toBeGreaterThanOrEqual(K);
          }
        }
      }
    }
    expect(plannerFeatures).toBeGreaterThan(0);
    expect(adminSmall.size).toBe(small.size);
  });

  it('no zone export names a small cell, a zone below k or an hour below k', async () => {
    const small = await smallCells(10);
    for (const format of ['geojson', 'csv', 'mds-geography', 'mds-stops', 'mds-policy', 'gbfs', 'ngsi-ld']) {
      const r = await api(t, `/api/runs/${runId}/zones?format=${format}`, { key: t.keys.planner });
      expect(r.status, format).toBe(200);
      expectNoRawIds(r.text);
      if (format === 'geojson') {
        for (const f of r.json.features) {
          expect(f.properties.covered_trips).toBeGreaterThanOrEqual(K);
          for (const v of f.properties.profile) expect(v === 0 || v >= K).toBe(true);
          for (const c of f.properties.catchment ?? []) expect(small.has(c)).toBe(false);
        }
      }
      if (format === 'csv') {
        const header = r.text.split('\r\n')[0]!.split(',');
        const col = header.indexOf('catchment_cells');
        for (const line of r.text.trim().split('\r\n').slice(1)) {
          for (const c of (line.split(',')[col] ?? '').split(';')) expect(small.has(c)).toBe(false);
        }
      }
    }
  });

  it('the Parquet export holds no zone below k and no small catchment cell', async () => {
    const small = await smallCells(10);
    const r = await api(t, `/api/runs/${runId}/zones?format=parquet`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    const file = `${t.dir}/zones-privacy.parquet`;
    fs.writeFileSync(file, r.bytes);
    const rows = await t.server.store.query(`SELECT covered_trips, catchment, profile FROM read_parquet('${file}')`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Number(row.covered_trips)).toBeGreaterThanOrEqual(K);
      for (const c of row.catchment as bigint[]) expect(small.has(c.toString(16))).toBe(false);
      for (const v of row.profile as number[]) expect(v === 0 || v >= K).toBe(true);
    }
  });

  it('nothing but an admin ever sees device or trip ids', async () => {
    for (const key of [t.keys.analyst, t.keys.planner, t.keys.operator]) {
      for (const p of ['/api/cells?res=11', '/api/uploads', '/api/uploads/1', `/api/runs/${runId}`, `/api/runs/${runId}/zones`, '/api/runs']) {
        const r = await api(t, p, { key });
        if (r.status === 200) expectNoRawIds(r.text);
      }
    }
  });
  it("a planner's zones, run figures, curve and comparison count only the cells it is shown", async () => {
    const shown = new Map<string, number>();
    for (const f of (await api(t, '/api/cells?res=10', { key: t.keys.planner })).json.features) shown.set(f.properties.cell, f.properties.trips);
    const total = [...shown.values()].reduce((a, b) => a + b, 0);
    const zones = (await api(t, `/api/runs/${runId}/zones`, { key: t.keys.planner })).json;
    expect(zones.features.length).toBeGreaterThan(0);
    let covered = 0;
    for (const f of zones.features) {
      const c = f.properties.covered_trips;
      expect(c).toBeGreaterThanOrEqual(K);
      expect(f.properties.profile.reduce((a: number, b: number) => a + b, 0)).toBe(c);
      covered += c;
    }
    const run = (await api(t, `/api/runs/${runId}`, { key: t.keys.planner })).json;
    expect(run.stats.summary).toMatchObject({ totalTrips: total, coveredTrips: covered, upperBoundTrips: null });
    expect(run.stats.curve[run.stats.curve.length - 1]).toBeCloseTo(covered / total, 12);
    const admin = (await api(t, `/api/runs/${runId}`, { key: t.keys.admin })).json;
    expect(admin.stats.summary.totalTrips).toBeGreaterThan(total);
    const cmp = (await api(t, `/api/runs/compare?a=${runId}&b=${runId}`, { key: t.keys.planner })).json;
    expect(cmp.coverage.a).toBeCloseTo(covered / total, 12);
    const byId = new Map(zones.features.map((f: any) => [f.properties.zone_id, f.properties.covered_trips]));
    for (const z of cmp.kept) expect(z.coveredTrips).toBe(byId.get(z.zoneId));
  });
});
