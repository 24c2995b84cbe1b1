/**
 * CSV through DuckDB's reader (stage-csv-duckdb.ts) against the JavaScript reader, the reference: on every file
 * both must store the same trips (every value, bit for bit) and the same rejects (row, field, reason, text).
 * Each case also says which reader the automatic choice used, so a case cannot pass by never taking the fast path.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestFile, type IngestOptions } from '../engine/ingest/index.ts';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { DEFECT_KINDS, generateCity, Random, writeTrips } from '../fixtures/index.ts';
import { tempDir } from './helpers/temp-store.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
let n = 0;

async function withStore<T>(f: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ path: path.join(dir, `s${n++}.duckdb`) });
  try {
    return await f(store);
  } finally {
    store.close();
  }
}

/** Everything an upload left in the store, in a stable order, values as text (doubles printed in full). */
async function snapshot(store: Store) {
  const trips = await store.query(
    `SELECT provider_id, trip_id, device_id, vehicle_type, trip_type, epoch_ms(start_time) AS s, epoch_ms(end_time) AS e,
            start_lat::VARCHAR AS a, start_lng::VARCHAR AS b, end_lat::VARCHAR AS c, end_lng::VARCHAR AS d,
            distance_m::VARCHAR AS dist, duration_s::VARCHAR AS dur
     FROM trips ORDER BY provider_id, trip_id`,
  );
  const rejects = await store.query('SELECT row_number, field, reason, raw FROM rejects ORDER BY row_number');
  const providers = await store.query('SELECT * FROM providers ORDER BY provider_id');
  return { trips, rejects, providers };
}

/** Ingests `file` with each reader into its own store and expects the same outcome; returns the automatic reader's choice. */
async function compareReaders(file: string, options: IngestOptions = {}): Promise<'duckdb' | 'javascript' | undefined> {
  const js = await withStore(async (s) => ({ report: await ingestFile(s, file, { ...options, csvReader: 'js' }), data: await snapshot(s) }));
  const auto = await withStore(async (s) => ({ report: await ingestFile(s, file, options), data: await snapshot(s) }));
  expect(js.report.csvReader).toBe('javascript');
  const counts = (r: typeof js.report) => [r.rowsRead, r.rowsStored, r.rowsDuplicate, r.rowsRejected, r.sha256, JSON.stringify(r.columns)];
  expect(counts(auto.report)).toEqual(counts(js.report));
  expect(auto.data.trips.length).toBe(js.data.trips.length);
  expect(auto.data.trips).toEqual(js.data.trips);
  expect(auto.data.rejects).toEqual(js.data.rejects);
  expect(auto.data.providers).toEqual(js.data.providers);
  return auto.report.csvReader;
}

const HEADER = 'trip_id,provider_id,provider_name,device_id,vehicle_type,start_time,end_time,start_lat,start_lng,end_lat,end_lng,distance_m,duration_s';

/** CSV text of `rows` generated trips, each line passed through `edit` (row index, fields) to plant variants. */
function csvText(rows: number, seed: number, edit: (i: number, f: string[]) => string[] | string = (_, f) => f, header = HEADER): string {
  const lines = [header];
  let i = 0;
  for (const t of generateCity({ trips: rows, seed }).trips()) {
    const f = [
      t.tripId, t.providerId, t.providerName, t.deviceId, t.vehicleType, new Date(t.startMs).toISOString(), new Date(t.endMs).toISOString(),
      String(t.startLat), String(t.startLng), String(t.endLat), String(t.endLng), String(t.distanceM), String(t.durationS),
    ];
    const out = edit(i++, f);
    lines.push(typeof out === 'string' ? out : out.join(','));
  }
  return lines.join('\n') + '\n';
}

