/**
 * Where one upload's time goes, per input format: every DuckDB call the ingest makes (staging appends, the row
 * checks' INSERT INTO rejects, the repeats query, INSERT INTO trips with its anti-joins and cell columns, the
 * providers upsert, COMMIT, …) is timed through a wrapped connection; what is left of the wall time is JavaScript
 * (reading and parsing the file between calls). Each format is ingested into an empty store, then into a store that
 * already holds BENCH_PHASES_PRELOAD trips (default 3 M, from a Parquet file of other trips).
 * Besides the phases: the six `h3_cell` calls of the stored cell columns over the upload's trips alone (the kernel's
 * share of INSERT INTO trips), timed in the same process.
 * Run: `node bin/run-ts.mjs bench/ingest-phases.ts` (BENCH_PHASES_TRIPS sets the trips per file, default 1 M;
 * BENCH_PHASES_FORMATS some of parquet,csv,mds2). With BENCH_PHASES_COMPARE=DIR (another checkout, e.g. an older
 * commit with node_modules), each upload is also run by DIR's ingest code in the same process, in turn with this
 * checkout's, and each keeps its best of BENCH_PHASES_REPEATS runs (default 2).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateCity, writeTrips, type TripFileFormat } from '../fixtures/index.ts';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { ingestFile } from '../engine/ingest/index.ts';
import { INGEST_MEMORY_LIMIT } from '../engine/cli/cmd-ingest.ts';
import { cellValuesSql } from '../engine/store/cell-columns.ts';
import { isMain, machine } from './bench-util.ts';

/** The phase a SQL statement belongs to, by its text. */
function phaseOf(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  if (/^INSERT INTO trips/.test(s)) return 'insert trips (anti-joins, cells)';
  if (/^INSERT INTO rejects/.test(s)) return 'row checks → rejects';
  if (/_repeats AS/.test(s)) return 'repeats in the file';
  if (/_stored AS/.test(s)) return 'keys already stored (hash probe)';
  if (/_hashes AS/.test(s)) return 'key hashes of the upload';
  if (/^INSERT INTO providers/.test(s)) return 'providers upsert';
  if (/_keys AS/.test(s)) return 'next starts: upload keys → temp table';
  if (/_touched AS/.test(s)) return 'next starts: touched devices';
  if (/_prior AS/.test(s)) return 'next starts: stored trips they follow';
  if (/_next AS/.test(s)) return 'next starts: window over keys';
  if (/next_known IS NOT TRUE|next_start_rows|^UPDATE trips SET next_start/.test(s)) return 'next starts: freshness, update of stored';
  if (/^COMMIT/.test(s)) return 'commit';
  if (/read_csv\(/.test(s) && /CREATE OR REPLACE TEMP TABLE/.test(s)) return 'DuckDB read_csv → text table';
  if (/^INSERT INTO temp\.staging/.test(s)) return 'CSV text → staging (SQL)';
  if (/CREATE TEMP VIEW/.test(s) || /^DESCRIBE/.test(s)) return 'parquet view';
  if (/^SELECT count\(\*\) FROM temp\.staging/.test(s)) return 'count staged (parquet: file scan)';
  if (/^UPDATE temp\.staging.* SET trip_id/.test(s)) return 'derive trip ids';
  if (/count_if|median\(end_lat\)/.test(s)) return 'far-ends check';
  if (/location|precision|round\(/i.test(s) && /upload_id = \$u/.test(s)) return 'location precision';
  return 'other SQL';
}

type Times = Map<string, number>;

/** A connection whose every DuckDB call adds its time to `times` under its phase. */
function timedConnection(conn: DuckDBConnection, times: Times): DuckDBConnection {
  const add = (k: string, ms: number) => times.set(k, (times.get(k) ?? 0) + ms);
  const wrapAsync = <A extends unknown[], R>(f: (...a: A) => Promise<R>, label: (...a: A) => string) =>
    async (...a: A): Promise<R> => {
      const t = performance.now();
      try {
        return await f(...a);
      } finally {
        add(label(...a), performance.now() - t);
      }
    };
  return new Proxy(conn, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const bound = (v as (...a: unknown[]) => unknown).bind(target);
      if (prop === 'run' || prop === 'runAndReadAll' || prop === 'stream') {
        return wrapAsync(bound as (sql: string, p?: unknown) => Promise<unknown>, (sql: string) => phaseOf(sql));
      }
      if (prop === 'createAppender') {
        return async (...a: unknown[]) => {
          const app = (await (bound as (...x: unknown[]) => Promise<object>)(...a)) as Record<string, unknown>;
          return new Proxy(app, {
            get(t2, p2, r2) {
              const f = Reflect.get(t2, p2, r2);
              if (typeof f !== 'function') return f;
              const b = (f as (...x: unknown[]) => unknown).bind(t2);
              if (p2 === 'appendDataChunk' || p2 === 'flushSync' || p2 === 'closeSync') {
                return (...x: unknown[]) => {
                  const t = performance.now();
                  try {
                    return b(...x);
                  } finally {
                    add('staging append (appender)', performance.now() - t);
                  }
                };
              }
              return b;
            },
          });
        };
      }
      return bound;
    },
  });
}

