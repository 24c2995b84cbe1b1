import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it, expect, afterAll } from 'vitest';
import { latLngToCell, cellToLatLng } from 'h3-js';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempDir } from './helpers/temp-store.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const env = { ...process.env, PARKZONES_DB: path.join(dir, 'cli.duckdb') };

/** Runs `parkzones ARGS` and returns its exit code and output (never throws on a non-zero exit). */
async function parkzones(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('parkzones CLI', () => {
  const trips = path.join(dir, 'city.json');
  it('generate writes a seeded file and says what it planted', async () => {
    const r = await parkzones('generate', '--trips', '3000', '--seed', '4', '--format', 'mds2', '--out', trips, '--bad', '0.03');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote 3000 trips \(mds2\) to .*city\.json; bad rows: \{"lat_out_of_range":\d+/);
    expect(fs.statSync(trips).size).toBeGreaterThan(100_000);
  });

  it('ingest prints read/stored/duplicate/rejected and the first rejects', async () => {
    const r = await parkzones('ingest', trips);
    expect(r.code).toBe(0);
    const m = /read (\d+), stored (\d+), duplicate (\d+), rejected (\d+)/.exec(r.stdout)!;
    const [read, stored, dup, rej] = m.slice(1).map(Number);
    expect(read).toBe(3000);
    expect(stored! + dup! + rej!).toBe(3000);
    expect(rej).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/first rejects \(row, field: reason\):\n {4}row \d+, \w+: /);
    expect(r.stderr).toMatch(/ingest .*city\.json 100%/);
  });

  it('ingest limits DuckDB to 512 MB unless PARKZONES_MEMORY_LIMIT says otherwise, and says so', async () => {
    const rest: NodeJS.ProcessEnv = { ...env };
    delete rest.PARKZONES_MEMORY_LIMIT;
    const small = path.join(dir, 'small.csv');
    fs.writeFileSync(small, 'trip_id,provider_id,start_time,end_time,end_lat,end_lng\nt1,p,2026-06-01T09:50:00Z,2026-06-01T10:00:00Z,38.25,-85.75\n');
    const byDefault = await run(process.execPath, [BIN, 'ingest', small], { env: { ...rest, PARKZONES_DB: path.join(dir, 'mem1.duckdb') } });
    expect(byDefault.stdout).toMatch(/\(DuckDB memory limit 488\.2 MiB\)/); // 512 MB
    const set = await run(process.execPath, [BIN, 'ingest', small], {
      env: { ...rest, PARKZONES_DB: path.join(dir, 'mem2.duckdb'), PARKZONES_MEMORY_LIMIT: '2GB' },
    });
    expect(set.stdout).toMatch(/\(DuckDB memory limit 1\.8 GiB\)/); // 2 GB
  });

  it('cells limits DuckDB to 512 MB unless PARKZONES_MEMORY_LIMIT says otherwise, and says so', async () => {
    const rest: NodeJS.ProcessEnv = { ...env };
    delete rest.PARKZONES_MEMORY_LIMIT;
    const out = path.join(dir, 'mem-cells.csv');
    const byDefault = await run(process.execPath, [BIN, 'cells', '--res', '9', '--out', out], { env: rest });
    expect(byDefault.stdout).toMatch(/wrote \d+ cells .*\(DuckDB memory limit 488\.2 MiB\)/); // 512 MB
    const set = await run(process.execPath, [BIN, 'cells', '--res', '9', '--out', out], { env: { ...rest, PARKZONES_MEMORY_LIMIT: '2GB' } });
    expect(set.stdout).toMatch(/\(DuckDB memory limit 1\.8 GiB\)/); // 2 GB
  });

  it('ingest of the same file again stores nothing and says so', async () => {
    const r = await parkzones('ingest', trips);
    expect(r.stdout).toMatch(/stored 0, duplicate \d+/);
    expect(r.stdout).toContain('the same file as upload 1: nothing new stored');
  });

  it('cells writes GeoJSON whose cell ids and hexagons match h3-js', async () => {
    const out = path.join(dir, 'cells.geojson');
    const r = await parkzones('cells', '--res', '10', '--out', out);
    expect(r.code).toBe(0);
    const fc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(fc.features.length).toBeGreaterThan(100);
    for (const f of fc.features.slice(0, 200)) {
      const [lat, lng] = cellToLatLng(f.properties.cell);
      expect(latLngToCell(lat, lng, 10)).toBe(f.properties.cell);
      expect(f.geometry.type).toBe('Polygon');
      expect(f.properties.profile).toHaveLength(24);
      expect(f.properties.profile.reduce((a: number, b: number) => a + b, 0)).toBe(f.properties.trips);
      expect(f.properties.parked_peak).toBeGreaterThanOrEqual(f.properties.parked_p85);
    }
  });

  it('cells writes CSV and Parquet with hex ids (and the 64-bit id in Parquet)', async () => {
    const csv = path.join(dir, 'cells.csv');
    const pq = path.join(dir, 'cells.parquet');
    expect((await parkzones('cells', '--res', '9', '--out', csv, '--days', 'weekday')).code).toBe(0);
    expect((await parkzones('cells', '--res', '9', '--out', pq, '--days', 'weekday')).code).toBe(0);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('cell,lat,lng,trips,devices,days,weekday_trips,median_parked_s,parked_peak,parked_p85,' + Array.from({ length: 24 }, (_, h) => `h${h}`).join(','));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(`SELECT cell, cell_id, trips FROM read_parquet('${pq}') ORDER BY cell_id`)).getRowObjectsJS();
    expect(rows).toHaveLength(lines.length - 1);
    for (const r of rows) expect((r.cell_id as bigint).toString(16)).toBe(r.cell);
    conn.closeSync();
    db.closeSync();
  });

  it.each([
    [['cells', '--res', '20', '--out', 'x.csv'], 2, /res: H3 resolution must be a whole number 7–12, got 20/],
    [['cells', '--res', '10', '--out', 'x.txt'], 2, /--out: the file must end in \.geojson, \.csv or \.parquet/],
    [['cells', '--bogus'], 2, /Unknown option '--bogus'/],
    [['ingest'], 2, /no file given/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['generate', '--trips', 'many', '--out', 'x.csv'], 2, /--trips: not a number: "many"/],
  ])('exits %# with a clear message on bad options', async (args, code, message) => {
    const r = await parkzones(...(args as string[]));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('exits 3 for a file it cannot read, naming it', async () => {
    const bad = path.join(dir, 'junk.json');
    fs.writeFileSync(bad, '{"trips": [ {"a": ');
    const r = await parkzones('ingest', bad);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/junk\.json: the JSON ends early/);
  });

  it('exits 6 when every row of a file was rejected, and counts the rejects by reason; a placeholder date is called that', async () => {
    const file = path.resolve(import.meta.dirname, '../fixtures/small/all-rejected.csv');
    const r = await parkzones('ingest', file, '--provider', 'nyc', '--tz', 'America/New_York');
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/read 5, stored 0, duplicate 0, rejected 5/);
    expect(r.stdout).toMatch(/warning: nothing was stored: every one of the 5 rows was rejected \(most: 3 × start_time: a placeholder date, not a time\)/);
    expect(r.stdout).toMatch(/3 × start_time: a placeholder date, not a time \(row 1: a placeholder date, not a time: 1970-01-01 00:00:00 UTC is the epoch \(31 Dec 1969 \/ 1 Jan 1970 local\)/);
    expect(r.stdout).toMatch(/1 × start_time: looks like seconds, not milliseconds, since 1970 \(row 4: /);
    expect(r.stdout).toMatch(/1 × end_time: before start_time \(row 5: before start_time\)/);
    const help = await parkzones('ingest', '--help');
    expect(help.stdout).toMatch(/6 a file was read but every one of its rows was rejected/);
  });

  it.each(['generate', 'ingest', 'cells'])('%s --help explains the command', async (cmd) => {
    const r = await parkzones(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^parkzones ${cmd} — `));
  });
});
