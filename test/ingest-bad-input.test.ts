import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ingestFile } from '../engine/ingest/index.ts';
import { isParkzonesError, type ParkzonesError } from '../engine/errors.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tempStore, tableCounts } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
let before: { trips: number; rejects: number; uploads: number };
beforeAll(async () => {
  ctx = await tempStore();
  const good = path.join(ctx.dir, 'good.json');
  await writeTrips(generateCity({ trips: 200, seed: 2 }).trips(), good, { format: 'mds2' });
  await ingestFile(ctx.store, good);
  before = await tableCounts(ctx.store);
});
afterAll(() => ctx.cleanup());

function write(name: string, content: string | Buffer): string {
  const f = path.join(ctx.dir, name);
  fs.writeFileSync(f, content);
  return f;
}

/** Ingests `file`, expects a ParkzonesError, and checks the store holds exactly what it held before. */
async function expectFileError(file: string, options = {}): Promise<ParkzonesError> {
  let error: unknown;
  try {
    await ingestFile(ctx.store, file, options);
  } catch (e) {
    error = e;
  }
  expect(isParkzonesError(error), String(error)).toBe(true);
  expect(await tableCounts(ctx.store)).toEqual(before);
  return error as ParkzonesError;
}

describe('a file that cannot be read at all stores nothing and names the file and position', () => {
  it('empty file', async () => {
    const e = await expectFileError(write('empty.csv', ''));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe('empty.csv: the file is empty');
  });

  it('white space only', async () => {
    const e = await expectFileError(write('blank.json', '  \n\n '));
    expect(e.message).toBe('blank.json: the file holds only white space');
  });

  it('truncated JSON: the good trips before the cut are not kept either', async () => {
    const good = path.join(ctx.dir, 'whole.json');
    await writeTrips(generateCity({ trips: 300, seed: 77 }).trips(), good, { format: 'mds2' });
    const text = fs.readFileSync(good, 'utf8');
    const cut = write('cut.json', text.slice(0, Math.floor(text.length * 0.6)));
    const e = await expectFileError(cut);
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^cut\.json: the JSON ends early: truncated at byte \d+ with \d bracket\(s\) open$/);
    expect(e.location.position).toBe(Math.floor(text.length * 0.6));
  });

  it('malformed JSON inside a trip names the trip and byte', async () => {
    const e = await expectFileError(write('broken.json', '{"version":"2.0.0","trips":[{"trip_id":"a","start_time":1},{"trip_id":"b",,}]}'));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^broken\.json: trip 2 \(byte 59\) is not valid JSON/);
  });

  it('mismatched brackets', async () => {
    const e = await expectFileError(write('brackets.json', '{"version":"2.0.0","trips":[{"a":1}}'));
    expect(e.message).toBe('brackets.json: not valid JSON at byte 35: unexpected }');
  });

  it('JSON without a trips array', async () => {
    const e = await expectFileError(write('notrips.json', '{"version":"2.0.0","vehicles":[]}'));
    expect(e.code).toBe('BAD_FORMAT');
    expect(e.message).toMatch(/no trips array/);
  });

  it('binary junk', async () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const e = await expectFileError(write('junk.bin', junk));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^junk\.bin: binary content at byte \d+: not a CSV, JSON \(MDS\) or Parquet file$/);
  });

  it('truncated gzip', async () => {
    const good = path.join(ctx.dir, 'whole.csv');
    await writeTrips(generateCity({ trips: 3000, seed: 78 }).trips(), good, { format: 'csv' });
    const gz = zlib.gzipSync(fs.readFileSync(good));
    const e = await expectFileError(write('cut.csv.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^cut\.csv\.gz: the gzip data is truncated or corrupt after \d+ decompressed bytes/);
  });

  it('Parquet file cut short', async () => {
    const good = path.join(ctx.dir, 'whole.parquet');
    await writeTrips(generateCity({ trips: 500, seed: 79 }).trips(), good, { format: 'parquet' });
    const bytes = fs.readFileSync(good);
    const e = await expectFileError(write('cut.parquet', bytes.subarray(0, bytes.length - 100)));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^cut\.parquet: not a readable Parquet file/);
  });

  it('CSV whose quoted field never closes', async () => {
    const e = await expectFileError(write('quote.csv', 'trip_id,provider_id,end_time,end_lat,end_lng\n"a,p,2026-01-01T00:00:00Z,1,1\n'));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^quote\.csv: the file ends inside a quoted field that starts at data row 1/);
  });

  it('CSV without the columns we need names every missing field in one message', async () => {
    const e = await expectFileError(write('cols.csv', 'a,b,c\n1,2,3\n'));
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.message).toBe(
      'cols.csv: no column for end_lat (closest columns: none); end_lng (closest columns: none); end_time (closest columns: none) ' +
        'among the header (a, b, c); name them with --map end_lat=COLUMN --map end_lng=COLUMN --map end_time=COLUMN',
    );
  });

  it('CSV whose needed columns are misspelt names each with the columns closest to it', async () => {
    const e = await expectFileError(write('near.csv', 'Trip ID,Start Time,Finish Time,Latitude End,Long End\n1,2,3,4,5\n'), { provider: 'p' });
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.location.field).toBe('end_lat,end_lng,end_time');
    expect(e.message).toMatch(/no column for end_lat \(closest columns: "Latitude End"[^)]*\); end_lng \(closest columns: "Long End"[^)]*\); end_time \(closest columns: "Finish Time"/);
  });

  it('CSV without a provider column and no provider given', async () => {
    const e = await expectFileError(write('noprov.csv', 'trip_id,end_time,end_lat,end_lng\na,2026-01-01T00:00:00Z,1,1\n'));
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.message).toMatch(/no provider column in the header and no provider given/);
  });

  it('an explicit mapping to a missing column', async () => {
    const e = await expectFileError(write('map.csv', 'trip_id,end_time,end_lat,end_lng\n'), { mapping: { end_lat: 'Y' }, provider: 'p' });
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.message).toMatch(/mapping end_lat=Y: no column "Y" in the header/);
  });

  it('an unknown time zone is a bad option', async () => {
    const e = await expectFileError(write('tz.csv', 'x\n'), { tz: 'Mars/Olympus' });
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toBe('tz: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Paris)');
  });

  it('asking for Parquet when the file is not Parquet', async () => {
    const e = await expectFileError(write('fake.parquet', 'a,b\n1,2\n'), { format: 'parquet' });
    expect(e.code).toBe('BAD_FORMAT');
  });
});

