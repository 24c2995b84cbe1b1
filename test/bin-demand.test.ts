import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { latLngToCell } from 'h3-js';
import { ingestFile } from '../engine/ingest/index.ts';
import { demandCells, demandByProvider, parkedPeaks, cellParkedPeaks, listProviders } from '../engine/bin/index.ts';
import { cellToHex } from '../engine/h3/index.ts';
import { isParkzonesError } from '../engine/errors.ts';
import { generateCity, writeTrips, type SyntheticTrip } from '../fixtures/index.ts';
import { tempStore } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
const city = generateCity({ trips: 6000, seed: 31, days: 14 });
const trips: SyntheticTrip[] = [...city.trips()];
const TZ = 'America/Kentucky/Louisville';
beforeAll(async () => {
  ctx = await tempStore();
  const file = path.join(ctx.dir, 'city.parquet');
  await writeTrips(trips, file, { format: 'parquet' });
  await ingestFile(ctx.store, file);
});
afterAll(() => ctx.cleanup());

const localParts = (ms: number) => {
  const p = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hourCycle: 'h23', hour: 'numeric', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms));
  const get = (t: string) => p.find((x) => x.type === t)!.value;
  return { hour: Number(get('hour')), weekday: get('weekday'), date: `${get('year')}-${get('month')}-${get('day')}` };
};

/** Demand recomputed in plain JS from the generator's trips, keyed by hex cell. */
function expected(res: number, keep: (t: SyntheticTrip) => boolean = () => true) {
  const m = new Map<string, { trips: number; devices: Set<string>; days: Set<string>; profile: number[]; weekday: number }>();
  for (const t of trips) {
    if (!keep(t)) continue;
    const c = latLngToCell(t.endLat, t.endLng, res);
    const e = m.get(c) ?? { trips: 0, devices: new Set(), days: new Set(), profile: Array(24).fill(0), weekday: 0 };
    const lp = localParts(t.endMs);
    e.trips++;
    e.devices.add(t.deviceId);
    e.days.add(lp.date);
    e.profile[lp.hour]++;
    if (lp.weekday !== 'Sat' && lp.weekday !== 'Sun') e.weekday++;
    m.set(c, e);
  }
  return m;
}

