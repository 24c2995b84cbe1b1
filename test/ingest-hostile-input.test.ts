/**
 * Hostile input (engine/ingest/input-limits.ts): decompression bombs, lines without end, deep JSON and slow files
 * stop with TOO_LARGE naming the bound, and store nothing; blank lines in bulk are skipped, not read line by line.
 * Every bomb is generated in memory and kept small by lowering the bound it tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, type IngestOptions } from '../engine/ingest/index.ts';
import { readCsvRecords } from '../engine/ingest/csv-records.ts';
import { isParkzonesError, type ParkzonesError } from '../engine/errors.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tableCounts, tempStore } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
let before: Awaited<ReturnType<typeof tableCounts>>;
beforeAll(async () => {
  ctx = await tempStore();
  before = await tableCounts(ctx.store);
});
afterAll(() => ctx.cleanup());

function write(name: string, content: string | Buffer): string {
  const f = path.join(ctx.dir, name);
  fs.writeFileSync(f, content);
  return f;
}

/** Ingests `file`, expects TOO_LARGE naming `limit`, and checks the store holds what it held before. */
async function expectLimit(file: string, limit: string, options: IngestOptions = {}): Promise<ParkzonesError> {
  let error: unknown;
  try {
    await ingestFile(ctx.store, file, { provider: 'acme', ...options });
  } catch (e) {
    error = e;
  }
  expect(isParkzonesError(error, 'TOO_LARGE'), String(error)).toBe(true);
  const e = error as ParkzonesError;
  expect(e.location.limit).toBe(limit);
  expect(e.message).toContain(`(limit ${limit})`);
  expect(e.message.startsWith(path.basename(file) + ':')).toBe(true);
  expect(await tableCounts(ctx.store)).toEqual(before);
  return e;
}

const HEADER = 'trip_id,start_time,end_time,end_lat,end_lng';
const ROW = (i: number) => `t${i},2026-06-01T10:00:00Z,2026-06-01T10:09:00Z,48.85,2.35`;

describe('decompression bombs: the inflated size is bounded', () => {
  // 2 MiB of trips inflated from a gzip of a few KB, against a bound of 1 MiB.
  const csv = [HEADER, ...Array.from({ length: 60_000 }, (_, i) => ROW(i))].join('\n');
  const limits = { maxInflatedBytes: 1 << 20 };

  it('a gzipped CSV read by DuckDB (more than 1000 rows) stops at the bound', async () => {
    const e = await expectLimit(write('bomb.csv.gz', zlib.gzipSync(csv)), 'inflated_bytes', { limits });
    expect(e.message).toContain(`inflates to more than ${1 << 20} bytes`);
  });

  it('the same file read by the JavaScript reader stops at the bound', async () => {
    await expectLimit(write('bomb-js.csv.gz', zlib.gzipSync(csv)), 'inflated_bytes', { limits, csvReader: 'js' });
  });

  it('a gzipped MDS payload stops at the bound', async () => {
    const json = JSON.stringify({ version: '2.0.0', trips: Array.from({ length: 20_000 }, (_, i) => ({ trip_id: `t${i}`, provider_id: 'acme', pad: 'x'.repeat(40) })) });
    await expectLimit(write('bomb.json.gz', zlib.gzipSync(json)), 'inflated_bytes', { limits });
  });

  it('a gzipped Parquet file stops at the bound before it is written out in full', async () => {
    const file = path.join(ctx.dir, 'city.parquet');
    await writeTrips(generateCity({ trips: 30_000, seed: 4 }).trips(), file, { format: 'parquet' });
    const raw = fs.readFileSync(file);
    expect(raw.length).toBeGreaterThan(1 << 20);
    await expectLimit(write('city.parquet.gz', zlib.gzipSync(raw)), 'inflated_bytes', { limits });
  });

  it('a file within the bound is stored', async () => {
    const small = [HEADER, ...Array.from({ length: 2000 }, (_, i) => ROW(i))].join('\n');
    const r = await ingestFile(ctx.store, write('fine.csv.gz', zlib.gzipSync(small)), { provider: 'fine', limits });
    expect(r.rowsStored).toBe(2000);
    before = await tableCounts(ctx.store);
  });
});

