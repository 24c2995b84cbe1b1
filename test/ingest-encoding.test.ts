import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { ingestFile } from '../engine/ingest/index.ts';
import { invalidUtf8Offset } from '../engine/ingest/decide-encoding.ts';
import { isParkzonesError } from '../engine/errors.ts';
import { tempStore } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
beforeEach(async () => (ctx = await tempStore()));
afterEach(() => ctx.cleanup());

const HEADER = 'trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng\n';
const row = (id: string) => `${id},acme,dev-1,2026-06-01T08:00:00Z,2026-06-01T08:10:00Z,38.25,-85.75\n`;
/** The three ids of the issue, which differ only in one accented letter. */
const CAFES = ['café', 'cafè', 'cafê'];

/** A CSV whose rows `filler` pad it past 64 KiB, with the three café ids (prefix `p`) at the start and at the end. */
function csv(encode: (text: string) => Buffer, fillerRows: number): Buffer {
  const parts = [HEADER, ...CAFES.map((c) => row(`${c}-1`))];
  for (let i = 0; i < fillerRows; i++) parts.push(row(`plain-${i}`));
  parts.push(...CAFES.map((c) => row(`${c}-2`)));
  return encode(parts.join(''));
}

async function tripIds(): Promise<string[]> {
  return (await ctx.store.query("SELECT trip_id FROM trips WHERE trip_id LIKE 'caf%' ORDER BY trip_id")).map((r) => String(r.trip_id));
}

const expectedIds = [...CAFES.map((c) => `${c}-1`), ...CAFES.map((c) => `${c}-2`)].sort();

describe('a text file is decoded in one encoding, decided for the whole file', () => {
  it('Latin-1 ids that differ in one byte, before and after 64 KiB, are distinct trips', async () => {
    const file = path.join(ctx.dir, 'latin1.csv');
    const bytes = csv((t) => Buffer.from(t, 'latin1'), 2000);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    fs.writeFileSync(file, bytes);
    const report = await ingestFile(ctx.store, file);
    expect(report).toMatchObject({ rowsRead: 2006, rowsStored: 2006, rowsDuplicate: 0, rowsRejected: 0, csvReader: 'javascript' });
    const firstLatin1 = bytes.indexOf(0xe9);
    expect(report.encoding).toEqual({
      name: 'windows-1252',
      how: `detected: byte ${firstLatin1} (0xE9) is not valid UTF-8, so the whole file is read as windows-1252 (Latin-1)`,
    });
    expect(await tripIds()).toEqual(expectedIds);
  });

  it('a Latin-1 byte only after 64 KiB still decides the whole file (gzipped too)', async () => {
    const parts = [HEADER];
    for (let i = 0; i < 2000; i++) parts.push(row(`plain-${i}`));
    parts.push(...CAFES.map((c) => row(`${c}-1`)), ...CAFES.map((c) => row(`${c}-2`)));
    const bytes = Buffer.from(parts.join(''), 'latin1');
    expect(bytes.indexOf(0xe9)).toBeGreaterThan(64 * 1024);
    const file = path.join(ctx.dir, 'late-latin1.csv.gz');
    fs.writeFileSync(file, zlib.gzipSync(bytes));
    const report = await ingestFile(ctx.store, file);
    expect(report.rowsStored).toBe(2006);
    expect(report.encoding?.name).toBe('windows-1252');
    expect(await tripIds()).toEqual(expectedIds);
  });

  it('MDS JSON in Latin-1 keeps the ids distinct too', async () => {
    const trip = (id: string) => ({
      provider_id: 'acme', device_id: 'dev-1', trip_id: id, start_time: 1780300800000, end_time: 1780301400000,
      end_location: { lat: 38.25, lng: -85.75 },
    });
    const trips = [...CAFES.map((c) => trip(`${c}-1`)), ...Array.from({ length: 600 }, (_, i) => trip(`plain-${i}`)), ...CAFES.map((c) => trip(`${c}-2`))];
    const file = path.join(ctx.dir, 'latin1.json');
    fs.writeFileSync(file, Buffer.from(JSON.stringify({ version: '2.0.0', trips }), 'latin1'));
    const report = await ingestFile(ctx.store, file);
    expect(report.rowsStored).toBe(606);
    expect(report.encoding?.name).toBe('windows-1252');
    expect(await tripIds()).toEqual(expectedIds);
  });

  it('a UTF-8 file is read as UTF-8, by DuckDB when big enough, and says so', async () => {
    const file = path.join(ctx.dir, 'utf8.csv');
    fs.writeFileSync(file, csv((t) => Buffer.from(t, 'utf8'), 2000));
    const report = await ingestFile(ctx.store, file);
    expect(report).toMatchObject({ rowsStored: 2006, csvReader: 'duckdb', encoding: { name: 'utf-8', how: 'detected: every byte is valid UTF-8' } });
    expect(await tripIds()).toEqual(expectedIds);
  });

  it('encoding utf-8 refuses a Latin-1 file, naming the byte, and stores nothing', async () => {
    const file = path.join(ctx.dir, 'latin1.csv');
    const bytes = csv((t) => Buffer.from(t, 'latin1'), 10);
    fs.writeFileSync(file, bytes);
    const e = await ingestFile(ctx.store, file, { encoding: 'utf-8' }).then(() => null, (x: unknown) => x);
    expect(isParkzonesError(e, 'BAD_FILE')).toBe(true);
    expect((e as Error).message).toBe(
      `latin1.csv: byte ${bytes.indexOf(0xe9)} (0xE9) is not valid UTF-8, but the encoding utf-8 was asked for (read it as windows-1252 / Latin-1 with encoding windows-1252)`,
    );
    expect(await ctx.store.query('SELECT count(*) AS n FROM trips')).toEqual([{ n: 0n }]);
  });

  it('an encoding given is used as given', async () => {
    const file = path.join(ctx.dir, 'given.csv');
    fs.writeFileSync(file, csv((t) => Buffer.from(t, 'latin1'), 10));
    const report = await ingestFile(ctx.store, file, { encoding: 'latin1' });
    expect(report.encoding).toEqual({ name: 'windows-1252', how: 'given (latin1)' });
    expect(await tripIds()).toEqual(expectedIds);
  });

  it('a binary file is still refused', async () => {
    const file = path.join(ctx.dir, 'noise.csv');
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 256;
    fs.writeFileSync(file, Buffer.concat([Buffer.from('trip_id,x\n'), noise]));
    const e = await ingestFile(ctx.store, file).then(() => null, (x: unknown) => x);
    expect(isParkzonesError(e, 'BAD_FILE')).toBe(true);
    expect((e as Error).message).toMatch(/^noise\.csv: binary content at byte \d+: not a CSV, JSON \(MDS\) or Parquet file$/);
  });

  it('an unknown encoding is a bad option', async () => {
    const file = path.join(ctx.dir, 'x.csv');
    fs.writeFileSync(file, csv((t) => Buffer.from(t, 'utf8'), 1));
    const e = await ingestFile(ctx.store, file, { encoding: 'ebcdic' as never }).then(() => null, (x: unknown) => x);
    expect(isParkzonesError(e, 'BAD_OPTION')).toBe(true);
    expect((e as Error).message).toBe('encoding: must be auto, utf-8, windows-1252, latin1, got "ebcdic"');
  });
});