describe('demandCells', () => {
  it.each([7, 9, 10, 12])('bins every trip end into the h3-js cell at resolution %i, with trips, devices, days and profile', async (res) => {
    const d = await demandCells(ctx.store, { res, filter: { tz: TZ } });
    const want = expected(res);
    expect(d.count).toBe(want.size);
    expect(d.totalTrips).toBe(trips.length);
    for (let i = 0; i < d.count; i++) {
      const hex = cellToHex(d.cell[i]!);
      const e = want.get(hex);
      expect(e, hex).toBeDefined();
      expect(d.trips[i]).toBe(e!.trips);
      expect(d.devices[i]).toBe(e!.devices.size);
      expect(d.days[i]).toBe(e!.days.size);
      expect(d.weekdayTrips[i]).toBe(e!.weekday);
      expect(Array.from(d.profile.subarray(i * 24, i * 24 + 24))).toEqual(e!.profile);
    }
  });

  it.each([7, 10, 12])('the counts-only form (no distinct counts, no parked time, as zones ask) gives the same trips, weekday trips and profiles at res %i', async (res) => {
    const d = await demandCells(ctx.store, { res, filter: { tz: TZ }, distinct: false, parkedTime: false });
    const want = expected(res);
    expect(d.count).toBe(want.size);
    for (let i = 0; i < d.count; i++) {
      const e = want.get(cellToHex(d.cell[i]!))!;
      expect([d.trips[i], d.weekdayTrips[i], d.devices[i], d.days[i]]).toEqual([e.trips, e.weekday, 0, 0]);
      expect(Number.isNaN(d.medianParkedS[i])).toBe(true);
      expect(Array.from(d.profile.subarray(i * 24, i * 24 + 24))).toEqual(e.profile);
    }
  });

  it('returns cells sorted by id with their centroids', async () => {
    const d = await demandCells(ctx.store, { res: 10 });
    for (let i = 1; i < d.count; i++) expect(d.cell[i]! > d.cell[i - 1]!).toBe(true);
    expect(latLngToCell(d.lat[0]!, d.lng[0]!, 10)).toBe(cellToHex(d.cell[0]!));
  });

  it('filters by local hours and weekdays', async () => {
    const d = await demandCells(ctx.store, { res: 9, filter: { tz: TZ, hours: [7, 8, 9], days: 'weekday' } });
    const want = expected(9, (t) => {
      const lp = localParts(t.endMs);
      return [7, 8, 9].includes(lp.hour) && lp.weekday !== 'Sat' && lp.weekday !== 'Sun';
    });
    expect(d.count).toBe(want.size);
    expect(d.totalTrips).toBe([...want.values()].reduce((s, e) => s + e.trips, 0));
    for (let i = 0; i < d.count; i++) for (let h = 0; h < 24; h++) if (![7, 8, 9].includes(h)) expect(d.profile[i * 24 + h]).toBe(0);
  });

  it('filters by a local date window (to exclusive) and by provider', async () => {
    const provider = city.providers[1]!.id;
    const d = await demandCells(ctx.store, { res: 8, filter: { tz: TZ, from: '2026-06-03', to: '2026-06-05', providers: [provider] } });
    const want = expected(8, (t) => t.providerId === provider && ['2026-06-03', '2026-06-04'].includes(localParts(t.endMs).date));
    expect(d.totalTrips).toBe([...want.values()].reduce((s, e) => s + e.trips, 0));
    expect(d.totalTrips).toBeGreaterThan(100);
  });

  it('splits trip ends per provider, summing to the cell totals', async () => {
    const d = await demandCells(ctx.store, { res: 9 });
    const byP = await demandByProvider(ctx.store, { res: 9 });
    const sums = new Map<bigint, number>();
    byP.cell.forEach((c, i) => sums.set(c, (sums.get(c) ?? 0) + byP.trips[i]!));
    for (let i = 0; i < d.count; i++) expect(sums.get(d.cell[i]!)).toBe(d.trips[i]);
    expect(new Set(byP.providerId)).toEqual(new Set(city.providers.map((p) => p.id)));
    expect(await listProviders(ctx.store)).toEqual(city.providers.map((p) => p.id).sort());
  });

  it('an empty result is zero cells, not an error', async () => {
    const d = await demandCells(ctx.store, { res: 10, filter: { from: '2030-01-01' } });
    expect(d.count).toBe(0);
    expect(d.totalTrips).toBe(0);
  });

  it.each([
    [{ res: 6 }, 'res', 'res: H3 resolution must be a whole number 7–12, got 6'],
    [{ res: 13 }, 'res', 'res: H3 resolution must be a whole number 7–12, got 13'],
    [{ res: 10, filter: { hours: [24] } }, 'hours', 'hours: each hour must be a whole number 0–23, got 24'],
    [{ res: 10, filter: { from: '2026-06-05', to: '2026-06-01' } }, 'from', 'from: must be before to (2026-06-05 ≥ 2026-06-01)'],
    [{ res: 10, filter: { from: 'yesterday' } }, 'from', 'from: must be an ISO date or date-time such as 2026-06-01 or 2026-06-01T07:00, got "yesterday"'],
    [{ res: 10, filter: { tz: 'Nowhere/City' } }, 'tz', 'tz: unknown time zone "Nowhere/City"'],
    [{ res: 10, filter: { days: 'someday' as never } }, 'days', 'days: must be all, weekday or weekend, got "someday"'],
  ])('rejects bad options: %j', async (options, option, message) => {
    const e = await demandCells(ctx.store, options as never).catch((x) => x);
    expect(isParkzonesError(e, 'BAD_OPTION')).toBe(true);
    expect(e.location.option).toBe(option);
    expect(e.message).toBe(message);
  });
});

