import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../server/index.ts';
import { api, startTestServer, type TestServer } from './server-helpers.ts';

const TZ = 'America/Kentucky/Louisville'; // UTC−4 in June
let t: TestServer;

/** 24 zeros with the given hours set. */
function profile(hours: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, h) => hours[h] ?? 0);
}

beforeAll(async () => {
  t = await startTestServer({ operator: 'acme', otherOperator: 'bolt' }, { tz: TZ });
  // One spot: 6 trips end at 12:10 UTC (08:10 local), 5 at 02:30 UTC on 2 June (22:30 local on 1 June).
  const ends = [...Array(6).fill('2026-06-01T12:10:00Z'), ...Array(5).fill('2026-06-02T02:30:00Z')];
  const rows = ends.map((end, i) => `t${i},acme,d${i},scooter,${end.replace(/:\d\d:00Z$/, ':00:00Z')},${end},38.25,-85.76,38.2527,-85.7585,900,600`);
  const csv = ['trip_id,provider_id,device_id,vehicle_type,start_time,end_time,start_lat,start_lng,end_lat,end_lng,distance_m,duration_s', ...rows].join('\n');
  const file = path.join(t.dir, 'two-hours.csv');
  fs.writeFileSync(file, csv);
  const up = await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'text/csv' } });
  expect(up.json.rowsStored).toBe(11);
});
afterAll(async () => t?.close());

describe('the city time zone', () => {
  it('GET /api/config names the time zone the server was started with', async () => {
    expect((await api(t, '/api/config', { key: t.keys.planner })).json.tz).toBe(TZ);
  });

  it('cells with the config tz have the local-hour profile', async () => {
    const { tz } = (await api(t, '/api/config', { key: t.keys.planner })).json;
    const r = await api(t, `/api/cells?res=9&tz=${encodeURIComponent(tz)}`, { key: t.keys.planner });
    expect(r.json.features).toHaveLength(1);
    expect(r.json.features[0].properties.profile).toEqual(profile({ 8: 6, 22: 5 }));
  });

  it('the same cells with tz=UTC have the UTC-hour profile (for an admin)', async () => {
    const r = await api(t, '/api/cells?res=9&tz=UTC', { key: t.keys.admin });
    expect(r.json.features[0].properties.profile).toEqual(profile({ 12: 6, 2: 5 }));
  });

  it("a planner's tz is the city's, whatever it asks, and the answer says so", async () => {
    const r = await api(t, '/api/cells?res=9&tz=UTC', { key: t.keys.planner });
    expect(r.json.filter.tz).toBe(TZ);
    expect(r.json.features[0].properties.profile).not.toEqual(profile({ 12: 6, 2: 5 }));
  });

  it('an hours filter with the config tz keeps local hours', async () => {
    const local = await api(t, `/api/cells?res=9&hours=8&tz=${encodeURIComponent(TZ)}`, { key: t.keys.planner });
    const utc = await api(t, '/api/cells?res=9&hours=8&tz=UTC', { key: t.keys.admin });
    expect(local.json.totalTrips).toBe(6);
    expect(utc.json.totalTrips).toBe(0);
  });

  it('GET /api/config says UTC when the server names no time zone', async () => {
    const s = await startServer({ store: t.server.store, port: 0 });
    try {
      expect((await (await fetch(`${s.url}/api/config`)).json()).tz).toBe('UTC');
    } finally {
      await s.close();
    }
  });

  it('startServer refuses an unknown time zone, naming it', async () => {
    await expect(startServer({ store: t.server.store, port: 0, tz: 'Mars/Olympus_Mons' })).rejects.toThrow(
      'tz: unknown time zone "Mars/Olympus_Mons" (give an IANA name such as America/Kentucky/Louisville)',
    );
  });
});
