import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import { api, cityFile, startTestServer, testCity, type TestServer, waitForRun } from './server-helpers.ts';

const city = testCity(3000, 13);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
let t: TestServer;
let runId: number;
let parentZones: any[];

/** A square of about `m` metres around a point, as a GeoJSON Polygon. */
function squareAround(lat: number, lng: number, m: number) {
  const dLat = m / 111195;
  const dLng = dLat / Math.cos((lat * Math.PI) / 180);
  return { type: 'Polygon', coordinates: [[[lng - dLng, lat - dLat], [lng + dLng, lat - dLat], [lng + dLng, lat + dLat], [lng - dLng, lat + dLat], [lng - dLng, lat - dLat]]] };
}

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 });
  const own = fs.readFileSync(await cityFile(city, t.dir, 'own.csv', 'csv', (x) => x.providerId === p0));
  expect((await api(t, '/api/uploads', { key: t.keys.operator, body: own, headers: { 'Content-Type': 'text/csv' } })).status).toBe(201);
  const others = fs.readFileSync(await cityFile(city, t.dir, 'others.json', 'mds2', (x) => x.providerId !== p0));
  expect((await api(t, '/api/uploads', { key: t.keys.admin, body: others, headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
  const run = await api(t, '/api/runs', { key: t.keys.analyst, body: { k: 6, res: 10, name: 'Baseline' } });
  expect(run.status).toBe(202);
  runId = run.json.runId;
  expect((await waitForRun(t, runId)).status).toBe('done');
  parentZones = (await api(t, `/api/runs/${runId}/zones`, { key: t.keys.admin })).json.features;
});
afterAll(async () => t?.close());

describe('plans over HTTP', () => {
  it('a planner moves, deletes and adds a zone: a new run naming its parent and its edits, figures recomputed', async () => {
    const [a, b] = parentZones as any[];
    const moved = { lat: a.properties.center_lat + 0.0009, lng: a.properties.center_lng };
    const edits = [
      { op: 'move', zone_id: a.properties.zone_id, ...moved },
      { op: 'delete', zone_id: b.properties.zone_id },
      { op: 'add', lat: a.properties.center_lat - 0.002, lng: a.properties.center_lng + 0.002 },
      { op: 'capacity', zone_id: 'add-1', capacity: 17 },
    ];
    const r = await api(t, `/api/runs/${runId}/plans`, { key: t.keys.planner, body: { name: 'Old town v2', note: 'council asked for one more', edits } });
    expect(r.status, r.text).toBe(201);
    const plan = r.json;
    expect(plan).toMatchObject({ kind: 'plan', parentRunId: runId, name: 'Old town v2', note: 'council asked for one more', authorRole: 'planner', status: 'done', edits });
    expect(r.headers.get('location')).toBe(`/api/runs/${plan.runId}`);
    const zones = (await api(t, `/api/runs/${plan.runId}/zones`, { key: t.keys.admin })).json.features.map((f: any) => f.properties);
    expect(zones).toHaveLength(parentZones.length);
    expect(zones.find((z: any) => z.zone_id === b.properties.zone_id)).toBeUndefined();
    const m = zones.find((z: any) => z.zone_id === a.properties.zone_id);
    expect([m.center_lat, m.center_lng]).toEqual([moved.lat, moved.lng]);
    expect(zones.find((z: any) => z.zone_id === 'add-1').capacity).toBe(17);
    // The figures are those of the edited set: the sums of its zones, not the parent's.
    const full = (await api(t, `/api/runs/${plan.runId}`, { key: t.keys.admin })).json;
    const s = full.stats.summary;
    expect(s.totalSlots).toBe(zones.reduce((n: number, z: any) => n + z.capacity, 0));
    expect(s.coveredTrips).toBe(zones.reduce((n: number, z: any) => n + z.covered_trips, 0));
    expect(s.coveredShare).toBeCloseTo(s.coveredTrips / s.totalTrips, 12);
    const parent = (await api(t, `/api/runs/${runId}`, { key: t.keys.admin })).json.stats.summary;
    expect(s.totalTrips).toBe(parent.totalTrips);
    expect(s.coveredShare).not.toBe(parent.coveredShare);
    // Unchanged zones are resized from parked-vehicle peaks like a proposal: a kept zone whose catchment is unchanged keeps its slots.
    const kept = parentZones.slice(2).map((f: any) => f.properties);
    const same = kept.filter((k: any) => {
      const z = zones.find((x: any) => x.zone_id === k.zone_id);
      return z && z.covered_trips === k.covered_trips;
    });
    expect(same.length).toBeGreaterThan(0);
    for (const k of same) expect(zones.find((x: any) => x.zone_id === k.zone_id).capacity).toBe(k.capacity);
  });

  it('an operator cannot make a plan; a bad edit names its field; an unknown zone is 404', async () => {
    expect((await api(t, `/api/runs/${runId}/plans`, { key: t.keys.operator, body: { name: 'x', edits: [] } })).status).toBe(403);
    const bad = await api(t, `/api/runs/${runId}/plans`, { key: t.keys.planner, body: { name: 'x', edits: [{ op: 'move', zone_id: 'q', lat: 'north', lng: 1 }] } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ option: 'edits[0].lat' });
    const missing = await api(t, `/api/runs/${runId}/plans`, { key: t.keys.planner, body: { name: 'x', edits: [{ op: 'delete', zone_id: 'nope' }] } });
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toBe('edits[0].zone_id: no zone "nope" in the plan at this edit');
    expect((await api(t, `/api/runs/${runId}/plans`, { key: t.keys.planner, body: { edits: [] } })).json.option).toBe('name');
  });

  it('an area to avoid is stored with the plan and the next recompute keeps zone centres out of it', async () => {
    const a = parentZones[0].properties;
    const area = squareAround(a.center_lat, a.center_lng, 120);
    const plan = await api(t, `/api/runs/${runId}/plans`, { key: t.keys.planner, body: { name: 'avoid the square', exclusions: area } });
    expect(plan.status, plan.text).toBe(201);
    expect(plan.json.params.exclude.features[0].geometry).toEqual(area);
    expect((await api(t, `/api/runs/${plan.json.runId}/recompute`, { key: t.keys.planner, method: 'POST' })).status).toBe(403);
    const re = await api(t, `/api/runs/${plan.json.runId}/recompute`, { key: t.keys.analyst, method: 'POST' });
    expect(re.status).toBe(202);
    expect(re.json).toMatchObject({ parentRunId: plan.json.runId, authorRole: 'analyst', kind: 'run' });
    expect((await waitForRun(t, re.json.runId)).status).toBe('done');
    const zones = (await api(t, `/api/runs/${re.json.runId}/zones`, { key: t.keys.admin })).json.features.map((f: any) => f.properties);
    const [[w, s], , [e, n]] = area.coordinates[0]! as number[][];
    expect(zones.length).toBeGreaterThan(0);
    for (const z of zones) expect(z.center_lng > w! && z.center_lng < e! && z.center_lat > s! && z.center_lat < n!).toBe(false);
    expect(zones.some((z: any) => z.zone_id === a.zone_id)).toBe(false);
  });

  it('a planner cannot recompute unless the server allows it', async () => {
    expect((await api(t, '/api/runs', { key: t.keys.planner, body: { k: 2, res: 10 } })).json).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const { app } = createApp({ store: t.server.store, plannerRecompute: true });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await api({ ...t, url }, '/api/runs', { key: t.keys.planner, body: { k: 2, res: 10 } });
      expect(r.status).toBe(202);
      expect(r.json.authorRole).toBe('planner');
      expect((await api({ ...t, url }, '/api/config', { key: t.keys.planner })).json.plannerRecompute).toBe(true);
      await waitForRun(t, r.json.runId);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('runs list newest first with names, parents and author roles; the city marks one current', async () => {
    expect((await api(t, '/api/runs/current', { key: t.keys.planner })).status).toBe(404);
    const list = (await api(t, '/api/runs', { key: t.keys.planner })).json.runs;
    // The page asks for the zones of the run it opens on as soon as it is signed in: GET /api/config names it to run
    // readers — the newest done run until the city marks one current.
    const newestDone = Math.max(...list.filter((r: any) => r.status === 'done').map((r: any) => r.runId));
    expect(newestDone).toBeGreaterThan(runId);
    expect((await api(t, '/api/config', { key: t.keys.planner })).json.openingRunId).toBe(newestDone);
    expect(list.map((r: any) => r.runId)).toEqual([...list.map((r: any) => r.runId)].sort((x: number, y: number) => y - x));
    const plan = list.find((r: any) => r.name === 'Old town v2');
    expect(plan).toMatchObject({ parentRunId: runId, authorRole: 'planner', kind: 'plan', current: false });
    expect(list.find((r: any) => r.runId === runId)).toMatchObject({ name: 'Baseline', authorRole: 'analyst', parentRunId: null });
    expect((await api(t, `/api/runs/${plan.runId}/current`, { key: t.keys.analyst, method: 'PUT' })).status).toBe(403);
    expect((await api(t, `/api/runs/${plan.runId}/current`, { key: t.keys.planner, method: 'PUT' })).json.current).toBe(true);
    expect((await api(t, '/api/runs/current', { key: t.keys.analyst })).json.runId).toBe(plan.runId);
    const again = (await api(t, '/api/runs', { key: t.keys.analyst })).json;
    expect(again.currentRunId).toBe(plan.runId);
    expect(again.runs.filter((r: any) => r.current).map((r: any) => r.runId)).toEqual([plan.runId]);
    expect((await api(t, '/api/config', { key: t.keys.planner })).json.openingRunId).toBe(plan.runId);
    expect((await api(t, '/api/config', { key: t.keys.operator })).json).not.toHaveProperty('openingRunId');
    expect((await api(t, '/api/config')).json).not.toHaveProperty('openingRunId');
  });

  it('a run is renamed and annotated; an operator may not', async () => {
    const r = await api(t, `/api/runs/${runId}`, { key: t.keys.planner, method: 'PATCH', body: { note: 'weekday demand, July' } });
    expect(r.json).toMatchObject({ name: 'Baseline', note: 'weekday demand, July' });
    expect((await api(t, `/api/runs/${runId}`, { key: t.keys.planner, method: 'PATCH', body: { name: '' } })).json.option).toBe('name');
    expect((await api(t, `/api/runs/${runId}`, { key: t.keys.operator, method: 'PATCH', body: { name: 'mine' } })).status).toBe(403);
  });

  it("a plan's zones obey k-suppression for non-admins as a run's do", async () => {
    // A zone far from any demand covers nothing: admins see it, planners do not.
    const plan = await api(t, `/api/runs/${runId}/plans`, { key: t.keys.planner, body: { name: 'empty corner', edits: [{ op: 'add', lat: 10, lng: 10 }] } });
    const admin = (await api(t, `/api/runs/${plan.json.runId}/zones`, { key: t.keys.admin })).json.features;
    const planner = (await api(t, `/api/runs/${plan.json.runId}/zones`, { key: t.keys.planner })).json.features;
    expect(admin.some((f: any) => f.properties.zone_id === 'add-1')).toBe(true);
    expect(planner.some((f: any) => f.properties.zone_id === 'add-1')).toBe(false);
    expect(plan.json.stats.peakParked).toBeUndefined();
  });
});

describe('names, not ids', () => {
  it("an operator's account and provider list carry its provider's name", async () => {
    const name = city.providers[0]!.name;
    expect(name).toBeTruthy();
    expect((await api(t, '/api/config', { key: t.keys.operator })).json.providerName).toBe(name);
    expect((await api(t, '/api/providers', { key: t.keys.operator })).json.providers).toEqual([{ id: p0, name }]);
  });
});

describe('the grouped reject report', () => {
  it("groups an operator's rejects by reason with counts and a few rows, and serves them all as CSV", async () => {
    const uploads = (await api(t, '/api/uploads', { key: t.keys.operator })).json.uploads;
    const up = uploads[0];
    expect(up.rowsRejected).toBeGreaterThan(1);
    const g = await api(t, `/api/uploads/${up.uploadId}/reject-groups?rows=2`, { key: t.keys.operator });
    expect(g.status).toBe(200);
    expect(g.json.groups.reduce((n: number, x: any) => n + x.count, 0)).toBe(up.rowsRejected);
    const counts = g.json.groups.map((x: any) => x.count);
    expect(counts).toEqual([...counts].sort((x: number, y: number) => y - x));
    for (const x of g.json.groups) {
      expect(x.rows.length).toBe(Math.min(2, x.count));
      // A group is one field and kind of reason (its text before ': '); each row keeps its full reason.
      for (const row of x.rows) {
        expect(row).toMatchObject({ field: x.field, raw: null });
        expect(row.reason.split(': ')[0]).toBe(x.reason);
      }
    }
    const csv = await api(t, `/api/uploads/${up.uploadId}/rejects.csv`, { key: t.keys.operator });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('upload_id,row_number,field,reason');
    expect(lines).toHaveLength(up.rowsRejected + 1);
    expect((await api(t, `/api/uploads/${up.uploadId}/rejects.csv`, { key: t.keys.admin })).text.split('\r\n')[0]).toBe('upload_id,row_number,field,reason,raw');
    expect((await api(t, `/api/uploads/${up.uploadId}/rejects.csv`, { key: t.keys.otherOperator })).status).toBe(403);
    expect((await api(t, `/api/uploads/${up.uploadId}/reject-groups`, { key: t.keys.planner })).status).toBe(403);
  });
});

describe('candidate sites and districts over HTTP', () => {
  it('a run with a candidate layer stands only there, stores the layer and recomputes the same zones', async () => {
    const sites = parentZones.slice(1).map((f: any) => [f.properties.center_lng + 0.0001, f.properties.center_lat]);
    const candidates = { type: 'FeatureCollection', features: sites.map((c: number[]) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } })) };
    const [lng, lat] = sites[0] as [number, number];
    const districts = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'North', min_zones: 1 }, geometry: squareAround(lat, lng, 50) }] };
    const post = await api(t, '/api/runs', { key: t.keys.analyst, body: { k: 3, res: 10, candidates, districts } });
    expect(post.status, post.text).toBe(202);
    const done = await waitForRun(t, post.json.runId);
    expect(done.status).toBe('done');
    const view = (await api(t, `/api/runs/${post.json.runId}`, { key: t.keys.admin })).json;
    expect(view.params.candidates).toEqual(candidates);
    expect(view.params.districts).toEqual(districts);
    // layers=count (the page's run list and run detail): the layers' sizes, not the layers; the rest as it is.
    const counted = (await api(t, `/api/runs/${post.json.runId}?layers=count`, { key: t.keys.admin })).json;
    expect(counted.params.candidates).toEqual({ type: 'FeatureCollection', featureCount: candidates.features.length });
    expect(counted.params.districts).toEqual({ type: 'FeatureCollection', featureCount: 1 });
    expect({ ...counted.params, candidates: null, districts: null }).toEqual({ ...view.params, candidates: null, districts: null });
    const listed = (await api(t, '/api/runs?layers=count', { key: t.keys.analyst })).json.runs.find((r: any) => r.runId === post.json.runId);
    expect(listed.params.candidates).toEqual({ type: 'FeatureCollection', featureCount: candidates.features.length });
    expect((await api(t, '/api/runs?layers=some', { key: t.keys.analyst })).status).toBe(400);
    const zones = (await api(t, `/api/runs/${post.json.runId}/zones`, { key: t.keys.admin })).json.features.map((f: any) => f.properties);
    const keys = new Set(sites.map((c: number[]) => `site:${c[1]!.toFixed(6)},${c[0]!.toFixed(6)}`));
    expect(zones.length).toBeGreaterThan(0);
    for (const z of zones) expect(keys.has(z.zone_id)).toBe(true);
    const re = await api(t, `/api/runs/${post.json.runId}/recompute`, { key: t.keys.analyst, method: 'POST' });
    expect(re.status).toBe(202);
    expect((await waitForRun(t, re.json.runId)).status).toBe('done');
    const again = (await api(t, `/api/runs/${re.json.runId}/zones`, { key: t.keys.admin })).json.features.map((f: any) => f.properties.zone_id);
    expect(again).toEqual(zones.map((z: any) => z.zone_id));
  });

  it('a bad candidate layer is refused with 400 naming candidates and the feature', async () => {
    const r = await api(t, '/api/runs', { key: t.keys.analyst, body: { candidates: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: ['x', 1] } }] } } });
    expect(r.status).toBe(400);
    expect(r.json.option).toBe('candidates');
    expect(r.json.detail).toMatch(/^candidates: feature 0: must be \[lng, lat\] numbers/);
  });
});
