/**
 * k-anonymity against differencing (issue 10, item 10): the attacks a planner ran through real HTTP, and a
 * property test that no two nested filters differ by a count below k. Crafted trips at one point make every count
 * known: provider A has 10 trip ends at 08:xx on weekdays (at distinct seconds) and 2 at 03:xx, provider B has 3 at 08:xx, all
 * in June 2026 (UTC city).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { api, startTestServer, type TestServer } from './server-helpers.ts';

const K = 5;
const LAT = 45.5231;
const LNG = -122.6765;
let t: TestServer;

interface Trip { provider: string; id: string; endIso: string }
const trips: Trip[] = [];
const WEEKDAYS = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12]; // June 2026: the 1st is a Monday
for (let i = 0; i < 10; i++) trips.push({ provider: 'acme', id: `a8-${i}`, endIso: `2026-06-${String(WEEKDAYS[i]).padStart(2, '0')}T08:${String(10 + i).padStart(2, '0')}:${String(7 * i % 60).padStart(2, '0')}Z` });
for (let i = 0; i < 2; i++) trips.push({ provider: 'acme', id: `a3-${i}`, endIso: `2026-06-1${i}T03:20:00Z` });
for (let i = 0; i < 3; i++) trips.push({ provider: 'bolt', id: `b8-${i}`, endIso: `2026-06-2${i}T08:30:00Z` });

function csv(rows: Trip[]): string {
  const lines = ['provider_id,trip_id,device_id,start_time,end_time,start_lat,start_lng,end_lat,end_lng,distance_m,duration_s'];
  for (const r of rows) {
    const end = Date.parse(r.endIso);
    lines.push([r.provider, r.id, `dev-${r.id}`, new Date(end - 600_000).toISOString(), r.endIso, LAT + 0.01, LNG + 0.01, LAT, LNG, 1500, 600].join(','));
  }
  return lines.join('\n') + '\n';
}

/** The one res-12 (or other res) cell of the crafted point as a planner sees it, or null when hidden. */
async function cell(query: string, key = t.keys.planner): Promise<{ trips: number; profile: number[] } | null> {
  const r = await api(t, `/api/cells?${query}`, { key });
  expect(r.status, r.text).toBe(200);
  expect(r.json.features.length).toBeLessThanOrEqual(1);
  return r.json.features[0]?.properties ?? null;
}
const trips0 = async (query: string) => (await cell(query))?.trips ?? 0;

beforeAll(async () => {
  t = await startTestServer({ operator: 'acme', otherOperator: 'bolt' }, { kAnonymity: K });
  const up = await api(t, '/api/uploads', { key: t.keys.admin, body: csv(trips), headers: { 'Content-Type': 'text/csv' } });
  expect(up.status, up.text).toBe(201);
  expect(up.json.rowsStored).toBe(trips.length);
});
afterAll(async () => t?.close());

describe('differencing attacks by a planner', () => {
  it('hours {3, 8} minus hours {8} does not reveal the 2 trip ends at 03:xx', async () => {
    const both = await trips0('res=12&hours=3,8');
    const eight = await trips0('res=12&hours=8');
    expect(eight).toBeGreaterThanOrEqual(K);
    const d = both - eight;
    expect(d === 0 || d >= K, `difference ${d}`).toBe(true);
  });

  it("a cell's total is the sum of its shown profile, not the raw total", async () => {
    const c = (await cell('res=12'))!;
    expect(c.trips).toBe(c.profile.reduce((a, b) => a + b, 0));
    for (const v of c.profile) expect(v === 0 || v >= K).toBe(true);
  });

  it('bisecting from/to at one second does not find the end second of a single trip', async () => {
    for (const trip of trips.filter((x) => x.id.startsWith('a8-')).slice(0, 4)) {
      const at = trip.endIso.slice(0, 19);
      const after = new Date(Date.parse(trip.endIso) + 1000).toISOString().slice(0, 19);
      const d1 = (await trips0(`res=12&from=${at}`)) - (await trips0(`res=12&from=${after}`));
      const d2 = (await trips0(`res=12&to=${after}`)) - (await trips0(`res=12&to=${at}`));
      for (const d of [d1, d2]) expect(d === 0 || d >= K, `difference ${d} at ${at}`).toBe(true);
    }
  });

  it('the time filter snaps to whole local months, and the answer says so', async () => {
    const r = await api(t, '/api/cells?res=12&from=2026-06-03T08:10:00&to=2026-06-05', { key: t.keys.planner });
    expect(r.json.filter).toMatchObject({ from: '2026-06-01', to: '2026-07-01', tz: 'UTC' });
    const admin = await api(t, '/api/cells?res=12&from=2026-06-03T08:10:00&to=2026-06-05', { key: t.keys.admin });
    expect(admin.json.filter).toMatchObject({ from: '2026-06-03T08:10:00', to: '2026-06-05' });
  });

  it('all providers minus one provider does not reveal the other provider\'s 3 trip ends', async () => {
    const d = (await trips0('res=12&hours=8')) - (await trips0('res=12&hours=8&providers=acme'));
    expect(d === 0 || d >= K, `difference ${d}`).toBe(true);
  });

  it("a provider's count is the sum of its shown atoms: bolt's 3 trips are not counted", async () => {
    const r = await api(t, '/api/providers', { key: t.keys.planner });
    expect(r.json.providers).toEqual([{ id: 'acme', trips: 10 }, { id: 'bolt' }]);
  });

  it('an admin still sees every trip end', async () => {
    expect((await cell('res=12', t.keys.admin))!.trips).toBe(trips.length);
  });
});

