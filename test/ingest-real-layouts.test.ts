/**
 * Layouts that cities and bike-share systems really publish (fixtures/small/…, written for these tests): what each
 * stores, what is derived, and that a second upload of each stores nothing new.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile, ingestUpload, loadServiceArea, type IngestOptions, type IngestReport } from '../engine/ingest/index.ts';
import type { Store } from '../engine/store/open-store.ts';
import { createRun } from '../engine/zones/index.ts';
import { coarseDemandWarning } from '../engine/ingest/location-precision.ts';
import { tempStore } from './helpers/temp-store.ts';

const SMALL = path.resolve(import.meta.dirname, '../fixtures/small');
let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;
beforeAll(async () => {
  ctx = await tempStore();
  store = ctx.store;
});
afterAll(() => ctx.cleanup());
beforeEach(async () => {
  await store.run('DELETE FROM trips; DELETE FROM rejects; DELETE FROM uploads;');
});

/** Ingests a fixture twice: the first report, after checking the second stored nothing and both balance. */
async function twice(name: string, options: IngestOptions): Promise<IngestReport> {
  const first = await ingestFile(store, path.join(SMALL, name), options);
  const again = await ingestFile(store, path.join(SMALL, name), options);
  for (const r of [first, again]) expect(r.rowsStored + r.rowsDuplicate + r.rowsRejected).toBe(r.rowsRead);
  expect(again.rowsStored).toBe(0);
  expect(again.rowsDuplicate).toBe(first.rowsStored + first.rowsDuplicate);
  return first;
}

async function trips(): Promise<Record<string, unknown>[]> {
  return store.query(
    `SELECT trip_id, device_id, strftime(start_time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS s,
            strftime(end_time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS e, end_lat, end_lng, duration_s, distance_m
     FROM trips ORDER BY start_time, end_lat`,
  );
}

describe('the Citi Bike layout (quoted names with spaces, no trip id)', () => {
  it('derives a trip id from each row, keeps exact repeats as duplicates and trips differing in a point apart', async () => {
    const r = await twice('citibike-no-trip-id.csv', { provider: 'citibike', tz: 'America/New_York' });
    expect([r.rowsRead, r.rowsStored, r.rowsDuplicate, r.rowsRejected]).toEqual([6, 5, 1, 0]);
    const use = Object.fromEntries(r.columns.map((c) => [c.field, c]));
    expect(use.trip_id).toMatchObject({ source: '(derived)' });
    expect(use.trip_id!.how).toMatch(/derived from the row/);
    expect(use.start_time!.source).toBe('starttime');
    expect(use.end_time!.source).toBe('stoptime');
    expect(use.end_lat!.source).toBe('end station latitude');
    expect(use.start_lng!.source).toBe('start station longitude');
    expect(use.device_id!.source).toBe('bikeid');
    expect(use.duration_s).toMatchObject({ source: 'tripduration', unit: 's' });
    const t = await trips();
    expect(t).toHaveLength(5);
    for (const row of t) expect(row.trip_id).toMatch(/^derived:[0-9a-f]{32}$/);
    expect(new Set(t.map((x) => x.trip_id)).size).toBe(5);
    expect(t[0]).toMatchObject({ device_id: '38246', s: '2019-08-01T04:00:01.467', e: '2019-08-01T04:17:43.824', duration_s: 1062 });
    // Rows 3 and 4 differ only in the end station: two trips.
    expect(t.filter((x) => x.s === '2019-08-01T04:00:04.163').map((x) => x.end_lat)).toEqual([40.7292, 40.7295]);
  });

  it('the same row gets the same id in another file (an upload of the month after a partial one is idempotent)', async () => {
    await ingestFile(store, path.join(SMALL, 'citibike-no-trip-id.csv'), { provider: 'citibike', tz: 'America/New_York' });
    const ids = (await trips()).map((x) => x.trip_id);
    await store.run('DELETE FROM trips');
    await ingestFile(store, path.join(SMALL, 'citibike-no-trip-id.csv'), { provider: 'citibike', tz: 'America/New_York', fileName: 'other.csv' });
    expect((await trips()).map((x) => x.trip_id)).toEqual(ids);
  });
});