describe('parked time and parked-vehicle accumulation (hand-checked)', () => {
  let store: Awaited<ReturnType<typeof tempStore>>;
  // Two cells' worth of points, far apart; all times UTC.
  const X = [45.5, -122.6];
  const Y = [45.6, -122.7];
  beforeAll(async () => {
    store = await tempStore();
    const lines = ['trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng'];
    const add = (id: string, dev: string, start: string, end: string, p: number[]) => lines.push(`${id},p,${dev},2026-05-0${start}Z,2026-05-0${end}Z,${p[0]},${p[1]}`);
    // Day 1 at X: A stands 10:00–10:40, B 10:10–10:20, C from 10:50 until its next trip on day 2 at 09:00.
    add('a1', 'A', '1T09:50:00', '1T10:00:00', X);
    add('a2', 'A', '1T10:40:00', '1T10:45:00', Y);
    add('b1', 'B', '1T10:05:00', '1T10:10:00', X);
    add('b2', 'B', '1T10:20:00', '1T10:25:00', Y);
    add('c1', 'C', '1T10:45:00', '1T10:50:00', X);
    add('c2', 'C', '2T09:00:00', '2T09:05:00', Y);
    // Day 2 at X: D arrives 12:00 and never leaves (its last trip: open, cut at 24 h).
    add('d1', 'D', '2T11:50:00', '2T12:00:00', X);
    fs.writeFileSync(path.join(store.dir, 'p.csv'), lines.join('\n') + '\n');
    await ingestFile(store.store, path.join(store.dir, 'p.csv'));
  });
  afterAll(() => store.cleanup());

  it('median parked time per cell: spells to the next start; a last trip is open and not counted', async () => {
    const d = await demandCells(store.store, { res: 9 });
    const x = d.cell.indexOf(BigInt('0x' + latLngToCell(X[0]!, X[1]!, 9)));
    // Spells at X: A 40 min, B 10 min, C 22 h 10 min; D open. Median of three = 40 min.
    expect(d.trips[x]).toBe(4);
    expect(d.medianParkedS[x]).toBe(2400);
    const y = d.cell.indexOf(BigInt('0x' + latLngToCell(Y[0]!, Y[1]!, 9)));
    expect(Number.isNaN(d.medianParkedS[y])).toBe(true);
  });

  it('vehicles standing at once: highest slot and the percentile of daily peaks', async () => {
    const cellX = BigInt('0x' + latLngToCell(X[0]!, X[1]!, 9));
    const cellY = BigInt('0x' + latLngToCell(Y[0]!, Y[1]!, 9));
    const r = await parkedPeaks(store.store, {
      res: 9, cells: BigUint64Array.from([cellX, cellY]), groups: Int32Array.from([0, 1]), groupCount: 2, percentile: 0.85,
    });
    // Day 1: slot 10:00 holds A and B (2), 10:15 A and B (2), 10:30 A, 10:45 C … → peak 2.
    // Day 2: C stands until 09:00, D from 12:00 → 1 at a time. Daily peaks [2, 1]: p85 = 1 + 0.85 = 1.85.
    expect(r.days).toBe(2);
    expect(r.peak[0]).toBe(2);
    expect(r.percentilePeak[0]).toBeCloseTo(1.85, 10);
    // Y: A from 10:45 (open, 24 h), B from 10:25 (open), C from 09:05 day 2 (open): 2 on day 1, 3 on day 2.
    expect(r.peak[1]).toBe(3);
    expect(r.percentilePeak[1]).toBeCloseTo(2.85, 10);
  });

  it('each demand cell on its own: the same peaks as a group of one cell', async () => {
    const d = await demandCells(store.store, { res: 9 });
    const r = await cellParkedPeaks(store.store, d);
    const x = d.cell.indexOf(BigInt('0x' + latLngToCell(X[0]!, X[1]!, 9)));
    expect(r.peak[x]).toBe(2);
    expect(r.percentilePeak[x]).toBeCloseTo(1.85, 10);
  });

  it('a cell left out of every group counts nowhere', async () => {
    const cellX = BigInt('0x' + latLngToCell(X[0]!, X[1]!, 9));
    const r = await parkedPeaks(store.store, { res: 9, cells: BigUint64Array.from([cellX]), groups: Int32Array.from([-1]), groupCount: 1 });
    expect(r.peak[0]).toBe(0);
  });
});

describe('local hours across a daylight-saving change', () => {
  it('bins each trip end into its local hour and day, before and after the clocks move', async () => {
    const s = await tempStore();
    try {
      // Trip ends every 20 minutes from 2026-03-28 00:00 to 2026-03-30 00:00 UTC (Paris moves from +1 to +2 on the 29th).
      const lines = ['trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng'];
      const ends: number[] = [];
      for (let ms = Date.parse('2026-03-28T00:00:00Z'); ms < Date.parse('2026-03-30T00:00:00Z'); ms += 20 * 60_000) {
        ends.push(ms);
        lines.push(`t${ms},p,d${ms % 7},${new Date(ms - 600_000).toISOString()},${new Date(ms).toISOString()},48.8566,2.3522`);
      }
      fs.writeFileSync(path.join(s.dir, 'dst.csv'), lines.join('\n') + '\n');
      await ingestFile(s.store, path.join(s.dir, 'dst.csv'));
      const d = await demandCells(s.store, { res: 9, filter: { tz: 'Europe/Paris' } });
      const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', hourCycle: 'h23', hour: 'numeric', day: 'numeric', weekday: 'short' });
      const profile = Array(24).fill(0);
      const days = new Set<string>();
      let weekday = 0;
      for (const ms of ends) {
        const p = fmt.formatToParts(new Date(ms));
        profile[Number(p.find((x) => x.type === 'hour')!.value)]++;
        days.add(p.find((x) => x.type === 'day')!.value);
        if (!['Sat', 'Sun'].includes(p.find((x) => x.type === 'weekday')!.value)) weekday++;
      }
      expect(d.count).toBe(1);
      expect(Array.from(d.profile.subarray(0, 24))).toEqual(profile);
      expect(d.days[0]).toBe(days.size);
      expect(d.weekdayTrips[0]).toBe(weekday);
    } finally {
      s.cleanup();
    }
  });
});