/** Filters as query strings, and whether one keeps a subset of the other's trips (by construction). */
const HOURS = [3, 8, 12];
const arbFilter = fc.record({
  hours: fc.subarray(HOURS, { minLength: 1 }),
  providers: fc.subarray(['acme', 'bolt'], { minLength: 1 }),
  days: fc.constantFrom('all', 'weekday', 'weekend'),
  fromDay: fc.integer({ min: 1, max: 12 }),
  span: fc.integer({ min: 1, max: 30 * 24 }), // hours
  res: fc.constantFrom(9, 12),
});
type F = { hours: number[]; providers: string[]; days: string; fromDay: number; span: number; res: number };
function query(f: F): string {
  const from = new Date(Date.UTC(2026, 5, f.fromDay));
  const to = new Date(from.getTime() + f.span * 3600_000);
  return `res=${f.res}&hours=${f.hours.join(',')}&providers=${f.providers.join(',')}&days=${f.days}&from=${from.toISOString().slice(0, 19)}&to=${to.toISOString().slice(0, 19)}`;
}
/** A filter keeping a subset of `f`'s trips: fewer hours, providers or days, a narrower time window. */
const arbPair = arbFilter.chain((f) =>
  fc.record({
    hours: fc.subarray(f.hours, { minLength: 1 }),
    providers: fc.subarray(f.providers, { minLength: 1 }),
    days: f.days === 'all' ? fc.constantFrom('all', 'weekday', 'weekend') : fc.constant(f.days),
    cut: fc.integer({ min: 0, max: f.span - 1 }),
  }).map((g) => [f, { ...f, hours: g.hours, providers: g.providers, days: g.days, fromDay: f.fromDay, span: f.span - g.cut }] as [F, F]),
);

describe('property: nested filters never differ by a count below k', () => {
  it('for random filter pairs, every cell (and every hour of its profile) differs by 0 or at least k', async () => {
    await fc.assert(
      fc.asyncProperty(arbPair, async ([wide, narrow]) => {
        const byCell = async (f: F) => {
          const r = await api(t, `/api/cells?${query(f)}`, { key: t.keys.planner });
          return new Map<string, { trips: number; profile: number[] }>(r.json.features.map((x: any) => [x.properties.cell, x.properties]));
        };
        const [a, b] = [await byCell(wide), await byCell(narrow)];
        const zero = { trips: 0, profile: new Array(24).fill(0) };
        for (const id of new Set([...a.keys(), ...b.keys()])) {
          const [x, y] = [a.get(id) ?? zero, b.get(id) ?? zero];
          const d = x.trips - y.trips;
          if (!(d === 0 || d >= K)) return false;
          for (let h = 0; h < 24; h++) {
            const dh = x.profile[h]! - y.profile[h]!;
            if (!(dh === 0 || dh >= K)) return false;
          }
        }
        return true;
      }),
      { numRuns: 25, seed: 10 },
    );
  });
});
