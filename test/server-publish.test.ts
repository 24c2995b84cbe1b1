import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { ingestFile } from '../engine/index.ts';
import { fromNormalized } from '../engine/publish/index.ts';
import { GBFS_23_STATION_INFORMATION, expectValid, haveModels } from './export-mds-schemas.ts';
import { GBFS_23_GEOFENCING_ZONES, haveSdm, mdsResponseValidators, sdmValidators } from './publish-schemas.ts';
import { api, cityFile, startTestServer, testCity, waitForRun, type TestServer } from './server-helpers.ts';

const city = testCity(3000, 21);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
let t: TestServer;
let first: number;
let second: number;
const EFFECTIVE = '2026-06-03T00:00:00.000Z';

async function newRun(body: object): Promise<number> {
  const r = await api(t, '/api/runs', { key: t.keys.analyst, body });
  expect(r.status).toBe(202);
  await waitForRun(t, r.json.runId);
  return r.json.runId;
}

const move = (runId: number, key: string, body: object) => api(t, `/api/runs/${runId}/publication`, { key, body });

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 });
  await ingestFile(t.server.store, await cityFile(city, t.dir, 'city.parquet', 'parquet'));
  first = await newRun({ k: 6, res: 10 });
  second = await newRun({ k: 4, res: 10 });
}, 120_000);
afterAll(() => t?.close());

describe('publication API', () => {
  it('nothing is public before a plan is published', async () => {
    expect((await api(t, '/mds/geographies')).json.geographies).toEqual([]);
    expect((await api(t, '/mds/stops')).json.stops).toEqual([]);
    expect((await api(t, '/ngsi-ld/v1/entities?type=OnStreetParking')).json).toEqual([]);
  });

  it('operators see no drafts; a proposed plan they can check', async () => {
    expect((await api(t, `/api/runs/${first}/publication`, { key: t.keys.operator })).status).toBe(404);
    const r = await move(first, t.keys.planner, { state: 'proposed' });
    expect(r.status).toBe(200);
    expect(r.json.publication.state).toBe('proposed');
    const seen = await api(t, `/api/runs/${first}/publication`, { key: t.keys.operator });
    expect(seen.json.publication.state).toBe('proposed');
    expect(seen.json.history[0]).toMatchObject({ from: 'draft', to: 'proposed', actorRole: 'planner', actorKeyId: null });
    const zones = await api(t, `/api/runs/${first}/publication/zones`, { key: t.keys.operator });
    expect(zones.status).toBe(200);
    expect(JSON.parse(zones.text).type).toBe('FeatureCollection');
    expect((await api(t, '/mds/geographies')).json.geographies).toEqual([]); // proposed is not published
  });

  it('a planner may not publish; an operator may not move anything; admins publish', async () => {
    const byPlanner = await move(first, t.keys.planner, { state: 'published' });
    expect(byPlanner.status).toBe(403);
    expect(byPlanner.json.detail).toMatch(/role planner may not move a plan from proposed to published/);
    expect((await move(first, t.keys.operator, { state: 'draft' })).status).toBe(403);
    expect((await move(first, t.keys.admin, { state: 'published', effectiveDate: 'soon' })).json).toMatchObject({ status: 400, option: 'effectiveDate' });
    const ok = await move(first, t.keys.admin, { state: 'published', effectiveDate: EFFECTIVE });
    expect(ok.status).toBe(200);
    expect(ok.json.publication).toMatchObject({ state: 'published', effectiveDate: EFFECTIVE, requiredParking: true, prevRunId: null });
    expect(ok.json.history.map((e: { to: string }) => e.to)).toEqual(['proposed', 'published']);
  });

  it('a bad state is a 400 naming it; an impossible move a 409', async () => {
    expect((await move(first, t.keys.admin, { state: 'live' })).json).toMatchObject({ status: 400, option: 'state' });
    expect((await move(first, t.keys.admin, { state: 'proposed' })).status).toBe(409);
  });
});

