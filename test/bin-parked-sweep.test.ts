import fs from 'node:fs';
import path from 'node:path';
import { latLngToCell } from 'h3-js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ingestFile } from '../engine/ingest/index.ts';
import { demandCells, parkedPeaks, cellParkedPeaks, fetchParkedSpells, peaksOfSpells, type ParkedPeaksOptions } from '../engine/bin/index.ts';
import type { DemandFilter } from '../engine/bin/trip-filter.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tempStore } from './helpers/temp-store.ts';
import { isParkzonesError } from '../engine/errors.ts';
import { parkedPeaksReference } from './helpers/parked-peaks-reference.ts';

// A generated year and more (400 days, across both daylight-saving changes) with few trips, so that most cells
// have no vehicle on most days: the sweep must give the cross-join's figures exactly.
let ctx: Awaited<ReturnType<typeof tempStore>>;
const city = generateCity({ trips: 8000, seed: 77, days: 400, startDate: '2025-09-01', tripsPerDeviceDay: 0.5, providers: 2 });
beforeAll(async () => {
  ctx = await tempStore();
  const file = path.join(ctx.dir, 'year.parquet');
  await writeTrips([...city.trips()], file, { format: 'parquet' });
  await ingestFile(ctx.store, file);
});
afterAll(() => ctx.cleanup());

/** Cells of the demand at `res`, grouped: each cell alone, or `groupCount` groups by index with every 7th cell left out. */
async function groupsAt(res: number, filter: DemandFilter, groupCount?: number): Promise<Pick<ParkedPeaksOptions, 'cells' | 'groups' | 'groupCount'>> {
  const d = await demandCells(ctx.store, { res, filter, parkedTime: false, distinct: false });
  const groups = new Int32Array(d.count);
  for (let i = 0; i < d.count; i++) groups[i] = groupCount === undefined ? i : i % 7 === 3 ? -1 : (i * 31) % groupCount;
  return { cells: d.cell, groups, groupCount: groupCount ?? d.count };
}

const CASES: { name: string; res: number; filter: DemandFilter; groupCount?: number; options?: Partial<ParkedPeaksOptions> }[] = [
  { name: 'res-10 cells in 300 groups, defaults, UTC', res: 10, filter: {}, groupCount: 300 },
  { name: 'each res-8 cell, New York days (both clock changes), p85', res: 8, filter: { tz: 'America/New_York' } },
  { name: 'res-11 cells in 40 groups, Kathmandu (+5:45: days off the slot grid), 60-minute slots, median', res: 11, filter: { tz: 'Asia/Kathmandu' }, groupCount: 40, options: { slotMinutes: 60, percentile: 0.5 } },
  { name: 'res-8 cells in 5 groups, Paris, 7-minute slots, 72 h cap, p100', res: 8, filter: { tz: 'Europe/Paris' }, groupCount: 5, options: { slotMinutes: 7, capHours: 72, percentile: 1 } },
  { name: 'each res-10 cell, weekday mornings in Los Angeles, 2 h cap, p0', res: 10, filter: { tz: 'America/Los_Angeles', days: 'weekday', hours: [7, 8, 9] }, options: { capHours: 2, percentile: 0 } },
  { name: 'each res-9 cell, one provider, a date window, 30-minute slots, p95', res: 9, filter: { tz: 'America/Chicago', from: '2026-02-01', to: '2026-09-15', providers: ['provider-1'] }, options: { slotMinutes: 30, percentile: 0.95 } },
];