describe('Title Case portal exports and `_utc` time headers', () => {
  it('reads "Trip Start Timestamp", "End Centroid Latitude", "Trip Duration", "Trip Distance" and 12-hour clocks', async () => {
    const r = await twice('portal-title-case.csv', { provider: 'city', tz: 'America/Chicago' });
    expect([r.rowsRead, r.rowsStored, r.rowsRejected]).toEqual([3, 3, 0]);
    const use = Object.fromEntries(r.columns.map((c) => [c.field, c]));
    expect(use.start_time!.source).toBe('Trip Start Timestamp');
    expect(use.end_lng!.source).toBe('End Centroid Longitude');
    expect(use.duration_s).toMatchObject({ source: 'Trip Duration', unit: 's' });
    expect(use.distance_m).toMatchObject({ source: 'Trip Distance', unit: 'm' });
    const t = await trips();
    // 11:50 PM to 12:05 AM the next day, CDT (UTC-5); 12:15 AM is a quarter past midnight.
    expect(t.map((x) => [x.trip_id, x.s, x.e])).toEqual([
      ['a1', '2021-08-30T21:45:00.000', '2021-08-30T22:00:00.000'],
      ['a2', '2021-08-31T04:50:00.000', '2021-08-31T05:05:00.000'],
      ['a3', '2021-08-31T05:15:00.000', '2021-08-31T05:30:00.000'],
    ]);
  });

  it('a `_utc` suffix reads the column in UTC whatever --tz says', async () => {
    const r = await twice('utc-suffix.csv', { provider: 'dc', tz: 'America/New_York' });
    expect(r.columns.find((c) => c.field === 'start_time')).toMatchObject({ source: 'start_time_utc', how: 'header; zone UTC from the header' });
    expect(r.columns.find((c) => c.field === 'trip_id')!.source).toBe('ride_id');
    expect((await trips()).map((x) => [x.s, x.e])).toEqual([
      ['2021-03-14T06:59:00.000', '2021-03-14T07:20:00.000'],
      ['2021-03-14T12:00:00.000', '2021-03-14T12:09:30.000'],
    ]);
  });
});

describe('a date column carrying a midnight time, with a time column', () => {
  it('reads the date part and the time column, on 24- and 12-hour clocks', async () => {
    const r = await twice('split-date-midnight.csv', { provider: 'louvelo', tz: 'America/Kentucky/Louisville' });
    expect([r.rowsRead, r.rowsStored, r.rowsRejected]).toEqual([3, 3, 0]);
    expect(r.columns.find((c) => c.field === 'start_time')!.how).toMatch(/time of day joined with Start Date/);
    // EDT is UTC-4.
    expect((await trips()).map((x) => [x.trip_id, x.s, x.e, x.duration_s])).toEqual([
      ['t1', '2021-08-30T08:51:20.000', '2021-08-30T09:03:05.000', 720],
      ['t2', '2021-08-30T20:10:00.000', '2021-08-30T20:31:00.000', 1260],
      ['t3', '2021-08-31T03:58:00.000', '2021-08-31T04:07:30.000', 540],
    ]);
  });
});