function write(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('CSV through DuckDB stores what the JavaScript reader stores', () => {
  it('a generated export with every kind of bad row, written by the fixtures writer', async () => {
    const file = path.join(dir, 'city.csv');
    await writeTrips(generateCity({ trips: 6000, seed: 31, defects: Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0.01])) }).trips(), file, { format: 'csv' });
    expect(await compareReaders(file)).toBe('duckdb');
  });

  it('gzipped', async () => {
    const file = write('city.csv.gz', zlib.gzipSync(csvText(3000, 32)));
    expect(await compareReaders(file)).toBe('duckdb');
  });

  it('timestamps with offsets, without milliseconds, as epoch milliseconds, and impossible dates', async () => {
    const file = write('times.csv', csvText(3000, 33, (i, f) => {
      if (i % 7 === 1) f[5] = f[5]!.replace('Z', '+02:00');
      if (i % 7 === 2) f[6] = f[6]!.replace(/\.\d{3}Z$/, '-05:30');
      if (i % 7 === 3) f[5] = String(Date.parse(f[5]!));
      if (i % 7 === 4) f[6] = f[6]!.replace(/\.\d{3}Z$/, 'Z');
      if (i === 500) f[5] = '2026-02-30T10:00:00Z'; // read by JavaScript: not a date
      if (i === 501) f[5] = '2026-06-01 10:00:00'; // local time (UTC by default), read by JavaScript
      if (i === 502) f[6] = '1780000000'; // seconds: rejected by the row checks
      return f;
    }));
    expect(await compareReaders(file)).toBe('duckdb');
  });

  it('times, distances and durations out of range: the same rejects from both readers', async () => {
    const future = Date.now() + 3 * 86_400_000;
    const file = write('ranges.csv', csvText(3000, 44, (i, f) => {
      if (i === 100) f[5] = '100000000000000000'; // 1e17 ms: no timestamp at all (read by JavaScript: 17 digits)
      if (i === 101) f[6] = '999999999999999'; // 15 digits: the year 33658
      if (i === 102) f[5] = '1999-12-31T23:59:59Z';
      if (i === 103) f[6] = new Date(future).toISOString();
      if (i === 104) f[6] = String(future);
      if (i === 105) f[11] = '1e308'; // read by JavaScript (an exponent)
      if (i === 106) f[11] = '1000000.5';
      if (i === 107) f[12] = '2678401';
      if (i === 108) (f[12] = '', f[6] = new Date(Date.parse(f[5]!) + 40 * 86_400_000).toISOString()); // duration from the times
      if (i === 109) f[5] = '2000-01-01T00:00:00Z'; // the earliest time stored
      if (i === 110) f[1] = '=cmd|/c calc'; // provider ids are checked like API key ids
      if (i === 111) f[1] = '../etc';
      return f;
    }));
    expect(await compareReaders(file)).toBe('duckdb');
    const reasons = await withStore(async (s) => {
      await ingestFile(s, file);
      return (await s.query('SELECT row_number, field, reason FROM rejects WHERE row_number BETWEEN 101 AND 112 ORDER BY row_number')).map((r) => [Number(r.row_number), r.field, r.reason]);
    });
    expect(reasons).toEqual([
      [101, 'start_time', 'later than a day after the upload: 1e+17 ms'],
      [102, 'end_time', 'later than a day after the upload: 33658-09-27 01:46:39 UTC'],
      [103, 'start_time', 'before 2000-01-01: 946684799000.0 ms'],
      [104, 'end_time', expect.stringMatching(/^later than a day after the upload: \d{4}-/)],
      [105, 'end_time', expect.stringMatching(/^later than a day after the upload: \d{4}-/)],
      [106, 'distance_m', 'more than 1,000 km: 1e+308 m'],
      [107, 'distance_m', 'more than 1,000 km: 1000000.5 m'],
      [108, 'duration_s', 'more than 31 days: 2678401.0 s'],
      [109, 'duration_s', 'more than 31 days: 3456000.0 s'],
      [111, 'provider_id', 'not a valid provider id (1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit): =cmd|/c calc'],
      [112, 'provider_id', 'not a valid provider id (1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit): ../etc'],
    ]);
  });

  it('numbers of every length, padding, exponents and words', async () => {
    const rng = new Random(34);
    const file = write('numbers.csv', csvText(3000, 34, (i, f) => {
      const digits = 1 + (i % 17);
      f[9] = (rng.next() * 180 - 90).toFixed(digits);
      f[10] = (-rng.next() * 180).toFixed(Math.min(17, digits + 3));
      if (i % 11 === 0) f[11] = '';
      if (i % 13 === 0) f[12] = '';
      if (i === 100) f[9] = ' 38.25 ';
      if (i === 101) f[10] = '-8.5e1';
      if (i === 102) f[11] = 'far';
      if (i === 103) f[9] = 'Infinity';
      if (i === 104) f[10] = '0x10';
      return f;
    }));
    expect(await compareReaders(file)).toBe('duckdb');
  });

  it('units from the header (km, minutes) and from an explicit mapping (miles)', async () => {
    const km = write('units.csv', csvText(2000, 35, (_, f) => f, HEADER.replace('distance_m', 'distance_km').replace('duration_s', 'duration_min')));
    expect(await compareReaders(km)).toBe('duckdb');
    const mi = write('miles.csv', csvText(2000, 36, (_, f) => f, HEADER.replace('distance_m', 'len')));
    expect(await compareReaders(mi, { mapping: { distance_m: 'len:mi', duration_s: 'duration_s:ms' } })).toBe('duckdb');
  });

  it('text with white space or non-ASCII at its ends, empty ids, and a provider from the upload', async () => {
    const file = write('text.csv', csvText(2000, 37, (i, f) => {
      if (i % 5 === 0) f[2] = 'Trottinettes Élan';
      if (i % 9 === 0) f[4] = ' scooter';
      if (i === 40) f[0] = '';
      if (i === 41) f[1] = '';
      if (i === 42) f[3] = 'bike\u00a0';
      return f;
    }));
    expect(await compareReaders(file, { provider: 'fallback-provider' })).toBe('duckdb');
  });

  it('Windows line ends, a byte-order mark, blank lines and in-file duplicates', async () => {
    const text = csvText(2000, 38, (i, f) => (i === 10 ? `${f.join(',')}\n` : f)).replace(/\n/g, '\r\n');
    const lines = text.split('\r\n');
    const withDup = [...lines.slice(0, 1500), lines[7]!, ...lines.slice(1500)].join('\r\n');
    const file = write('crlf.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(withDup)]));
    expect(await compareReaders(file)).toBe('duckdb');
  });

  it('tabs', async () => {
    const file = write('tabs.tsv', csvText(1500, 43, (_, f) => f.join('\t'), HEADER.replaceAll(',', '\t')));
    expect(await compareReaders(file)).toBe('duckdb');
  });

  it('semicolons and quoted fields', async () => {
    const file = write('semi.csv', csvText(2000, 39, (i, f) => f.map((v, j) => (j === 2 || i % 3 === 0 ? `"${v}"` : v)).join(';'), HEADER.replaceAll(',', ';')));
    expect(await compareReaders(file)).toBe('duckdb');
  });
});

