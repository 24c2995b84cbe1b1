import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ingestFile, listRejects, type IngestReport } from '../engine/ingest/index.ts';
import { tempStore, sharedData } from './helpers/temp-store.ts';

const louisville = sharedData('real/louisville-dockless-sample-2019-08-01.csv');
const biketown = sharedData('real/biketown-2018-07.csv.gz');
let ctx: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  ctx = await tempStore();
});
afterAll(() => ctx.cleanup());

/** Data rows of a CSV file (lines after the header that are not blank). */
function dataRows(file: string): number {
  const buf = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8');
  return text.split('\n').slice(1).filter((l) => l.trim() !== '').length;
}

describe.skipIf(!louisville)('Louisville dockless sample (real data)', () => {
  let r: IngestReport;
  beforeAll(async () => {
    r = await ingestFile(ctx.store, louisville!, { provider: 'louisville-dockless', tz: 'America/Kentucky/Louisville' });
  });

  it('maps its columns automatically: split date and time, miles, minutes', () => {
    const used = Object.fromEntries(r.columns.map((c) => [c.field, c]));
    expect(used.trip_id!.source).toBe('TripID');
    expect(used.start_time!.how).toContain('time of day joined with StartDate');
    expect(used.end_lat!.source).toBe('EndLatitude');
    expect(used.distance_m).toMatchObject({ source: 'TripDistance', unit: 'mi' });
    expect(used.duration_s).toMatchObject({ source: 'TripDuration', unit: 'min' });
    expect(used.distance_m!.how).toMatch(/inferred from the median value/);
  });

  it('accounts for every data row', () => {
    expect(r.rowsRead).toBe(dataRows(louisville!));
    expect(r.rowsStored + r.rowsDuplicate + r.rowsRejected).toBe(r.rowsRead);
    expect(r.rowsStored).toBe(1000);
  });

  it('reads local times in the city\'s zone (EDT, UTC−4) and converts units', async () => {
    const row = (await ctx.store.query(
      `SELECT strftime(start_time, '%Y-%m-%d %H:%M') s, distance_m, duration_s FROM trips WHERE trip_id = 'dc1289dd-5de4-6846-e953-66e72098'`,
    ))[0]!;
    expect(row.s).toBe('2019-08-01 04:15');
    expect(row.distance_m).toBeCloseTo(0.35 * 1609.344, 6);
    expect(row.duration_s).toBe(180);
  });
});

describe.skipIf(!biketown)('Portland BIKETOWN July 2018 (real data)', () => {
  let r: IngestReport;
  beforeAll(async () => {
    r = await ingestFile(ctx.store, biketown!, { provider: 'biketown', tz: 'America/Los_Angeles' });
  });

  it('accounts for every data row: stored + duplicate + rejected', () => {
    expect(r.rowsRead).toBe(dataRows(biketown!));
    expect(r.rowsStored + r.rowsDuplicate + r.rowsRejected).toBe(r.rowsRead);
    expect(r.rowsStored).toBeGreaterThan(56_000);
  });

  it('maps RouteID, BikeID, Distance_Miles and H:MM:SS durations', () => {
    const used = Object.fromEntries(r.columns.map((c) => [c.field, c]));
    expect(used.trip_id!.source).toBe('RouteID');
    expect(used.device_id!.source).toBe('BikeID');
    expect(used.distance_m).toMatchObject({ source: 'Distance_Miles', unit: 'mi' });
    expect(used.duration_s).toMatchObject({ source: 'Duration', unit: 'hms' });
  });

  it('gives every reject a field and a reason, and each kind is one the file really has', async () => {
    const rejects = (await listRejects(ctx.store, r.uploadId, { limit: 100_000 })).rows;
    expect(rejects).toHaveLength(r.rowsRejected);
    const kinds = new Set(rejects.map((x) => `${x.field}: ${x.reason.replace(/[\d,.:-]+.*$/, '').trim()}`));
    // Real anomalies of this export: ends a minute before the start, ends without coordinates, a
    // 12/31/1969 16:30 end date (the epoch written in Pacific time), and a ride of 6,307.82 miles in 17 minutes.
    expect([...kinds].sort()).toEqual(['distance_m: more than', 'end_lat: missing', 'end_time: a placeholder date', 'end_time: before start_time']);
    expect(rejects.filter((x) => x.field === 'distance_m').map((x) => x.reason)).toEqual([`more than 1,000 km: ${6307.82 * 1609.344} m`]);
    for (const x of rejects) expect(x.raw).toMatch(/BIKETOWN|,/);
    const epoch = rejects.find((x) => x.reason.startsWith('a placeholder date'))!;
    expect(epoch.raw).toContain('12/31/1969');
  });

  it('keeps the hub coordinates exactly (they are the ground truth of parking demand)', async () => {
    const hub = await ctx.store.query(
      `SELECT count(*) n FROM trips WHERE provider_id = 'biketown' AND end_lat = 45.53083126 AND end_lng = -122.6815957`,
    );
    expect(Number(hub[0]!.n)).toBeGreaterThan(10);
  });
});
