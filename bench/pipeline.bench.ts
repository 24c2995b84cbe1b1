/**
 * Binning pipeline: N trip ends in a Parquet file → demand cells at resolution 10 with 24-hour profiles, through the
 * same SQL the engine runs (demandCellsSql over read_parquet), with our `h3_cell` kernel, and — as the store bins
 * since schema 2 — on a stored `end_cell_10` column (the cell computed once, at ingest). Baseline, same run: that SQL
 * with a scalar function calling h3-js's public latLngToCell (string ids) instead. Data is built in SQL with range()
 * and a seeded hash, so every run bins the same points.
 * Run: `node bin/run-ts.mjs bench/pipeline.bench.ts` (BENCH_PIPELINE_SIZES=1e6,1e7,4e7 to set the sizes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, demandCellsSql, type Store } from '../engine/index.ts';
import { registerH3jsBaseline } from './h3js-baseline.ts';
import { formatRows, isMain, machine, time, type BenchRow } from './bench-util.ts';

/** Writes `n` trip ends spread over a 12 × 12 km city with hotspots, as Parquet, in SQL. */
async function writePoints(store: Store, n: number, file: string): Promise<void> {
  await store.run(`
    COPY (
      SELECT 'p' || (i % 3) AS provider_id, i::VARCHAR AS trip_id, 'd' || (i % 20000) AS device_id,
             TIMESTAMPTZ '2026-06-01 00:00:00+00' + to_seconds((hash(i, 1) % 2592000)::BIGINT) AS start_time,
             TIMESTAMPTZ '2026-06-01 00:00:00+00' + to_seconds((hash(i, 1) % 2592000)::BIGINT + 600) AS end_time,
             38.25 + CASE WHEN hash(i, 2) % 10 < 6 THEN ((hash(i, 3) % 12)::DOUBLE - 6) * 0.009 + ((hash(i, 4) % 1000)::DOUBLE / 1000 - 0.5) * 0.001
                          ELSE ((hash(i, 4) % 1000000)::DOUBLE / 1000000 - 0.5) * 0.11 END AS end_lat,
             -85.75 + CASE WHEN hash(i, 2) % 10 < 6 THEN ((hash(i, 5) % 12)::DOUBLE - 6) * 0.011 + ((hash(i, 6) % 1000)::DOUBLE / 1000 - 0.5) * 0.0013
                          ELSE ((hash(i, 6) % 1000000)::DOUBLE / 1000000 - 0.5) * 0.14 END AS end_lng
      FROM range(${n}) t(i)
    ) TO '${file}' (FORMAT parquet)`);
}


/** Runs the pipeline benchmark at each size; the baseline runs at sizes up to `baselineMax` trips. */
export async function runPipelineBench(options: { sizes?: number[]; baselineMax?: number } = {}): Promise<BenchRow[]> {
  const sizes = options.sizes ?? (process.env.BENCH_PIPELINE_SIZES ?? '1e6,1e7').split(',').map(Number);
  const baselineMax = options.baselineMax ?? 1e7;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-pipeline-'));
  const store = await openStore({ path: ':memory:', memoryLimit: '4GB' });
  const rows: BenchRow[] = [];
  try {
    registerH3jsBaseline(store);
    for (const n of sizes) {
      const file = path.join(dir, `ends-${n}.parquet`);
      await writePoints(store, n, file);
      const src = `read_parquet('${file}')`;
      for (const distinct of [false, true]) {
        const sql = demandCellsSql({ source: src, distinct });
        const params = { res: 10 };
        const quick = n >= 2e7;
        const ours = await time(async () => (await store.conn.runAndReadAll(sql, params)).currentRowCount, quick ? 1 : 3, quick ? 0 : 1);
        let base: number | undefined;
        if (n <= baselineMax) {
          const b = await time(async () => (await store.conn.runAndReadAll(sql.replace('h3_cell(', 'h3_cell_h3js('), params)).currentRowCount, 1, 0);
          if (b.sink !== ours.sink) throw new Error(`baseline found ${b.sink} cells, the kernel ${ours.sink}`);
          base = b.medianMs / 1000;
        }
        const s = ours.medianMs / 1000;
        const target = n === 1e7 && !distinct;
        rows.push({
          name: `pipeline: ${(n / 1e6).toFixed(0)} M trip ends (Parquet) → ${ours.sink} cells at res 10, profiles${distinct ? ' + distinct devices and days' : ''}`,
          value: s,
          unit: 's',
          baseline: base,
          ratio: base === undefined ? undefined : base / s,
          target: target ? '≤ 3.5 s, ≥ 10× baseline' : undefined,
          met: target ? s <= 3.5 && base !== undefined && base / s >= 10 : undefined,
          note: `median of ${ours.runs} (${ours.minMs.toFixed(0)}–${ours.maxMs.toFixed(0)} ms)`,
        });
      }
      // The store's way since schema 2: the cell was computed at ingest and is a column of a DuckDB table (as
      // `trips.end_cell_10`); binning is a GROUP BY on it.
      await store.run(`CREATE OR REPLACE TABLE stored_ends AS SELECT *, h3_cell(end_lat, end_lng, 10) AS end_cell_10 FROM read_parquet('${file}')`);
      const sql = demandCellsSql({ source: 'stored_ends', distinct: false, cell: 'end_cell_10' });
      const quick = n >= 2e7;
      const ours = await time(async () => (await store.conn.runAndReadAll(sql)).currentRowCount, quick ? 1 : 3, quick ? 0 : 1);
      const base = n <= baselineMax ? rows.find((r) => r.name.startsWith(`pipeline: ${(n / 1e6).toFixed(0)} M trip ends (Parquet)`) && !r.name.includes('distinct'))?.baseline : undefined;
      const sec = ours.medianMs / 1000;
      rows.push({
        name: `pipeline: ${(n / 1e6).toFixed(0)} M stored trip ends (cell column of a table) → ${ours.sink} cells at res 10, profiles`,
        value: sec,
        unit: 's',
        baseline: base,
        ratio: base === undefined ? undefined : base / sec,
        target: n === 1e7 ? '≥ 30× the h3-js scalar baseline' : undefined,
        met: n === 1e7 ? base !== undefined && base / sec >= 30 : undefined,
        note: `median of ${ours.runs} (${ours.minMs.toFixed(0)}–${ours.maxMs.toFixed(0)} ms); baseline: the h3-js scalar over the points, as above`,
      });
      fs.rmSync(file);
      await store.run('DROP TABLE stored_ends');
    }
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (isMain(import.meta.url)) {
  console.log(machine());
  console.log(formatRows(await runPipelineBench()));
}