/** The Citi Bike layout (no trip id) with the generated trips: duration, times, stations' points, bike id. */
const CITI_HEADER =
  '"tripduration","starttime","stoptime","start station id","start station name","start station latitude","start station longitude",' +
  '"end station id","end station name","end station latitude","end station longitude","bikeid","usertype"';
function citiFields(f: string[]): string[] {
  return [f[12]!, f[5]!, f[6]!, '3701', 'Cambridge Pl', f[7]!, f[8]!, '3312', '1 Ave & E 62 St', f[9]!, f[10]!, f[3]!, 'Subscriber'].map((v) => `"${v}"`);
}

describe('real layouts: both readers store the same trips, with the same derived trip ids', () => {
  it('the Citi Bike layout without a trip id, with exact repeats, local times and trips differing only in a point', async () => {
    const file = write('citi.csv', csvText(2500, 44, (i, f) => {
      if (i % 10 === 3) f[5] = f[5]!.replace('T', ' ').replace('Z', ''); // local time (UTC here): read by JavaScript
      if (i % 100 === 7) f[10] = String(Number(f[10]) + 0.0001);
      return citiFields(f).join(',');
    }, CITI_HEADER));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, [...lines.slice(0, 1200), lines[5]!, lines[6]!, ...lines.slice(1200)].join('\n'));
    expect(await compareReaders(file, { provider: 'citibike' })).toBe('duckdb');
    await withStore(async (s) => {
      const r = await ingestFile(s, file, { provider: 'citibike' });
      expect([r.rowsRead, r.rowsStored, r.rowsDuplicate]).toEqual([2502, 2500, 2]);
      const again = await ingestFile(s, file, { provider: 'citibike', csvReader: 'js' });
      expect([again.rowsStored, again.rowsDuplicate]).toEqual([0, 2502]);
    });
  });

  it('Title Case headers with spaces and `_utc` time headers', async () => {
    const header = 'Trip ID,Provider,Provider Name,Bike ID,Vehicle Type,start_time_utc,end_time_utc,Start Centroid Latitude,Start Centroid Longitude,' +
      'End Centroid Latitude,End Centroid Longitude,Trip Distance,Trip Duration';
    const file = write('title.csv', csvText(2000, 45, (i, f) => {
      if (i % 4 === 0) f[6] = f[6]!.replace('T', ' ').replace(/\.\d{3}Z$/, '');
      return f;
    }, header));
    expect(await compareReaders(file, { tz: 'Europe/Paris' })).toBe('duckdb');
  });
});

