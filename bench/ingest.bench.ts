/**
 * Ingest throughput and peak memory per input format: `parkzones ingest` in a child process under /usr/bin/time -v,
 * on a generated file of about BENCH_INGEST_MB megabytes (default 256; the issue's figure is for 2048).
 * Baseline, same run: DuckDB's own reader counting the rows of the same file (the floor any ingest stands on).
 * With BENCH_INGEST_COMPARE=DIR (another checkout of parkzones, e.g. an older commit with node_modules), the same file
 * is also ingested by DIR's `parkzones`, right after this checkout's, and its row says how much faster this one is.
 * Run: `node bin/run-ts.mjs bench/ingest.bench.ts`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateCity, writeTrips, type TripFileFormat } from '../fixtures/index.ts';
import { formatRows, isMain, machine, type BenchRow } from './bench-util.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
const BYTES_PER_TRIP: Record<string, number> = { mds2: 362, csv: 234, parquet: 52 };
// The targets of issue 16 (2 GB inputs, this 2-core machine).
const TARGET: Record<string, number> = { mds2: 0.5e6, csv: 1e6, parquet: 3e6 };
const READER: Record<string, string> = { mds2: 'read_json', csv: 'read_csv', parquet: 'read_parquet' };

/** Runs the ingest benchmark for MDS 2.0 JSON, CSV and Parquet. */
export async function runIngestBench(options: { megabytes?: number } = {}): Promise<BenchRow[]> {
  const mb = options.megabytes ?? Number(process.env.BENCH_INGEST_MB ?? 256);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-ingest-'));
  const rows: BenchRow[] = [];
  try {
    for (const format of ['mds2', 'csv', 'parquet'] as TripFileFormat[]) {
      const trips = Math.round((mb * 2 ** 20) / BYTES_PER_TRIP[format]!);
      const file = path.join(dir, `trips.${format}`);
      await writeTrips(generateCity({ trips, seed: 42, days: 30 }).trips(), file, { format });
      const size = fs.statSync(file).size;
      const baselineS = await duckdbReadSeconds(file, format);
      const mine = await ingestOnce(BIN, file, path.join(dir, `${format}.duckdb`), trips);
      const splitBy = /\(read by (\w+)\)/.exec(mine.stdout);
      const rate = trips / mine.wallS;
      rows.push({
        name: `ingest ${format} (${(size / 2 ** 20).toFixed(0)} MB, ${(trips / 1e6).toFixed(2)} M trips)`,
        value: rate / 1e6,
        unit: 'M trips/s',
        baseline: trips / baselineS / 1e6,
        ratio: baselineS / mine.wallS,
        target: `≥ ${TARGET[format]! / 1e6} M/s, RSS ≤ 1 GB`,
        met: rate >= TARGET[format]! && mine.rssKb <= 2 ** 20,
        note: `peak RSS ${(mine.rssKb / 1024).toFixed(0)} MB, CPU ${mine.cpuS.toFixed(1)} s; baseline = DuckDB ${READER[format]} scan${splitBy ? `; split by ${splitBy[1]}` : ''}${process.env.PARKZONES_MEMORY_LIMIT ? `; PARKZONES_MEMORY_LIMIT=${process.env.PARKZONES_MEMORY_LIMIT}` : ''}; load average ${os.loadavg()[0]!.toFixed(1)}`,
      });
      const other = process.env.BENCH_INGEST_COMPARE;
      if (other) {
        const theirs = await ingestOnce(path.resolve(other, 'bin/parkzones.mjs'), file, path.join(dir, `${format}-compare.duckdb`), trips);
        rows.push({
          name: `ingest ${format}, by ${path.basename(other)} (same file)`,
          value: trips / theirs.wallS / 1e6,
          unit: 'M trips/s',
          baseline: rate / 1e6,
          ratio: theirs.wallS / mine.wallS,
          note: `peak RSS ${(theirs.rssKb / 1024).toFixed(0)} MB, CPU ${theirs.cpuS.toFixed(1)} s; baseline = this checkout, ratio = how much faster this checkout is`,
        });
      }
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** One `parkzones ingest` of `file` into a new store `db` by the checkout of `bin`, under /usr/bin/time -v. */
async function ingestOnce(bin: string, file: string, db: string, trips: number): Promise<{ wallS: number; rssKb: number; cpuS: number; stdout: string }> {
  const t = performance.now();
  const { stderr, stdout } = await run('/usr/bin/time', ['-v', process.execPath, '--max-semi-space-size=64', bin, 'ingest', file], {
    env: { ...process.env, PARKZONES_DB: db },
    maxBuffer: 1 << 26,
  });
  const wallS = (performance.now() - t) / 1000;
  if (!stdout.includes(`read ${trips}, stored ${trips}`)) throw new Error(`ingest did not store every row: ${stdout}`);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
  const cpu = (k: string) => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
  fs.rmSync(db, { force: true });
  fs.rmSync(`${db}.wal`, { force: true });
  return { wallS, rssKb, cpuS: cpu('User') + cpu('System'), stdout };
}

async function duckdbReadSeconds(file: string, format: string): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const src = format === 'mds2' ? `read_json('${file}', format = 'auto', maximum_object_size = 2147483647)` : `${READER[format]}('${file}')`;
    // Sum a column so the reader decodes every row (a bare count(*) of Parquet reads only the footer).
    const what = format === 'mds2' ? 'count(*)' : 'count(*), sum(end_lat)';
    const t = performance.now();
    await conn.runAndReadAll(`SELECT ${what} FROM ${src}`);
    return (performance.now() - t) / 1000;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

if (isMain(import.meta.url)) {
  console.log(machine());
  console.log(formatRows(await runIngestBench()));
}
