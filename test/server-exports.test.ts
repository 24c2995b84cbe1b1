import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { GBFS_23_STATION_INFORMATION, expectValid, haveModels, mdsAjv, validator } from './export-mds-schemas.ts';
import { api, cityFile, startTestServer, testCity, type TestServer, waitForRun } from './server-helpers.ts';

const city = testCity(4000, 17);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
let t: TestServer;
let runId: number;
let geojson: any;

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 });
  // CSV carries vehicle types (MDS 2.0 trips do not): capacity is split per type from them.
  const file = await cityFile(city, t.dir, 'all.csv', 'csv');
  expect((await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'text/csv' } })).status).toBe(201);
  const run = await api(t, '/api/runs', { key: t.keys.analyst, body: { res: 10, k: 8 } });
  runId = run.json.runId;
  const finished = await waitForRun(t, runId, t.keys.analyst);
  if (finished.status === 'failed') throw new Error(JSON.stringify(finished));
  geojson = (await api(t, `/api/runs/${runId}/zones`, { key: t.keys.planner })).json;
  expect(geojson.features.length).toBeGreaterThan(0);
});
afterAll(async () => t?.close());

describe.skipIf(!haveModels)('zone exports over HTTP follow the standards', () => {
  let ajv: Ajv;
  beforeAll(() => {
    ajv = mdsAjv(['geography.yaml', 'stop.yaml', 'policy.yaml', 'policy-rule.yaml']);
  });

  it('format=mds-geography: MDS 2.0 geographies of type "stop", one per zone', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=mds-geography`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.json.version).toBe('2.0.0');
    expect(r.json.geographies).toHaveLength(geojson.features.length);
    for (const g of r.json.geographies) {
      expectValid(validator(ajv, 'geography.yaml'), g);
      expect(g.geography_type).toBe('stop');
    }
  });

  it('format=mds-stops: MDS 2.0 stops with capacity per vehicle type adding up to the zone capacity', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=mds-stops`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    r.json.stops.forEach((s: { capacity: Record<string, number> }, i: number) => {
      expectValid(validator(ajv, 'stop.yaml'), s);
      expect(Object.values(s.capacity).reduce((a, b) => a + b, 0)).toBe(geojson.features[i].properties.capacity);
    });
    // The synthetic city has 80 % scooters and 20 % bicycles.
    const types = new Set(r.json.stops.flatMap((s: { capacity: object }) => Object.keys(s.capacity)));
    expect([...types].sort()).toEqual(['bicycle', 'scooter_standing']);
  });

  it('format=mds-policy: a valid MDS 2.0 policy with valid rules and geographies', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=mds-policy`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expectValid(validator(ajv, 'policy.yaml'), r.json.policies[0]);
    for (const rule of r.json.policies[0].rules) expectValid(validator(ajv, 'policy-rule.yaml'), rule);
    for (const g of r.json.geographies) expectValid(validator(ajv, 'geography.yaml'), g);
  });
});

describe('other formats', () => {
  it('format=gbfs: GBFS 2.3 station_information with virtual stations, station_area and vehicle_capacity', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=gbfs`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expectValid(new Ajv({ strict: false }).compile(GBFS_23_STATION_INFORMATION), r.json);
    for (const s of r.json.data.stations) {
      expect(s.is_virtual_station).toBe(true);
      expect(s.station_area.type).toBe('MultiPolygon');
      expect(Object.values(s.vehicle_capacity as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(s.capacity);
    }
  });

  it('format=ngsi-ld: application/ld+json OnStreetParking entities', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=ngsi-ld`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(r.json).toHaveLength(geojson.features.length);
    expect(r.json[0].type).toBe('OnStreetParking');
  });

  it('format=csv: text/csv with a row per zone and a download name', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=csv`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toContain(`run-${runId}-zones.csv`);
    expect(r.text.trim().split('\r\n')).toHaveLength(geojson.features.length + 1);
  });

  it('format=geojson (default): zones as features with capacity and the run id', async () => {
    expect(geojson.type).toBe('FeatureCollection');
    for (const f of geojson.features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      expect(f.properties.capacity).toBeGreaterThan(0);
    }
  });

  it('format=parquet: a Parquet file DuckDB reads back with one row per zone', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=parquet`, { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const file = `${t.dir}/zones.parquet`;
    fs.writeFileSync(file, r.bytes);
    const rows = await t.server.store.query(`SELECT zone_id, capacity, cell, h3, len(catchment) AS n FROM read_parquet('${file}') ORDER BY rank`);
    expect(rows).toHaveLength(geojson.features.length);
    expect(rows[0]).toMatchObject({ zone_id: geojson.features[0].properties.zone_id, capacity: geojson.features[0].properties.capacity, h3: geojson.features[0].properties.cell });
    expect((rows[0]!.cell as bigint).toString(16)).toBe(rows[0]!.h3);
  });

  it('an unknown format → 400', async () => {
    const r = await api(t, `/api/runs/${runId}/zones?format=kml`, { key: t.keys.planner });
    expect(r.status).toBe(400);
    expect(r.json.option).toBe('format');
  });
});