describe('blank lines cost no records and keep row numbers', () => {
  async function records(text: Buffer, chunk: number): Promise<{ row: number; raw: string }[]> {
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < text.length; i += chunk) yield text.subarray(i, i + chunk);
    }
    const out: { row: number; raw: string }[] = [];
    for await (const batch of readCsvRecords(chunks(), 'blank.csv')) for (const r of batch) out.push({ row: r.row, raw: r.raw });
    return out;
  }
  const blanks = (n: number, unit: string) => unit.repeat(n);
  const text = Buffer.from(
    '\uFEFF' + HEADER + '\r\n' + blanks(200_000, '\n') + ROW(1) + '\r\n' + blanks(70_000, '\r\n') + '  \t\n' + ROW(2) + '\n' +
      '"a\n\n\nb",x\n' + blanks(140_000, '\n\r') + '\n' + ROW(3) + '\n' + blanks(65_537, '\n'),
  );

  for (const chunk of [1 << 20, 65_536, 65_537, 4099]) {
    it(`runs of LF, CR LF and spaces in chunks of ${chunk} bytes`, async () => {
      expect(await records(text, chunk)).toEqual([
        { row: 0, raw: HEADER },
        { row: 1, raw: ROW(1) },
        { row: 2, raw: ROW(2) },
        { row: 3, raw: '"a\n\n\nb",x' }, // blank lines inside a quoted field are its text
        { row: 4, raw: ROW(3) },
      ]);
    });
  }

  it('a gzip of 64 MiB of newlines holds no row and is read to its end', async () => {
    const gz = zlib.gzipSync(Buffer.concat([Buffer.from(HEADER + '\n'), Buffer.alloc(64 << 20, 0x0a), Buffer.from(ROW(9) + '\n')]), { level: 1 });
    const r = await ingestFile(ctx.store, write('newlines.csv.gz', gz), { provider: 'blank' });
    expect([r.rowsRead, r.rowsStored]).toEqual([1, 1]);
    before = await tableCounts(ctx.store);
  });
});

describe('records are bounded', () => {
  const limits = { maxRecordBytes: 64 * 1024 };

  it('a single line without end (gzipped: 3 MiB from a few KB)', async () => {
    const gz = zlib.gzipSync(Buffer.concat([Buffer.from(HEADER + '\n' + ROW(1) + '\n'), Buffer.alloc(3 << 20, 0x61)]));
    const e = await expectLimit(write('line.csv.gz', gz), 'record_bytes');
    expect(e.message).toContain('data row 2 (a line) is longer than 1048576 characters');
    expect(e.location.row).toBe(2);
  });

  it('a header without end', async () => {
    const e = await expectLimit(write('header.csv', 'a,'.repeat(40_000)), 'record_bytes', { limits });
    expect(e.message).toContain('the header (a line) is longer than 65536 characters');
  });

  it('a quote never closed, over many lines', async () => {
    const text = HEADER + '\n' + ROW(1) + '\n"' + `${ROW(2)}\n`.repeat(5000);
    const e = await expectLimit(write('quote.csv', text), 'record_bytes', { limits });
    expect(e.location.row).toBe(2);
  });

  it('a JSON trip longer than the bound names the trip', async () => {
    const json = JSON.stringify({ version: '2.0.0', trips: [{ trip_id: 'a' }, { trip_id: 'b', pad: 'x'.repeat(200_000) }] });
    const e = await expectLimit(write('big-trip.json', json), 'record_bytes', { limits });
    expect(e.message).toContain('trip 2 (byte');
    expect(e.location.row).toBe(2);
  });

  it('a JSON string outside the trips longer than the bound', async () => {
    const json = `{"version":"${'9'.repeat(200_000)}","trips":[]}`;
    await expectLimit(write('big-version.json', json), 'record_bytes', { limits });
  });
});

describe('JSON nesting is bounded, and deep nesting costs linear time', () => {
  const deep = (n: number) => `{"junk":${'['.repeat(n)}${']'.repeat(n)},"version":"2.0.0","trips":[]}`;

  it('100,000 brackets outside the trips (200 KB) stop at the default depth of 64', async () => {
    const e = await expectLimit(write('deep.json', deep(100_000)), 'json_depth');
    expect(e.message).toContain('JSON nested deeper than 64 levels at byte 71');
    expect(e.location.position).toBe(71); // the 64th [ after the root {
  });

  it('nesting up to the bound is read', async () => {
    const r = await ingestFile(ctx.store, write('deep-ok.json', deep(63)));
    expect(r.rowsRead).toBe(0);
    before = await tableCounts(ctx.store);
    await expectLimit(write('deep-64.json', deep(64)), 'json_depth');
  });
});