describe('parked peaks by a sweep equal the cross-join of groups and days', () => {
  it('the generated year spans more than 365 local days with few trips per cell-day', async () => {
    const [r] = await ctx.store.query('SELECT count(DISTINCT end_time::DATE) AS days, count(*) AS n, count(DISTINCT provider_id) AS p FROM trips');
    expect(Number(r!.days)).toBeGreaterThan(365);
    expect(Number(r!.n)).toBe(8000);
  });

  it.each(CASES)('$name', async ({ res, filter, groupCount, options }) => {
    if (filter.providers) {
      const ids = (await ctx.store.query('SELECT DISTINCT provider_id FROM trips ORDER BY 1')).map((r) => String(r.provider_id));
      filter = { ...filter, providers: [ids[0]!] };
    }
    const g = await groupsAt(res, filter, groupCount);
    const opts: ParkedPeaksOptions = { res, filter, ...g, ...options };
    const want = await parkedPeaksReference(ctx.store, opts);
    const got = await parkedPeaks(ctx.store, opts);
    expect(want.days).toBeGreaterThan(100);
    expect(Array.from(want.peak).some((v) => v > 1)).toBe(true);
    expect(got.days).toBe(want.days);
    expect(Array.from(got.peak)).toEqual(Array.from(want.peak));
    expect(Array.from(got.percentilePeak)).toEqual(Array.from(want.percentilePeak));
  });

  it('one fetch of cell spells serves zones and the cells on their own, in any order, as often as asked', async () => {
    const g = await groupsAt(10, {});
    const zones = await groupsAt(10, {}, 60);
    const spells = await fetchParkedSpells(ctx.store, { res: 10, cells: g.cells });
    const byZone = await parkedPeaksReference(ctx.store, { res: 10, ...zones });
    const byCell = await parkedPeaksReference(ctx.store, { res: 10, ...g });
    // Zones first (the cells' spells stay unsorted), then the cells on their own twice (sorted in place once), then
    // zones again over the sorted cells.
    for (const [groups, count, want] of [[zones.groups, 60, byZone], [g.groups, g.groupCount, byCell], [g.groups, g.groupCount, byCell], [zones.groups, 60, byZone]] as const) {
      const got = peaksOfSpells(spells, groups, count);
      expect(Array.from(got.peak)).toEqual(Array.from(want.peak));
      expect(Array.from(got.percentilePeak)).toEqual(Array.from(want.percentilePeak));
    }
  });

  it('each cell on its own, swept in batches of cells of at most so many trips, gives the same figures as in one', async () => {
    const filter: DemandFilter = { tz: 'America/New_York' };
    const d = await demandCells(ctx.store, { res: 8, filter, parkedTime: false, distinct: false });
    const want = await parkedPeaksReference(ctx.store, { res: 8, filter, cells: d.cell, groups: Int32Array.from({ length: d.count }, (_, i) => i), groupCount: d.count });
    // 300 trips a batch: many batches, and cells above the bound, each a batch of its own.
    expect(d.count).toBeGreaterThan(10);
    expect(Array.from(d.trips).some((t) => t > 300)).toBe(true);
    for (const batchTrips of [300, 1e9]) {
      const got = await cellParkedPeaks(ctx.store, d, { filter, batchTrips });
      expect(got.days, `batchTrips ${batchTrips}`).toBe(want.days);
      expect(Array.from(got.peak)).toEqual(Array.from(want.peak));
      expect(Array.from(got.percentilePeak)).toEqual(Array.from(want.percentilePeak));
    }
    expect(Array.from(want.peak).some((v) => v > 1)).toBe(true);
  });

  it('no trip end in any group: nothing counted, no days, as before', async () => {
    const g = await groupsAt(10, {});
    const opts: ParkedPeaksOptions = { res: 10, cells: g.cells, groups: new Int32Array(g.cells.length).fill(-1), groupCount: 3 };
    expect(await parkedPeaks(ctx.store, opts)).toEqual(await parkedPeaksReference(ctx.store, opts));
    expect((await parkedPeaks(ctx.store, opts)).days).toBe(0);
  });

  it('refuses slots shorter than a second (they would round to none) and longer than a day, naming the option', async () => {
    const g = await groupsAt(10, {});
    for (const slotMinutes of [0.001, 0, 1441]) {
      const e = await parkedPeaks(ctx.store, { res: 10, ...g, slotMinutes }).catch((x: unknown) => x);
      expect(isParkzonesError(e, 'BAD_OPTION')).toBe(true);
      expect((e as Error).message).toMatch(/slotMinutes/);
    }
  });
});

describe('parked peaks across the clock changes (hand-worked, New York)', () => {
  const X = [40.7128, -74.006] as const;
  const Y = [40.73, -73.99] as const;
  const Z = [40.75, -73.98] as const;
  const W = [40.70, -74.02] as const;
  it('a 23-hour day\'s 24-hour window reaches into the next day; a 25-hour day\'s last hour is in no window', async () => {
    const s = await tempStore();
    try {
      const lines = ['trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng'];
      const add = (id: string, dev: string, start: string, end: string, p: readonly number[]) => lines.push(`${id},p,${dev},${start}Z,${end}Z,${p[0]},${p[1]}`);
      // 8 March 2026 has 23 hours (midnight 05:00Z); its window runs to 05:00Z on the 9th, 01:00 local, while the 9th
      // starts 04:00Z. A stands at X 00:10–00:40 local on the 9th: in the windows of both days.
      add('b1', 'B', '2026-03-08T14:50:00', '2026-03-08T15:00:00', Z);
      add('a1', 'A', '2026-03-09T04:00:00', '2026-03-09T04:10:00', X);
      add('a2', 'A', '2026-03-09T04:40:00', '2026-03-09T04:45:00', Y);
      // 1 November 2026 has 25 hours (midnight 04:00Z); its window ends 04:00Z on the 2nd, 23:00 local, and the 2nd
      // starts 05:00Z. C stands at W 23:10–23:40 local on the 1st: in no day's window.
      add('c1', 'C', '2026-11-02T04:00:00', '2026-11-02T04:10:00', W);
      add('c2', 'C', '2026-11-02T04:40:00', '2026-11-02T04:45:00', Z);
      fs.writeFileSync(path.join(s.dir, 'dst.csv'), lines.join('\n') + '\n');
      await ingestFile(s.store, path.join(s.dir, 'dst.csv'));
      const cell = (p: readonly number[]) => BigInt('0x' + latLngToCell(p[0]!, p[1]!, 10));
      const opts: ParkedPeaksOptions = {
        res: 10, filter: { tz: 'America/New_York' }, cells: BigUint64Array.from([cell(X), cell(Y), cell(W)]), groups: Int32Array.from([0, 1, 2]), groupCount: 3, percentile: 0.85,
      };
      const got = await parkedPeaks(s.store, opts);
      expect(got).toEqual(await parkedPeaksReference(s.store, opts));
      // Days: 8 and 9 March, 1 November. X: 1 on both March days, 0 on 1 November → p85 of [0, 1, 1] = 1.
      expect(got.days).toBe(3);
      expect(got.peak[0]).toBe(1);
      expect(got.percentilePeak[0]).toBe(1);
      // Y: A stands there open from 04:45Z on 9 March, 00:45 local (24 h): in the windows of the 8th and the 9th.
      expect(got.peak[1]).toBe(1);
      expect(got.percentilePeak[1]).toBe(1);
      // W: C's spell on 1 November is in no window: no vehicle counted on any day.
      expect(got.peak[2]).toBe(0);
      expect(got.percentilePeak[2]).toBe(0);
    } finally {
      s.cleanup();
    }
  });
});
