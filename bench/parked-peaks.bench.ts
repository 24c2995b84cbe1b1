/**
 * Parked-vehicle peaks per demand cell (what `parkzones cells` asks: each res-10 cell its own group) over N trips
 * spread over D days: the sweep the engine runs (engine/bin `parkedPeaks`) against the query it replaced, which
 * cross-joined every group with every day (test/helpers/parked-peaks-reference.ts), in the same run, on the same
 * store; the two must give the same figures. Trips are made in SQL (devices riding in turn, ends at hotspots).
 * Run: `node bin/run-ts.mjs bench/parked-peaks.bench.ts` (BENCH_PARKED_TRIPS=1e6, BENCH_PARKED_DAYS=365).
 */
import { openStore, demandCells, parkedPeaks, type Store } from '../engine/index.ts';
import { cellColumnNames, cellValuesSql } from '../engine/store/cell-columns.ts';
import { recomputeNextStarts } from '../engine/store/next-start.ts';
import { parkedPeaksReference } from '../test/helpers/parked-peaks-reference.ts';
import { formatRows, isMain, machine, time, type BenchRow } from './bench-util.ts';

/** Stores `n` trips over `days` days: 5,000 devices, each riding every (days / trips-per-device) on average. */
async function writeTrips(store: Store, n: number, days: number): Promise<void> {
  const devices = 5000;
  const gap = Math.floor((days * 86400) / Math.ceil(n / devices));
  await store.run(`
    CREATE OR REPLACE TEMP TABLE gen AS
    SELECT 'p' || (i % 3) AS provider_id, i::VARCHAR AS trip_id, 'd' || (i % ${devices}) AS device_id,
           TIMESTAMPTZ '2025-06-01 00:00:00+00' + to_seconds((i // ${devices}) * ${gap} + (hash(i, 1) % ${gap})::BIGINT) AS start_time,
           38.25 + CASE WHEN hash(i, 2) % 10 < 6 THEN ((hash(i, 3) % 12)::DOUBLE - 6) * 0.009 + ((hash(i, 4) % 1000)::DOUBLE / 1000 - 0.5) * 0.001
                        ELSE ((hash(i, 4) % 1000000)::DOUBLE / 1000000 - 0.5) * 0.11 END AS end_lat,
           -85.75 + CASE WHEN hash(i, 2) % 10 < 6 THEN ((hash(i, 5) % 12)::DOUBLE - 6) * 0.011 + ((hash(i, 6) % 1000)::DOUBLE / 1000 - 0.5) * 0.0013
                         ELSE ((hash(i, 6) % 1000000)::DOUBLE / 1000000 - 0.5) * 0.14 END AS end_lng
    FROM range(${n}) t(i)`);
  await store.run(`
    INSERT INTO trips (provider_id, trip_id, device_id, start_time, end_time, end_lat, end_lng, upload_id, ${cellColumnNames().join(', ')})
    SELECT provider_id, trip_id, device_id, start_time, start_time + INTERVAL 12 MINUTE, end_lat, end_lng, 1, ${cellValuesSql().join(', ')} FROM temp.gen`);
  await store.run('DROP TABLE temp.gen');
}

/** Runs the parked-peaks benchmark. */
export async function runParkedPeaksBench(options: { trips?: number; days?: number } = {}): Promise<BenchRow[]> {
  const n = options.trips ?? Number(process.env.BENCH_PARKED_TRIPS ?? 1e6);
  const days = options.days ?? Number(process.env.BENCH_PARKED_DAYS ?? 365);
  const store = await openStore({ path: ':memory:', memoryLimit: '4GB' });
  try {
    await writeTrips(store, n, days);
    await recomputeNextStarts(store.conn); // as an upload leaves them: the sweep reads the stored next starts
    const d = await demandCells(store, { res: 10, parkedTime: false, distinct: false });
    const groups = new Int32Array(d.count);
    for (let i = 0; i < d.count; i++) groups[i] = i;
    const opts = { res: 10, cells: d.cell, groups, groupCount: d.count };
    const rssBefore = process.memoryUsage().rss;
    const sweep = await time(() => parkedPeaks(store, opts), 3, 1);
    const old = await time(() => parkedPeaksReference(store, opts), 1, 0);
    const a = sweep.sink as Awaited<ReturnType<typeof parkedPeaks>>;
    const b = old.sink as Awaited<ReturnType<typeof parkedPeaks>>;
    for (let i = 0; i < d.count; i++) {
      if (a.peak[i] !== b.peak[i] || a.percentilePeak[i] !== b.percentilePeak[i]) throw new Error(`cell ${i}: sweep ${a.peak[i]}/${a.percentilePeak[i]}, reference ${b.peak[i]}/${b.percentilePeak[i]}`);
    }
    const s = sweep.medianMs / 1000;
    const base = old.medianMs / 1000;
    return [
      {
        name: `parked peaks: ${(n / 1e6).toPrecision(3)} M trips over ${a.days} days → ${d.count} res-10 cells (p85 of daily highs, 15-min slots), sweep vs cells × days cross-join`,
        value: s,
        unit: 's',
        baseline: base,
        ratio: base / s,
        note: `sweep median of ${sweep.runs} (${sweep.minMs.toFixed(0)}–${sweep.maxMs.toFixed(0)} ms), cross-join 1 run; same figures for every cell; RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MB`,
      },
    ];
  } finally {
    store.close();
  }
}

if (isMain(import.meta.url)) {
  console.log(machine());
  console.log(formatRows(await runParkedPeaksBench()));
}