describe('row numbers from DuckDB are file rows', () => {
  it('in a file DuckDB reads in parallel pieces (48 MB), every rejected row carries its own row number', async () => {
    const lines = [HEADER];
    for (let row = 1; row <= 200_000; row++) {
      const bad = row % 997 === 0; // ends before it starts
      lines.push(
        `row-${row},p1,Acme,dev-${row % 5000},scooter,2026-06-01T10:00:00.000Z,${bad ? '2026-06-01T09:00:00.000Z' : '2026-06-01T10:10:00.000Z'},` +
          `38.25${row % 100},-85.75${row % 100},38.26${row % 97},-85.76${row % 89},1200.5,600.25,padding-padding-padding-padding-padding-padding-padding-padding-padding`,
      );
    }
    const file = write('numbered.csv', lines.join('\n').replace(HEADER, `${HEADER},note`) + '\n');
    expect(fs.statSync(file).size).toBeGreaterThan(40e6);
    await withStore(async (s) => {
      const r = await ingestFile(s, file);
      expect(r.csvReader).toBe('duckdb');
      expect([r.rowsRead, r.rowsRejected]).toEqual([200_000, Math.floor(200_000 / 997)]);
      const rejects = await s.query("SELECT row_number, split_part(raw, ',', 1) AS id FROM rejects ORDER BY row_number");
      for (const x of rejects) expect(x.id).toBe(`row-${x.row_number}`);
      expect(rejects.map((x) => Number(x.row_number))).toEqual(Array.from({ length: 200 }, (_, i) => (i + 1) * 997));
    });
  });
});

describe('files DuckDB and JavaScript could split differently are read by JavaScript alone', () => {
  it.each([
    ['quotes inside a value', (i: number, f: string[]) => (i === 1200 ? (f[4] = 'scoot"e"r', f) : f)],
    ['a quoted line break', (i: number, f: string[]) => (i === 1200 ? (f[2] = '"Acme\nScooters"', f) : f)],
    ['a row with too few fields', (i: number, f: string[]) => (i === 1500 ? f.slice(0, 9) : f)],
    ['a row with too many fields', (i: number, f: string[]) => (i === 1500 ? [...f, 'extra'] : f)],
    ['a white-space line', (i: number, f: string[]) => (i === 1500 ? `  \n${f.join(',')}` : f)],
  ])('%s', async (_name, edit) => {
    const file = write(`fallback-${n}.csv`, csvText(2000, 40, edit));
    expect(await compareReaders(file)).toBe('javascript');
  });

  it('split date and time columns', async () => {
    const header = HEADER.replace('start_time', 'start_date,start_time');
    const file = write('split.csv', csvText(1500, 41, (_, f) => [...f.slice(0, 5), f[5]!.slice(0, 10), f[5]!.slice(11, 19), ...f.slice(6)], header));
    expect(await compareReaders(file)).toBe('javascript');
  });

  it('a small file (fewer rows than the sample)', async () => {
    const file = write('small.csv', csvText(200, 42));
    expect(await compareReaders(file)).toBe('javascript');
  });
});