describe('invalidUtf8Offset', () => {
  const at = (bytes: number[]) => invalidUtf8Offset(Uint8Array.from(bytes));
  it('accepts valid sequences of 1 to 4 bytes', () => {
    expect(at([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x9a, 0xb2])).toBe(10);
  });
  it('finds a lone Latin-1 byte, an overlong, a surrogate, a code point past U+10FFFF and a cut sequence', () => {
    expect(at([0x61, 0xe9, 0x62])).toBe(1);
    expect(at([0xc0, 0x80])).toBe(0);
    expect(at([0x61, 0xed, 0xa0, 0x80])).toBe(1);
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe(0);
    expect(at([0x61, 0x62, 0xe2, 0x82])).toBe(2);
  });
});

describe('POST /api/uploads?encoding=', () => {
  it('answers what was decided, and refuses a Latin-1 body asked to be UTF-8 with 400 naming the byte', async () => {
    const { startTestServer, api } = await import('./server-helpers.ts');
    const t = await startTestServer({ operator: 'acme', otherOperator: 'bird' });
    try {
      const bytes = csv((x) => Buffer.from(x, 'latin1'), 10);
      const refused = await api(t, '/api/uploads?filename=l.csv&encoding=utf-8', { key: t.keys.admin, body: new Uint8Array(bytes), headers: { 'Content-Type': 'text/csv' } });
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ code: 'BAD_FILE', position: bytes.indexOf(0xe9) });
      const stored = await api(t, '/api/uploads?filename=l.csv', { key: t.keys.admin, body: new Uint8Array(bytes), headers: { 'Content-Type': 'text/csv' } });
      expect(stored.status).toBe(201);
      expect(stored.json).toMatchObject({ rowsStored: 16, encoding: { name: 'windows-1252' } });
      const bad = await api(t, '/api/uploads?encoding=koi8', { key: t.keys.admin, body: new Uint8Array(bytes), headers: { 'Content-Type': 'text/csv' } });
      expect(bad.status).toBe(400);
    } finally {
      await t.close();
    }
  }, 60_000);
});