describe('rows that fail are rejected with row, field and reason; the rest are stored', () => {
  const HEADER = 'trip_id,provider_id,device_id,start_time,end_time,start_lat,start_lng,end_lat,end_lng,distance_m,duration_s\n';
  const rows: [string, string, RegExp][] = [
    ['ok1,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86,2.36,900,600', '', /^$/],
    [',p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86,2.36,900,600', 'trip_id', /^missing$/],
    ['b,p,d,not-a-date,2026-01-01T10:10:00Z,48.85,2.35,48.86,2.36,900,600', 'start_time', /^not a date\/time: "not-a-date" in column start_time$/],
    ['c,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,north,2.36,900,600', 'end_lat', /^not a number: "north" in column end_lat$/],
    ['d,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86,200,900,600', 'end_lng', /^out of range \[-180, 180\]: 200/],
    ['e,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,,2.36,900,600', 'end_lat', /^missing$/],
    ['f,p,d,1767261600,1767262200,48.85,2.35,48.86,2.36,900,600', 'start_time', /^looks like seconds, not milliseconds, since 1970: 1767261600 ms is 1970-01-21/],
    ['g,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,0,0,48.86,2.36,900,600', 'start_location', /^\(0, 0\) is not a place/],
    ['h,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86,2.36,-5,600', 'distance_m', /^negative or not finite: -5/],
    ['i,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86', 'row', /^has 8 fields, the header has 11$/],
    ['ok1,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86,2.36,900,600', 'duplicate', /^$/],
    ['ok2,p,d,2026-01-01T11:00:00Z,2026-01-01T11:10:00Z,48.85,2.35,48.86,2.36,900,600', '', /^$/],
  ];
  it.each(rows.map((r, i) => [i + 1, ...r] as const).filter(([, , f]) => f !== '' && f !== 'duplicate'))('row %i: %s is rejected', async (row, _text, field, reason) => {
    const file = write('mixed.csv', HEADER + rows.map((r) => r[0]).join('\n') + '\n');
    const report = await ingestFile(ctx.store, file, {});
    const reject = (await ctx.store.query('SELECT field, reason FROM rejects WHERE upload_id = $u AND row_number = $r', { u: report.uploadId, r: row }))[0];
    expect(reject?.field).toBe(field);
    expect(String(reject?.reason)).toMatch(reason);
    await ctx.store.run('DELETE FROM trips WHERE upload_id = $u', { u: report.uploadId });
  });

  it('counts the good rows, the in-file duplicate and the rejects', async () => {
    const file = write('mixed2.csv', HEADER + rows.map((r) => r[0]).join('\n') + '\n');
    const r = await ingestFile(ctx.store, file, {});
    expect([r.rowsRead, r.rowsStored, r.rowsDuplicate, r.rowsRejected]).toEqual([12, 2, 1, 9]);
  });

  it('a rejected row does not make a later good row with the same trip id a duplicate', async () => {
    const file = write('rejected-first.csv', HEADER + [
      'rf,p,d,2026-01-01T10:00:00Z,2026-01-01T09:00:00Z,48.85,2.35,48.86,2.36,900,600', // ends before it starts
      'rf,p,d,2026-01-01T10:00:00Z,2026-01-01T10:10:00Z,48.85,2.35,48.86,2.36,900,600',
      'rf,p,d,2026-01-01T12:00:00Z,2026-01-01T12:10:00Z,48.85,2.35,48.86,2.36,900,600', // repeat: the first good row wins
    ].join('\n') + '\n');
    const r = await ingestFile(ctx.store, file, {});
    expect([r.rowsRead, r.rowsStored, r.rowsDuplicate, r.rowsRejected]).toEqual([3, 1, 1, 1]);
    const stored = await ctx.store.query("SELECT strftime(end_time, '%H:%M') AS t FROM trips WHERE upload_id = $u", { u: r.uploadId });
    expect(stored).toEqual([{ t: '10:10' }]);
  });
});
