/**
 * Responsiveness during a recompute: p99 latency of /api/health at 16 connections (autocannon on loopback) while
 * the server computes a run, with zone selection in a worker thread (what POST /api/runs does) against the
 * baseline of the same run computed on the server's own event loop (what it did before), in the same process.
 * Run: `node bin/run-ts.mjs bench/recompute-responsiveness.bench.ts` (BENCH_TRIPS, default 500,000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createKey, createRun, ingestFile, openStore, type ZoneOptions } from '../engine/index.ts';
import { startServer } from '../server/index.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { formatRows, machine, type BenchRow } from './bench-util.ts';

const CONNECTIONS = 16;
/** A heavy recompute: fine cells, many zones, the full local search. */
const RUN: ZoneOptions = { res: 11, k: 1500, walkRadiusM: 150, optimize: 'local' };

/**
 * Loads /api/health until `work` settles; returns the latency figures and the work's time. The client is a child
 * process (autocannon's own `workers` cannot be stopped early), so a blocked server event loop does not also stop
 * the client's clock. It starts on its first line of output and stops when its standard input closes.
 */
async function healthDuring(url: string, work: () => Promise<unknown>): Promise<{ p50: number; p99: number; max: number; requests: number; workS: number }> {
  const autocannonUrl = pathToFileURL(createRequire(import.meta.url).resolve('autocannon')).href;
  const script = `const { default: autocannon } = await import(${JSON.stringify(autocannonUrl)});
    const instance = autocannon({ url: ${JSON.stringify(`${url}/api/health`)}, connections: ${CONNECTIONS}, duration: 600 }, (err, r) =>
      process.stdout.write(JSON.stringify(err ? { error: String(err) } : { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, requests: r.requests.total }) + '\\n'));
    process.stdin.on('end', () => instance.stop()).resume();
    process.stdout.write('started\\n');`;
  const client = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let buffer = '';
  client.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      wake?.();
    }
  });
  const nextLine = async (): Promise<string> => {
    while (lines.length === 0) await new Promise<void>((r) => (wake = r));
    return lines.shift()!;
  };
  await nextLine();
  await new Promise((r) => setTimeout(r, 500)); // let the client's connections settle before the work starts
  const t0 = performance.now();
  await work();
  const workS = (performance.now() - t0) / 1000;
  client.stdin.end();
  const r = JSON.parse(await nextLine()) as { p50: number; p99: number; max: number; requests: number; error?: string };
  if (r.error) throw new Error(`load client: ${r.error}`);
  return { ...r, workS };
}

/** Builds a store of `trips` synthetic trips and measures /api/health during an in-thread and an off-thread run. */
export async function runRecomputeResponsivenessBench(trips = Number(process.env.BENCH_TRIPS ?? 500_000)): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-recompute-'));
  try {
    const file = path.join(dir, 'trips.parquet');
    await writeTrips(generateCity({ trips, seed: 42, days: 30 }).trips(), file, { format: 'parquet' });
    const store = await openStore({ path: path.join(dir, 'store.duckdb') });
    await ingestFile(store, file);
    const server = await startServer({ store, port: 0 });
    try {
      const analyst = (await createKey(store, { role: 'analyst' })).token;
      const headers = { Authorization: `Bearer ${analyst}`, 'Content-Type': 'application/json' };
      await createRun(store, RUN); // warm-up: DuckDB's caches and the JIT
      const inThread = await healthDuring(server.url, () => createRun(store, RUN));
      const offThread = await healthDuring(server.url, async () => {
        const posted = (await (await fetch(`${server.url}/api/runs`, { method: 'POST', headers, body: JSON.stringify(RUN) })).json()) as { runId: number };
        for (;;) {
          const run = (await (await fetch(`${server.url}/api/runs/${posted.runId}`, { headers })).json()) as { status: string };
          if (run.status === 'done') return;
          if (run.status === 'failed') throw new Error(`run ${posted.runId} failed`);
          await new Promise((r) => setTimeout(r, 100));
        }
      });
      const note = (x: typeof inThread) => `${trips.toLocaleString('en')} trips, res 11, K ${RUN.k}; run ${x.workS.toFixed(1)} s; p50 ${x.p50} ms, max ${x.max} ms, ${x.requests} requests`;
      return [
        {
          name: `/api/health p99 @${CONNECTIONS} during a recompute (selection in a worker thread)`,
          value: offThread.p99,
          unit: 'ms',
          baseline: inThread.p99,
          ratio: inThread.p99 / Math.max(1, offThread.p99),
          target: '≤ 50 ms',
          met: offThread.p99 <= 50,
          note: `${note(offThread)}; baseline: the same run on the server's event loop (${note(inThread)})`,
        },
      ];
    } finally {
      await server.close();
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(machine());
  console.log(formatRows(await runRecomputeResponsivenessBench()));
}
