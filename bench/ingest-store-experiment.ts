/**
 * What storing a million trips costs, piece by piece, in one DuckDB file (no ingest code: the ingest's INSERT
 * taken apart). From a temporary table of generated trips in the ingest's staging columns, each variant inserts
 * every row into a fresh table in a transaction and commits, three times (median), in the same process:
 * - VARCHAR ids without cell columns; with six `h3_cell` calls; with one `h3_stored_cells` call (the ingest now);
 *   with the cells computed beforehand, untimed (what storing the six columns costs by itself);
 * - `trip_id` and `device_id` as DuckDB's UUID type (a schema change: measured here only, not done);
 * - the anti-join against a table of BENCH_STORE_EXPERIMENT_STORED other trips (default 3 M): exact on the text
 *   keys, or through the hash probe the ingest now uses (engine/ingest/staging.ts).
 * Run: `node bin/run-ts.mjs bench/ingest-store-experiment.ts` (BENCH_STORE_EXPERIMENT_TRIPS, default 1 M).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { openStore } from '../engine/store/open-store.ts';
import { cellColumnNames, cellColumnsDdl, cellFieldsSql, cellValuesSql, withStoredCellsSql } from '../engine/store/cell-columns.ts';
import { INGEST_MEMORY_LIMIT } from '../engine/cli/cmd-ingest.ts';
import { isMain, machine } from './bench-util.ts';

const BASE_COLUMNS = `provider_id VARCHAR NOT NULL, trip_id VARCHAR NOT NULL, device_id VARCHAR, vehicle_type VARCHAR, trip_type VARCHAR,
  start_time TIMESTAMPTZ NOT NULL, end_time TIMESTAMPTZ NOT NULL, start_lat DOUBLE, start_lng DOUBLE, end_lat DOUBLE NOT NULL,
  end_lng DOUBLE NOT NULL, distance_m DOUBLE, duration_s DOUBLE, upload_id BIGINT NOT NULL`;
const VALUES = `provider_id, trip_id, device_id, vehicle_type, NULL, make_timestamptz((start_ms * 1000)::BIGINT),
  make_timestamptz((end_ms * 1000)::BIGINT), start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, 1`;

/** Runs the experiment and returns its table as Markdown. */
export async function runStoreExperiment(): Promise<string> {
  const trips = Number(process.env.BENCH_STORE_EXPERIMENT_TRIPS ?? 1_000_000);
  const storedTrips = Number(process.env.BENCH_STORE_EXPERIMENT_STORED ?? 3_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-store-'));
  const out: [string, number[]][] = [];
  try {
    const up = path.join(dir, 'up.parquet');
    const old = path.join(dir, 'old.parquet');
    await writeTrips(generateCity({ trips, seed: 42, days: 30 }).trips(), up, { format: 'parquet' });
    await writeTrips(generateCity({ trips: storedTrips, seed: 7, days: 30 }).trips(), old, { format: 'parquet' });
    const store = await openStore({ path: path.join(dir, 'x.duckdb'), memoryLimit: INGEST_MEMORY_LIMIT });
    const conn = await store.connect();
    const staged = (file: string) => `SELECT provider_id, trip_id, device_id, vehicle_type, epoch_ms(start_time)::DOUBLE AS start_ms,
      epoch_ms(end_time)::DOUBLE AS end_ms, start_lat, start_lng, end_lat, end_lng, distance_m, duration_s FROM read_parquet('${file}')`;
    await conn.run(`CREATE TEMP TABLE stage AS ${staged(up)}`);
    // The cells computed beforehand (untimed): what storing six UBIGINT columns costs by itself.
    await conn.run(`CREATE TEMP TABLE stage_cells AS SELECT * EXCLUDE (c), ${cellFieldsSql('c').join(', ')} FROM (${withStoredCellsSql('temp.stage', 'c')})`);
    await conn.run(`CREATE TABLE old_trips (${BASE_COLUMNS}, ${cellColumnsDdl()})`);
    await conn.run(`INSERT INTO old_trips SELECT ${VALUES}, ${cellValuesSql().map(() => 'NULL').join(', ')} FROM (${staged(old)})`);
    await conn.run('CHECKPOINT');
    const uuidColumns = BASE_COLUMNS.replace('trip_id VARCHAR', 'trip_id UUID').replace('device_id VARCHAR', 'device_id UUID');
    const withCells = `${BASE_COLUMNS}, ${cellColumnsDdl()}`;
    const now = (from: string) => `SELECT ${VALUES}, ${cellFieldsSql('c').join(', ')} FROM (${withStoredCellsSql(from, 'c')})`;
    const variants: [string, string, string][] = [
      ['VARCHAR ids, no cell columns', BASE_COLUMNS, `SELECT ${VALUES} FROM temp.stage`],
      ['VARCHAR ids, cells by six `h3_cell` calls (the ingest before)', withCells, `SELECT ${VALUES}, ${cellValuesSql().join(', ')} FROM temp.stage`],
      ['VARCHAR ids, cells by one `h3_stored_cells` call (the ingest now)', withCells, now('temp.stage')],
      ['VARCHAR ids, cells computed beforehand (storing six UBIGINT columns only)', withCells, `SELECT ${VALUES}, ${cellColumnNames().join(', ')} FROM temp.stage_cells`],
      ['UUID `trip_id` and `device_id`, no cell columns (a schema change: not done)', uuidColumns, `SELECT ${VALUES} FROM temp.stage`],
      ['as now, plus the exact anti-join against the stored trips (before)', withCells,
        now('(SELECT g.* FROM temp.stage g ANTI JOIN old_trips t ON t.provider_id = g.provider_id AND t.trip_id = g.trip_id)')],
      ['as now, plus the anti-join through the hash probe (now)', withCells,
        now(`(SELECT g.* FROM temp.stage g ANTI JOIN (SELECT provider_id, trip_id FROM old_trips
          WHERE hash(provider_id, trip_id) IN (SELECT hash(provider_id, trip_id) FROM temp.stage)) t ON t.provider_id = g.provider_id AND t.trip_id = g.trip_id)`)],
    ];
    for (const [label, ddl, select] of variants) {
      const ms: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        await conn.run(`CREATE TABLE t (${ddl})`);
        await conn.run('CHECKPOINT');
        const t = performance.now();
        await conn.run('BEGIN TRANSACTION');
        await conn.run(`INSERT INTO t ${select}`);
        await conn.run('COMMIT');
        ms.push(performance.now() - t);
        await conn.run('DROP TABLE t');
      }
      out.push([label, ms.sort((a, b) => a - b)]);
    }
    conn.closeSync();
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lines = ['| insert + commit of the upload | median ms | spread | ÷ first row |', '| --- | ---: | ---: | ---: |'];
  const base = out[0]![1][1]!;
  for (const [label, ms] of out) lines.push(`| ${label} | ${ms[1]!.toFixed(0)} | ${ms[0]!.toFixed(0)}–${ms[2]!.toFixed(0)} | ${(ms[1]! / base).toFixed(2)} |`);
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  return `${machine()}; ${(trips / 1e6).toFixed(2)} M trips inserted, ${(storedTrips / 1e6).toFixed(1)} M stored; load average ${load}\n\n${lines.join('\n')}`;
}

if (isMain(import.meta.url)) console.log(await runStoreExperiment());
