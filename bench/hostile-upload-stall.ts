/**
 * Event-loop stalls during hostile uploads (issue 10, item 6): ingests one generated hostile file and prints its
 * time, the longest event-loop delay seen meanwhile (perf_hooks.monitorEventLoopDelay) and the process's RSS.
 * Run: `node bin/run-ts.mjs bench/hostile-upload-stall.ts KIND SIZE`, KIND one of
 *   empty N     an MDS 2.0 file of N empty trip objects
 *   wide N      a CSV of 1,100 rows and N extra columns
 *   newlines N  a gzip of N newline bytes after a header
 *   deep N      N nested brackets outside `trips`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ingestFile, openStore } from '../engine/index.ts';

const [kind, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg ?? 1e6);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-stall-'));
const file = path.join(dir, 'upload');
const header = 'trip_id,start_time,end_time,end_lat,end_lng';
if (kind === 'empty') fs.writeFileSync(file, `{"version":"2.0.0","trips":[${Array(size).fill('{}').join(',')}]}`);
else if (kind === 'wide') {
  const cols = Array.from({ length: size }, (_, i) => `c${i}`);
  const row = (i: number) => [`t${i}`, '2026-06-01T10:00:00Z', '2026-06-01T10:09:00Z', '48.85', '2.35', ...cols.map(() => '1')].join(',');
  fs.writeFileSync(file, [[header, ...cols].join(','), ...Array.from({ length: 1100 }, (_, i) => row(i))].join('\n'));
} else if (kind === 'newlines') fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([Buffer.from(`${header}\n`), Buffer.alloc(size, 10)])));
else if (kind === 'deep') fs.writeFileSync(file, `{"x":${'['.repeat(size)}${']'.repeat(size)},"trips":[]}`);
else throw new Error('KIND: empty, wide, newlines or deep');
const store = await openStore({ path: path.join(dir, 'store.duckdb') });
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const t0 = performance.now();
let outcome: string;
try {
  const r = await ingestFile(store, file, { provider: 'p' });
  outcome = `read ${r.rowsRead}, rejected ${r.rowsRejected}`;
} catch (e) {
  outcome = `refused: ${(e as { code?: string }).code} ${String((e as Error).message).slice(0, 120)}`;
}
delay.disable();
console.log(`${kind} ${size}: ${outcome}; ${((performance.now() - t0) / 1000).toFixed(2)} s, longest event-loop delay ${(delay.max / 1e6).toFixed(0)} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
store.close();
fs.rmSync(dir, { recursive: true, force: true });
