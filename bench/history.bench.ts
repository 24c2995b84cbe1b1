/**
 * A city's whole history (issue 16), whole processes as a user runs them: `parkzones cells --res 10` (every column,
 * parked peaks) and `parkzones propose` (defaults) on
 * - 1.1 M trips over 3 years, made by the seeded generator, written as Parquet and ingested with `ingestFile`;
 * - 10 M trips over a year (and 40 M with BENCH_HISTORY_40M=1), made in SQL (devices riding in turn, ends around
 *   hotspots) and stored with their cells and next starts, as the ingest stores them.
 * Baseline in the same run: `parkzones runs list` on the same store, the floor every command pays (process start,
 * DuckDB's open and the store's check); the ratio says how many floors a command takes. Peak RSS from GNU time.
 * Stores are kept in $TMPDIR/parkzones-bench-history/ between runs (delete it to rebuild them).
 * Run: `node bin/run-ts.mjs bench/history.bench.ts` (BENCH_HISTORY_SIZES=1.1e6,1e7; BENCH_HISTORY_40M=1 adds 4e7).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openStore, ingestFile, type Store } from '../engine/index.ts';
import { cellColumnNames, cellFieldsSql } from '../engine/store/cell-columns.ts';
import { recomputeNextStarts } from '../engine/store/next-start.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { formatRows, isMain, machine, type BenchRow } from './bench-util.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'parkzones.mjs');
const CACHE = path.join(os.tmpdir(), 'parkzones-bench-history');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** The 1.1 M-trip store: the generator's city over 3 years as Parquet, ingested as a user would. */
async function generatedStore(file: string, trips: number): Promise<void> {
  const parquet = path.join(CACHE, `generated-${trips}.parquet`);
  if (!fs.existsSync(parquet)) {
    await writeTrips(generateCity({ trips, days: 1095, seed: 5, startDate: '2023-06-01' }).trips(), `${parquet}.part`, { format: 'parquet' });
    fs.renameSync(`${parquet}.part`, parquet);
  }
  const store = await openStore({ path: `${file}.part` });
  try {
    await ingestFile(store, parquet);
  } finally {
    store.close();
  }
}

/** A store of `n` trips over `days` days made in SQL: 3 providers, n / 4 devices, ends around 400 hotspots. */
async function sqlStore(file: string, n: number, days: number): Promise<void> {
  const store: Store = await openStore({ path: `${file}.part`, memoryLimit: '8GB' });
  try {
    const devices = Math.max(1000, Math.round(n / 400));
    const perDevice = Math.ceil(n / devices);
    const gap = Math.floor((days * 86400) / perDevice);
    await store.run('BEGIN TRANSACTION');
    // Batches of 5 M keep the cell computation's memory small.
    for (let from = 0; from < n; from += 5_000_000) {
      const to = Math.min(n, from + 5_000_000);
      await store.run(`
        INSERT INTO trips (provider_id, trip_id, device_id, start_time, end_time, start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, upload_id, ${cellColumnNames().join(', ')})
        SELECT provider_id, trip_id, device_id, start_time, start_time + INTERVAL 11 MINUTE, end_lat - 0.004, end_lng + 0.003, end_lat, end_lng, 1200, 660, 1, ${cellFieldsSql('cells').join(', ')}
        FROM (SELECT *, h3_stored_cells(end_lat, end_lng) AS cells FROM (
          SELECT 'provider-' || (i % 3) AS provider_id, 'trip-' || i AS trip_id, 'device-' || (i % ${devices}) AS device_id,
                 TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds((i // ${devices}) * ${gap} + (hash(i, 1) % ${gap})::BIGINT) AS start_time,
                 45.515 + CASE WHEN hash(i, 2) % 10 < 7 THEN ((hash(i, 3) % 20)::DOUBLE - 10) * 0.0025 + ((hash(i, 4) % 1000)::DOUBLE / 1000 - 0.5) * 0.0009
                               ELSE ((hash(i, 4) % 1000000)::DOUBLE / 1000000 - 0.5) * 0.09 END AS end_lat,
                 -122.68 + CASE WHEN hash(i, 2) % 10 < 7 THEN ((hash(i, 5) % 20)::DOUBLE - 10) * 0.0035 + ((hash(i, 6) % 1000)::DOUBLE / 1000 - 0.5) * 0.0012
                                ELSE ((hash(i, 6) % 1000000)::DOUBLE / 1000000 - 0.5) * 0.12 END AS end_lng
          FROM range(${from}, ${to}) t(i)
        ))`);
    }
    await store.run(
      `INSERT INTO uploads VALUES (1, NULL, 'bench-sql', 'sql', 'bench', now(), ${n}, ${n}, 0, 0, 'stored', '[]', '{}')`,
    );
    await recomputeNextStarts(store.conn);
    await store.run('COMMIT');
  } finally {
    store.close();
  }
}