interface PhaseResult {
  format: string;
  store: string;
  trips: number;
  wallMs: number;
  /** CPU of the whole process (JavaScript and DuckDB's threads) during the upload, ms. */
  cpuMs: number;
  times: Times;
  h3Ms: number;
}

/** The ingest code one column of the table runs: this checkout's, or another's (BENCH_PHASES_COMPARE). */
interface Code {
  label: string;
  openStore: typeof openStore;
  ingestFile: typeof ingestFile;
}

async function measure(code: Code, store: Store, file: string, format: string, storeLabel: string): Promise<PhaseResult> {
  const times: Times = new Map();
  const connect = store.connect.bind(store);
  store.connect = async () => timedConnection(await connect(), times);
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const report = await code.ingestFile(store, file, { fileName: path.basename(file) });
  const wallMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  store.connect = connect;
  if (report.rowsStored !== report.rowsRead) throw new Error(`${file}: stored ${report.rowsStored} of ${report.rowsRead}`);
  // The kernel's share: the six cell columns of this upload's trips, computed again by the same scalar function.
  const conn = await connect();
  const h0 = performance.now();
  await conn.runAndReadAll(`SELECT ${cellValuesSql().map((e) => `sum(${e})`).join(', ')} FROM trips WHERE upload_id = ${report.uploadId}`);
  const h3Ms = performance.now() - h0;
  conn.closeSync();
  return { format, store: `${storeLabel}${code.label}`, trips: report.rowsStored, wallMs, cpuMs, times, h3Ms };
}

/** Runs the breakdown and returns it as Markdown. */
export async function runIngestPhases(): Promise<string> {
  const trips = Number(process.env.BENCH_PHASES_TRIPS ?? 1_000_000);
  const preload = Number(process.env.BENCH_PHASES_PRELOAD ?? 3_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-phases-'));
  const results: PhaseResult[] = [];
  const other = process.env.BENCH_PHASES_COMPARE;
  const codes: Code[] = [{ label: other ? ', now' : '', openStore, ingestFile }];
  if (other) {
    const theirs = path.resolve(other);
    codes.push({
      label: `, ${path.basename(theirs)}`,
      openStore: (await import(path.join(theirs, 'engine/store/open-store.ts'))).openStore,
      ingestFile: (await import(path.join(theirs, 'engine/ingest/index.ts'))).ingestFile,
    });
  }
  const repeats = Number(process.env.BENCH_PHASES_REPEATS ?? (other ? 2 : 1));
  try {
    const pre = path.join(dir, 'preload.parquet');
    await writeTrips(generateCity({ trips: preload, seed: 7, days: 30 }).trips(), pre, { format: 'parquet' });
    const formats = (process.env.BENCH_PHASES_FORMATS ?? 'parquet,csv,mds2').split(',') as TripFileFormat[];
    for (const format of formats) {
      const file = path.join(dir, `trips.${format === 'mds2' ? 'json' : format}`);
      await writeTrips(generateCity({ trips, seed: 42, days: 30 }).trips(), file, { format });
      for (const full of [false, true]) {
        // Best of `repeats` runs, each code in turn (the machine is shared: alternating keeps the comparison fair).
        const best = new Map<string, PhaseResult>();
        for (let rep = 0; rep < repeats; rep++) {
          for (const code of rep % 2 === 0 ? codes : [...codes].reverse()) {
            const db = path.join(dir, `${format}-${full}.duckdb`);
            const store = await code.openStore({ path: db, memoryLimit: INGEST_MEMORY_LIMIT });
            try {
              if (full) await code.ingestFile(store, pre, {});
              const r = await measure(code, store, file, format, full ? `holding ${(preload / 1e6).toFixed(1)} M` : 'empty');
              const was = best.get(code.label);
              if (!was || r.wallMs < was.wallMs) best.set(code.label, r);
            } finally {
              store.close();
            }
            fs.rmSync(db, { force: true });
            fs.rmSync(`${db}.wal`, { force: true });
          }
        }
        for (const code of codes) results.push(best.get(code.label)!);
      }
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const phases = [...new Set(results.flatMap((r) => [...r.times.keys()]))];
  const head = ['phase (ms)', ...results.map((r) => `${r.format}, ${r.store}`)];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`];
  const row = (name: string, vals: string[]) => lines.push(`| ${name} | ${vals.join(' | ')} |`);
  for (const p of phases) row(p, results.map((r) => (r.times.has(p) ? r.times.get(p)!.toFixed(0) : '')));
  row('JavaScript between calls (read, parse, convert)', results.map((r) => (r.wallMs - [...r.times.values()].reduce((a, b) => a + b, 0)).toFixed(0)));
  row('**whole upload**', results.map((r) => `**${r.wallMs.toFixed(0)}**`));
  row('process CPU, user + sys (all threads)', results.map((r) => r.cpuMs.toFixed(0)));
  row('M trips/s', results.map((r) => (r.trips / r.wallMs / 1e3).toFixed(3)));
  row('of which: 6 × h3_cell over the upload (same process, apart)', results.map((r) => r.h3Ms.toFixed(0)));
  return `${machine()}; ${(trips / 1e6).toFixed(2)} M trips per file; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n${lines.join('\n')}`;
}

if (isMain(import.meta.url)) console.log(await runIngestPhases());