describe('daylight-saving changes in local times', () => {
  it('the row\'s duration or order places a time of the repeated hour; what stays ambiguous and what does not exist is counted', async () => {
    const r = await twice('dst-changes.csv', { provider: 'nyc', tz: 'America/New_York' });
    expect([r.rowsRead, r.rowsStored, r.rowsRejected]).toEqual([6, 6, 0]);
    expect(r.times).toEqual({ localTimes: 12, repeatedPlaced: 3, repeatedAmbiguous: 1, nonexistent: 2 });
    expect(r.warnings).toEqual([
      '3 rows had a time in the hour the clocks went back (America/New_York); their duration or order placed it',
      '1 rows had a time in the hour the clocks went back (America/New_York) that neither their duration nor their order placed: read as the earlier instants',
      '2 times do not exist in America/New_York (the hour the clocks skipped): read with the offset before the change (2:30 as 3:30)',
    ]);
    const byId = Object.fromEntries((await trips()).map((x) => [x.trip_id, [x.s, x.e]]));
    expect(byId).toEqual({
      d1: ['2021-11-07T05:46:00.000', '2021-11-07T06:12:00.000'], // 1:46 EDT to 1:12 EST: 26 minutes
      d2: ['2021-11-07T06:50:00.000', '2021-11-07T07:10:00.000'], // 1:50 EST: 20 minutes, as its duration says
      d3: ['2021-11-07T05:20:00.000', '2021-11-07T05:40:00.000'], // within the repeated hour: the earlier reading
      d4: ['2021-11-07T04:50:00.000', '2021-11-07T05:10:00.000'], // 1:10 EDT
      d5: ['2021-03-14T06:55:00.000', '2021-03-14T07:05:00.000'],
      d6: ['2021-03-14T07:30:00.000', '2021-03-14T07:45:00.000'], // 2:30 does not exist: 3:30 EDT
    });
    const stored = await store.query('SELECT notes FROM uploads ORDER BY upload_id LIMIT 1');
    expect(JSON.parse(String(stored[0]!.notes)).warnings).toEqual(r.warnings);
  });
});

describe('zone-less times', () => {
  it('a Parquet file of naive TIMESTAMPs is read in --tz: the same trips, with the same derived ids, as its CSV twin', async () => {
    const options = { provider: 'divvy', tz: 'America/Chicago' };
    const csv = await twice('naive-timestamps.csv', options);
    const fromCsv = await trips();
    expect(csv.warnings).toEqual([]);
    await store.run('DELETE FROM trips; DELETE FROM uploads;');
    const pq = await twice('naive-timestamps.parquet', options);
    expect(pq.warnings).toEqual([]);
    expect(pq.columns[0]).toMatchObject({ field: 'trip_id', source: '(derived)' });
    expect(await trips()).toEqual(fromCsv);
    expect(fromCsv[0]).toMatchObject({ s: '2021-07-01T13:00:00.000', e: '2021-07-01T13:12:30.000' }); // CDT, UTC-5
    // Either file after the other stores nothing new.
    expect((await ingestFile(store, path.join(SMALL, 'naive-timestamps.csv'), options)).rowsStored).toBe(0);
  });

  it('without --tz, local times are read as UTC with a warning, in the report and the stored upload', async () => {
    const csv = await ingestFile(store, path.join(SMALL, 'naive-timestamps.csv'), { provider: 'divvy' });
    expect(csv.warnings).toEqual([
      "6 times had no zone or offset and were read as UTC, since no time zone was given; if they are the city's local times, upload again with the city's zone (--tz, ?tz=)",
    ]);
    await store.run('DELETE FROM trips');
    const pq = await ingestFile(store, path.join(SMALL, 'naive-timestamps.parquet'), { provider: 'divvy' });
    expect(pq.warnings).toEqual([
      "columns start_time, end_time hold times without a zone, read as UTC since no time zone was given; if they are the city's local times, upload again with the city's zone (--tz, ?tz=)",
    ]);
    expect((await trips())[0]).toMatchObject({ s: '2021-07-01T08:00:00.000' });
    const notes = await store.query('SELECT notes FROM uploads ORDER BY upload_id');
    expect(notes.map((n) => JSON.parse(String(n.notes)).warnings)).toEqual([csv.warnings, pq.warnings]);
  });

  it('times with Z or an offset draw no warning without --tz', async () => {
    const r = await ingestFile(store, path.join(SMALL, 'utc-suffix.csv'), { provider: 'dc' });
    expect(r.warnings).toEqual([]);
  });
});