describe.skipIf(!haveModels)('public feeds validate against their official schemas', () => {
  let v: ReturnType<typeof mdsResponseValidators>;
  beforeAll(() => {
    v = mdsResponseValidators();
  });

  it('GET /mds/geographies: no key, MDS media type with version, valid, published dates', async () => {
    const r = await api(t, '/mds/geographies');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.mds\+json;\s*version=2\.0/);
    expectValid(v.geographies, r.json);
    const stops = r.json.geographies.filter((g: { geography_type: string }) => g.geography_type === 'stop');
    expect(stops.length).toBeGreaterThan(0);
    for (const g of r.json.geographies) expect(g.effective_date).toBe(Date.parse(EFFECTIVE));
    expect(v.geographies({ ...r.json, geographies: [{ ...stops[0], geography_id: 'Z001' }] })).toBe(false); // the validator bites
    expect(v.geographies({ ...r.json, version: '1.2.0' })).toBe(false);
  });

  it('GET /mds/geographies/{id}: one geography; unknown 404; not a UUID 400', async () => {
    const all = (await api(t, '/mds/geographies')).json.geographies;
    const one = await api(t, `/mds/geographies/${all[0].geography_id}`);
    expectValid(v.geography, one.json);
    expect(one.json.geography).toEqual(all[0]);
    expect((await api(t, '/mds/geographies/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api(t, '/mds/geographies/Z001')).status).toBe(400);
  });

  it('an MDS version other than 2.0 in Accept is 406', async () => {
    expect((await api(t, '/mds/geographies', { headers: { Accept: 'application/vnd.mds+json;version=1.2' } })).status).toBe(406);
    expect((await api(t, '/mds/geographies', { headers: { Accept: 'application/vnd.mds+json;version=2.0' } })).status).toBe(200);
  });

  it('GET /mds/policies: required parking in the spec pattern — zone count rules, then none in the service area', async () => {
    const r = await api(t, '/mds/policies');
    expectValid(v.policies, r.json);
    const [policy] = r.json.policies;
    expect(policy.start_date).toBe(Date.parse(EFFECTIVE));
    const rules = policy.rules;
    expect(rules.at(-1)).toMatchObject({ rule_type: 'count', maximum: 0 });
    expect(rules.slice(0, -1).every((x: { maximum: number }) => x.maximum > 0)).toBe(true);
    const geos = new Set((await api(t, '/mds/geographies')).json.geographies.map((g: { geography_id: string }) => g.geography_id));
    for (const rule of rules) for (const g of rule.geographies) expect(geos.has(g)).toBe(true);
    const one = await api(t, `/mds/policies/${policy.policy_id}`);
    expectValid(v.policies, one.json);
    expect(one.json.policies).toEqual([policy]);
  });

  it('GET /mds/stops: the plan in force, valid as the Provider API /stops response', async () => {
    const r = await api(t, '/mds/stops');
    expectValid(v.stops, r.json);
    expect(r.json.stops.length).toBeGreaterThan(0);
    expect(r.json.stops[0].status.is_installed).toBe(true);
  });

  it('GBFS geofencing_zones and station_information of the plan in force', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const g = await api(t, '/gbfs/geofencing_zones.json');
    expectValid(ajv.compile(GBFS_23_GEOFENCING_ZONES), g.json);
    expect(g.json.data.geofencing_zones.features[0].properties.rules[0].station_parking).toBe(true);
    const s = await api(t, '/gbfs/station_information.json');
    expectValid(ajv.compile(GBFS_23_STATION_INFORMATION), s.json);
    expect(s.json.data.stations.length).toBe((await api(t, '/mds/stops')).json.stops.length);
  });

  it('a second publication names the one it replaces: prev_geographies, prev_policies, retire dates', async () => {
    await move(second, t.keys.planner, { state: 'proposed' });
    const eff = '2026-06-06T00:00:00.000Z';
    const r = await move(second, t.keys.admin, { state: 'published', effectiveDate: eff, requiredParking: false });
    expect(r.json.publication).toMatchObject({ prevRunId: first, requiredParking: false });
    const geos = (await api(t, '/mds/geographies')).json;
    expectValid(v.geographies, geos);
    const old = geos.geographies.filter((g: { retire_date?: number }) => g.retire_date !== undefined);
    expect(old.length).toBeGreaterThan(0);
    for (const g of old) expect(g.retire_date).toBe(Date.parse(eff));
    const oldIds = new Set(old.map((g: { geography_id: string }) => g.geography_id));
    const replacing = geos.geographies.filter((g: { prev_geographies?: string[] }) => g.prev_geographies);
    expect(replacing.length).toBeGreaterThan(0);
    for (const g of replacing) for (const id of g.prev_geographies) expect(oldIds.has(id)).toBe(true);
    const policies = (await api(t, '/mds/policies')).json;
    expectValid(v.policies, policies);
    expect(policies.policies).toHaveLength(1); // the replaced one has ended
    expect(policies.policies[0].prev_policies).toHaveLength(1);
    expect(policies.policies[0].rules.every((x: { maximum: number }) => x.maximum > 0)).toBe(true); // no required-parking rule
    expect((await api(t, '/gbfs/geofencing_zones.json')).json.data.geofencing_zones.features).toEqual([]);
  });
});

describe.skipIf(!haveSdm)('NGSI-LD entities as a context broker answers', () => {
  it('type=OnStreetParking, keyValues: every entity valid against the Smart Data Models schema', async () => {
    const v = sdmValidators();
    const r = await api(t, '/ngsi-ld/v1/entities?type=OnStreetParking&options=keyValues', { headers: { Accept: 'application/json' } });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('link')).toMatch(/rel="http:\/\/www.w3.org\/ns\/json-ld#context"/);
    expect(r.json.length).toBeGreaterThan(0);
    for (const e of r.json) expectValid(v.OnStreetParking, e);
  });

  it('type=ParkingSpot normalized (the default) with @context; back to key-values it is valid', async () => {
    const v = sdmValidators();
    const r = await api(t, '/ngsi-ld/v1/entities?type=ParkingSpot');
    expect(r.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    for (const e of r.json) {
      expect(e['@context']).toBeDefined();
      expect(e.location.type).toBe('GeoProperty');
      expect(e.refParkingSite.type).toBe('Relationship');
      expectValid(v.ParkingSpot, fromNormalized(e));
    }
  });

  it('the validator catches an entity the model forbids', () => {
    const v = sdmValidators();
    expect(v.OnStreetParking({ id: 'urn:ngsi-ld:OnStreetParking:x', type: 'OnStreetParking', location: { type: 'Point', coordinates: [0, 0] }, category: ['forMicromobility'] })).toBe(false);
  });

  it('as a file (download=true); a bad or missing type is a 400', async () => {
    const r = await api(t, '/ngsi-ld/v1/entities?type=OnStreetParking&download=true');
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="parkzones-OnStreetParking.jsonld"/);
    expect((await api(t, '/ngsi-ld/v1/entities')).json).toMatchObject({ status: 400, option: 'type' });
    expect((await api(t, '/ngsi-ld/v1/entities?type=Car')).status).toBe(400);
  });
});