/** The store for `n` trips over `days` days, built once and kept in the cache folder. */
async function storeFor(n: number, days: number): Promise<string> {
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `history-${n}-${days}.duckdb`);
  if (fs.existsSync(file)) return file;
  for (const f of [`${file}.part`, `${file}.part.wal`]) fs.rmSync(f, { force: true });
  if (n <= 2_000_000) await generatedStore(file, n);
  else await sqlStore(file, n, days);
  fs.renameSync(`${file}.part`, file);
  return file;
}

interface Run {
  wallMs: number;
  rssMb: number | null;
}

/** Runs `parkzones ARGS` on `db` once: wall time, and peak RSS when GNU time is there. */
function runCommand(db: string, args: string[]): Run {
  const cmd = TIME ? TIME : process.execPath;
  // As the installed command runs (its shebang's flag), from the built JavaScript when it is current.
  const node = [process.execPath, '--max-semi-space-size=64', BIN];
  const argv = TIME ? ['-f', '%M', ...node, ...args] : node.slice(1).concat(args);
  const t = performance.now();
  const r = spawnSync(cmd, argv, { env: { ...process.env, PARKZONES_DB: db }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`parkzones ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const rss = TIME ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { wallMs, rssMb: Number.isFinite(rss) ? rss / 1024 : null };
}

/** Median wall time and the highest RSS of `repeats` runs after one warm-up. */
function timeCommand(db: string, args: string[], repeats = 3): { medianMs: number; minMs: number; maxMs: number; rssMb: number | null } {
  runCommand(db, args);
  const runs = Array.from({ length: repeats }, () => runCommand(db, args)).sort((a, b) => a.wallMs - b.wallMs);
  const rss = runs.map((r) => r.rssMb).filter((v): v is number => v !== null);
  return { medianMs: runs[runs.length >> 1]!.wallMs, minMs: runs[0]!.wallMs, maxMs: runs.at(-1)!.wallMs, rssMb: rss.length ? Math.max(...rss) : null };
}

/** Runs the history benchmark. */
export async function runHistoryBench(): Promise<BenchRow[]> {
  const sizes = (process.env.BENCH_HISTORY_SIZES ?? '1.1e6,1e7').split(',').map(Number);
  if (process.env.BENCH_HISTORY_40M === '1') sizes.push(4e7);
  const pick = '../bin/pick-build.mjs';
  const { builtFile } = (await import(pick)) as { builtFile: (source: string) => string | null };
  if (!builtFile('engine/cli/main.ts')) console.warn('history bench: dist/ is older than the source, so the commands run through tsx: run `npm run build` first');
  const rows: BenchRow[] = [];
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-history-out-'));
  try {
    for (const n of sizes) {
      const days = n <= 2_000_000 ? 1095 : 365;
      const db = await storeFor(n, days);
      const label = `${(n / 1e6).toFixed(1)} M trips over ${days === 1095 ? '3 years' : 'a year'}`;
      const floor = timeCommand(db, ['runs', 'list']);
      const load = os.loadavg()[0]!.toFixed(1);
      const cells = timeCommand(db, ['cells', '--res', '10', '--out', path.join(out, 'cells.csv')]);
      const cellsTarget = n <= 2_000_000 ? 3000 : n <= 1e7 ? 5000 : 15000;
      const rssOk = n <= 2_000_000 || (cells.rssMb !== null && cells.rssMb <= 2048);
      rows.push({
        name: `\`parkzones cells --res 10\`, ${label}`,
        value: cells.medianMs / 1000,
        unit: 's',
        baseline: floor.medianMs / 1000,
        ratio: cells.medianMs / floor.medianMs,
        target: `≤ ${cellsTarget / 1000} s whole process${n > 2_000_000 ? ', peak RSS ≤ 2 GB' : ''}`,
        met: cells.medianMs <= cellsTarget && rssOk,
        note: `median of 3 (${(cells.minMs / 1000).toFixed(2)}–${(cells.maxMs / 1000).toFixed(2)} s), peak RSS ${cells.rssMb?.toFixed(0) ?? '?'} MB; baseline \`parkzones runs list\` on the same store; load avg ${load} at start`,
      });
      if (n <= 2_000_000) {
        const propose = timeCommand(db, ['propose', '--out', path.join(out, 'zones.geojson')]);
        rows.push({
          name: `\`parkzones propose\` (defaults), ${label}`,
          value: propose.medianMs / 1000,
          unit: 's',
          baseline: floor.medianMs / 1000,
          ratio: propose.medianMs / floor.medianMs,
          target: '≤ 3 s whole process',
          met: propose.medianMs <= 3000,
          note: `median of 3 (${(propose.minMs / 1000).toFixed(2)}–${(propose.maxMs / 1000).toFixed(2)} s), peak RSS ${propose.rssMb?.toFixed(0) ?? '?'} MB`,
        });
      }
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return rows;
}

if (isMain(import.meta.url)) {
  console.log(machine());
  console.log(formatRows(await runHistoryBench()));
}