describe('zip archives of trip files', () => {
  it('each CSV member is a file of the upload; other members are named, not read; a second upload stores nothing', async () => {
    const zip = path.join(SMALL, 'monthly-export.zip');
    const reports = await ingestUpload(store, zip, { provider: 'citibike', tz: 'America/New_York' });
    expect(reports.map((r) => [r.fileName, r.format, r.rowsRead, r.rowsStored])).toEqual([
      ['monthly-export.zip/202107-citibike-tripdata.csv', 'csv', 2, 2],
      ['monthly-export.zip/202108-citibike-tripdata.csv', 'csv', 1, 1],
    ]);
    expect(reports[0]!.warnings).toContain('the archive also holds README.pdf: not trip files, not read');
    const again = await ingestUpload(store, zip, { provider: 'citibike', tz: 'America/New_York' });
    expect(again.map((r) => [r.rowsStored, r.rowsDuplicate])).toEqual([[0, 2], [0, 1]]);
    const uploads = await store.query('SELECT file_name FROM uploads ORDER BY upload_id');
    expect(uploads.map((u) => u.file_name)).toEqual([...reports, ...again].map((r) => r.fileName));
  });

  it('ingestFile alone refuses an archive, naming what reads it', async () => {
    await expect(ingestFile(store, path.join(SMALL, 'monthly-export.zip'))).rejects.toMatchObject({ code: 'BAD_FORMAT', message: /a zip archive/ });
  });

  it('a corrupt member fails naming the member and the byte; the members before it stay stored', async () => {
    const bytes = fs.readFileSync(path.join(SMALL, 'monthly-export.zip'));
    bytes[327 + 30 + '202108-citibike-tripdata.csv'.length] = 0xff; // the second member's first deflate block: an invalid block type
    const file = path.join(ctx.dir, 'broken.zip');
    fs.writeFileSync(file, bytes);
    await expect(ingestUpload(store, file, { provider: 'citibike' })).rejects.toMatchObject({
      code: 'BAD_FILE', message: /^broken\.zip\/202108-citibike-tripdata\.csv: the zip member is truncated or corrupt after 0 decompressed bytes/,
      location: { file: 'broken.zip/202108-citibike-tripdata.csv', position: 0 },
    });
    expect((await store.query('SELECT file_name, rows_stored FROM uploads')).map((u) => [u.file_name, Number(u.rows_stored)])).toEqual([
      ['broken.zip/202107-citibike-tripdata.csv', 2],
    ]);
  });

  it('a cut archive fails naming the archive', async () => {
    const bytes = fs.readFileSync(path.join(SMALL, 'monthly-export.zip'));
    const file = path.join(ctx.dir, 'cut.zip');
    fs.writeFileSync(file, bytes.subarray(0, 500));
    await expect(ingestUpload(store, file, { provider: 'citibike' })).rejects.toMatchObject({ code: 'BAD_FILE', message: /^cut\.zip: not a readable zip archive/ });
  });
});