describe('compliance and occupancy endpoints', () => {
  it('operators see their own figures only, each row with at least k trip ends', async () => {
    const all = await api(t, `/api/runs/${first}/compliance?period=day`, { key: t.keys.admin });
    expect(all.status).toBe(200);
    expect(new Set(all.json.rows.map((r: { providerId: string }) => r.providerId)).size).toBeGreaterThan(1);
    expect(all.json.rows.some((r: { phase: string }) => r.phase === 'before')).toBe(true);
    expect(all.json.rows.some((r: { phase: string }) => r.phase === 'after')).toBe(true);
    const own = await api(t, `/api/runs/${first}/compliance?period=day`, { key: t.keys.operator });
    expect(own.json.rows.length).toBeGreaterThan(0);
    for (const r of own.json.rows) {
      expect(r.providerId).toBe(p0);
      expect(r.tripEnds).toBeGreaterThanOrEqual(5);
    }
    const occ = await api(t, `/api/runs/${first}/occupancy`, { key: t.keys.otherOperator });
    for (const z of occ.json.zones) expect(z.tripEnds).toBeGreaterThanOrEqual(5);
    const occAdmin = await api(t, `/api/runs/${first}/occupancy`, { key: t.keys.admin });
    expect(occAdmin.json.zones.length).toBeGreaterThanOrEqual(occ.json.zones.length);
    expect((await api(t, `/api/runs/${first}/compliance`)).status).toBe(401);
  });

  it('the same k threshold hides small rows from analysts too', async () => {
    const admin = (await api(t, `/api/runs/${first}/compliance?period=day`, { key: t.keys.admin })).json.rows;
    const analyst = (await api(t, `/api/runs/${first}/compliance?period=day`, { key: t.keys.analyst })).json.rows;
    expect(analyst).toEqual(admin.filter((r: { tripEnds: number }) => r.tripEnds >= 5));
  });

  it('CSV exports of both tables', async () => {
    const c = await api(t, `/api/runs/${first}/compliance?format=csv`, { key: t.keys.analyst });
    expect(c.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(c.text.split('\r\n')[0]).toBe('providerId,period,phase,tripEnds,inZone,nearZone,noParking,inZoneShare,nearZoneShare,noParkingShare');
    const o = await api(t, `/api/runs/${first}/occupancy?format=csv`, { key: t.keys.analyst });
    expect(o.text.split('\r\n')[0]).toBe('zoneId,rank,centerLat,centerLng,capacity,tripEnds,peak,percentilePeak,ratio,verdict,suggestedCapacity');
  });

  it('a plan never published has no compliance (409)', async () => {
    const draft = await newRun({ k: 2, res: 10 });
    expect((await api(t, `/api/runs/${draft}/compliance`, { key: t.keys.admin })).status).toBe(409);
  });
});

describe('GET /reports/{YYYY-MM}.csv', () => {
  it('needs a key; the city sees every operator, an operator its own rows', async () => {
    expect((await api(t, '/reports/2026-06.csv')).status).toBe(401);
    const all = await api(t, '/reports/2026-06.csv', { key: t.keys.admin });
    expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = all.text.trimEnd().split('\n');
    expect(lines[0]).toBe('provider_id,start_date,duration,special_group_type,geography_id,vehicle_type,trip_count,rider_count');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBeGreaterThan(1);
    const own = (await api(t, '/reports/2026-06.csv', { key: t.keys.operator })).text.trimEnd().split('\n').slice(1);
    expect(own.length).toBeGreaterThan(0);
    for (const l of own) expect(l.split(',')[0]).toBe(p0);
    expect((await api(t, '/reports/june.csv', { key: t.keys.admin })).status).toBe(400);
  });
});