describe('time is bounded', () => {
  const csv = [HEADER, ...Array.from({ length: 50_000 }, (_, i) => ROW(i))].join('\n');

  it('an upload past maxSeconds stops (JavaScript reader) and stores nothing', async () => {
    const e = await expectLimit(write('slow.csv', csv), 'seconds', { limits: { maxSeconds: 0.02 }, csvReader: 'js' });
    expect(e.message).toContain('the upload took longer than 0.02 s');
  });

  it('an upload past maxSeconds stops while DuckDB reads it', async () => {
    await expectLimit(write('slow-duckdb.csv', csv), 'seconds', { limits: { maxSeconds: 0.02 } });
  });

  it('a bound that is not a number > 0 is a bad option', async () => {
    await expect(ingestFile(ctx.store, write('x.csv', csv), { provider: 'acme', limits: { maxSeconds: 0 } })).rejects.toMatchObject({
      code: 'BAD_OPTION', location: { option: 'limits.maxSeconds' },
    });
  });
});

describe('times and values out of range are row rejects, not a failed upload', () => {
  it('an MDS payload with 1e17 ms, the year 33658, 1999, 1e308 m and 40 days: each row rejected by row and field', async () => {
    const t0 = Date.parse('2026-06-01T10:00:00Z');
    const trip = (id: string, extra: Record<string, unknown> = {}) => ({
      provider_id: 'ranges', trip_id: id, device_id: 'd', start_time: t0, end_time: t0 + 600_000,
      end_location: { lat: 48.85, lng: 2.35 }, distance: 900, duration: 600, ...extra,
    });
    const json = JSON.stringify({
      version: '2.0.0',
      trips: [
        trip('ok'), trip('e17', { end_time: 1e17 }), trip('e15', { start_time: 1e15, end_time: 1e15 }),
        trip('y1999', { start_time: Date.parse('1999-12-31T00:00:00Z') }), trip('far', { distance: 1e308 }),
        trip('long', { duration: 40 * 86_400 }), trip('neg', { start_time: -1e300 }),
      ],
    });
    const r = await ingestFile(ctx.store, write('ranges.json', json));
    expect([r.rowsRead, r.rowsStored, r.rowsRejected]).toEqual([7, 1, 6]);
    expect(r.firstRejects.map((x) => [x.rowNumber, x.field, x.reason])).toEqual([
      [2, 'end_time', 'later than a day after the upload: 1e+17 ms'],
      [3, 'start_time', 'later than a day after the upload: 1000000000000000.0 ms'], // the year 33658
      [4, 'start_time', 'before 2000-01-01: 946598400000.0 ms'],
      [5, 'distance_m', 'more than 1,000 km: 1e+308 m'],
      [6, 'duration_s', 'more than 31 days: 3456000.0 s'],
      [7, 'start_time', 'before 2000-01-01: -1e+300 ms'],
    ]);
    before = await tableCounts(ctx.store);
  });
});

describe('provider ids are checked like API key ids', () => {
  const csv = (provider: string) => `provider_id,${HEADER}\n${provider},${ROW(1)}\nacme-ok,${ROW(2)}\n`;

  it.each([['../etc'], ['a\u0000b'], ['=cmd|/c calc'], ['-2+3'], ['x'.repeat(129)], ['']])('given at upload: %j is a bad option naming provider', async (bad) => {
    await expect(ingestFile(ctx.store, write('p.csv', csv('acme')), { provider: bad || ' ' })).rejects.toMatchObject({
      code: 'BAD_OPTION', location: { option: 'provider' },
    });
    expect(await tableCounts(ctx.store)).toEqual(before);
  });

  it('read from a file: a row reject naming the row and field, the text shown printable and cut', async () => {
    const json = JSON.stringify({ version: '2.0.0', trips: [
      { provider_id: 'good.id_1:x', trip_id: 'a', start_time: 1780000000000, end_time: 1780000600000, end_location: { lat: 48.85, lng: 2.35 } },
      { provider_id: 'evil\u0000../x', trip_id: 'b', start_time: 1780000000000, end_time: 1780000600000, end_location: { lat: 48.85, lng: 2.35 } },
      { provider_id: '=HYPERLINK("x")', trip_id: 'c', start_time: 1780000000000, end_time: 1780000600000, end_location: { lat: 48.85, lng: 2.35 } },
    ] });
    const r = await ingestFile(ctx.store, write('providers.json', json));
    expect([r.rowsStored, r.rowsRejected]).toEqual([1, 2]);
    const rule = '1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';
    expect(r.firstRejects.map((x) => [x.rowNumber, x.field, x.reason])).toEqual([
      [2, 'provider_id', `not a valid provider id (${rule}): evil?../x`],
      [3, 'provider_id', `not a valid provider id (${rule}): =HYPERLINK("x")`],
    ]);
    before = await tableCounts(ctx.store);
  });
});