describe('a service area', () => {
  const file = path.join(SMALL, 'stray-points.csv');
  it('without one, trip ends far from the rest are stored, with a warning counting them', async () => {
    const r = await twice('stray-points.csv', { provider: 'lou' });
    expect(r.rowsStored).toBe(6);
    expect(r.warnings).toEqual([
      "2 trip ends or starts lie more than 50 km from the median trip end (38.2544, -85.7525): GPS glitches or test rides? They are stored; give the city's service area (--service-area, PARKZONES_SERVICE_AREA) to reject them",
    ]);
  });

  it('a box rejects the trips that end or start outside it, with that reason', async () => {
    const r = await twice('stray-points.csv', { provider: 'lou', serviceArea: loadServiceArea('-85.80,38.22,-85.72,38.28') });
    expect([r.rowsStored, r.rowsRejected]).toEqual([4, 2]);
    expect(r.warnings).toEqual([]);
    expect(r.firstRejects.map((x) => [x.rowNumber, x.field, x.reason])).toEqual([
      [3, 'end_location', 'outside the service area (box -85.8,38.22,-85.72,38.28): 48.8566, 2.3522'],
      [4, 'start_location', 'outside the service area (box -85.8,38.22,-85.72,38.28): 37.7749, -122.4194'],
    ]);
    expect(r.rejectsByReason.map((g) => [g.field, g.reason, g.count])).toEqual([
      ['end_location', 'outside the service area (box -85.8,38.22,-85.72,38.28)', 1],
      ['start_location', 'outside the service area (box -85.8,38.22,-85.72,38.28)', 1],
    ]);
  });

  it('a GeoJSON polygon with a hole (a park) rejects ends in the hole too, in every format', async () => {
    const serviceArea = loadServiceArea(path.join(SMALL, 'service-area.geojson'));
    expect(serviceArea.rings).toHaveLength(2);
    const r = await twice('stray-points.csv', { provider: 'lou', serviceArea });
    expect(r.firstRejects.map((x) => [x.rowNumber, x.field])).toEqual([[3, 'end_location'], [4, 'start_location'], [5, 'end_location']]);
    expect(r.firstRejects[0]!.reason).toBe('outside the service area (service-area.geojson): 48.8566, 2.3522');
    // The same rows as Parquet, staged as a view: the same checks.
    const pq = path.join(ctx.dir, 'stray.parquet');
    await store.run(`COPY (SELECT * FROM read_csv('${file}')) TO '${pq}' (FORMAT parquet)`);
    await store.run('DELETE FROM trips; DELETE FROM rejects; DELETE FROM uploads;');
    const p = await ingestFile(store, pq, { provider: 'lou', serviceArea });
    expect(p.firstRejects.map((x) => [x.rowNumber, x.field])).toEqual([[3, 'end_location'], [4, 'start_location'], [5, 'end_location']]);
  });

  it('a malformed box or a file without a polygon is a bad option naming it', () => {
    expect(() => loadServiceArea('10,50,5,40')).toThrow(/service-area: a box is west,south,east,north/);
    expect(() => loadServiceArea(path.join(SMALL, 'utc-suffix.csv'))).toThrow(/service-area: neither a box/);
  });
});

describe('aggregated locations', () => {
  it('census-tract centroids: the report gives the precision and warns; propose warns that the demand is coarser than the walking radius', async () => {
    const r = await twice('tract-centroids.csv', { provider: 'chicago', tz: 'America/Chicago' });
    expect(r.rowsStored).toBe(48);
    expect(r.columns.find((c) => c.field === 'end_lat')!.source).toBe('Dropoff Centroid Latitude');
    expect(r.columns.find((c) => c.field === 'duration_s')).toMatchObject({ source: 'Trip Seconds', unit: 's' });
    expect(r.precision).toMatchObject({ ends: 48, points: 4, decimals: 8, top10Share: 1, aggregated: true });
    expect(r.precision!.resolutionM).toBeGreaterThan(500);
    expect(r.warnings.at(-1)).toMatch(/^the trip ends sit on 4 points \(12 trip ends per point, the 10 most repeated hold 100\.0 %\), about \d+ m apart: aggregated locations/);
    const { run } = await createRun(store, { k: 2, walkRadiusM: 100, res: 10 });
    expect(run.stats!.warnings).toHaveLength(1);
    expect(run.stats!.warnings![0]).toMatch(/^the demand is coarser than the 100 m walking radius: the 48 trip ends sit on 4 points \(12 per point; the 10 most repeated hold 100\.0 %\), about \d+ m apart/);
  });

  it('GPS points are fine: no warning, and propose has none', async () => {
    const r = await twice('citibike-no-trip-id.csv', { provider: 'citibike', tz: 'America/New_York' });
    expect(r.precision).toMatchObject({ ends: 5, points: 5, decimals: 4, aggregated: false, resolutionM: 11 });
    expect(r.warnings).toEqual([]);
    const { run } = await createRun(store, { k: 2, walkRadiusM: 100, res: 10 });
    expect(run.stats!.warnings).toEqual([]);
  });

  it('coordinates rounded to 3 decimals (≈ 111 m) are coarser than a 100 m radius, not than 150 m', () => {
    const p = { ends: 1000, points: 900, decimals: 3, top10Share: 0.02, resolutionM: 111, aggregated: false };
    expect(coarseDemandWarning(p, 100)).toBe('the demand is coarser than the 100 m walking radius: the trip end coordinates have 3 decimals, a grid of about 111 m; the coverage figures say more than the data can');
    expect(coarseDemandWarning(p, 150)).toBeNull();
  });
});
