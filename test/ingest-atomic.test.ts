import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, it, expect, afterAll } from 'vitest';
import { openStore } from '../engine/store/open-store.ts';
import { ingestFile } from '../engine/ingest/index.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tempDir, tableCounts } from './helpers/temp-store.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');

describe('an ingest is atomic', () => {
  it('a process killed mid-ingest leaves nothing behind, and the same file then ingests whole', async () => {
    const db = path.join(dir, 'killed.duckdb');
    // MDS JSON is read in JavaScript batches with progress between them: a kill lands mid-file. (A big CSV goes
    // through DuckDB's reader in a few statements, too fast to be caught halfway; it shares the same transaction.)
    const file = path.join(dir, 'big.json');
    await writeTrips(generateCity({ trips: 150_000, seed: 12 }).trips(), file, { format: 'mds2' });
    const child = spawn(process.execPath, [BIN, 'ingest', file], { env: { ...process.env, PARKZONES_DB: db }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const killedAt = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        const m = /ingest \S+ ([1-9]\d)% ([\d,]+) rows/.exec(stderr);
        if (m && !child.killed) {
          child.kill('SIGKILL');
          resolve(m[2]!);
        }
      });
      child.on('exit', () => reject(new Error(`ingest ended before it could be killed: ${stderr}`)));
    });
    await new Promise((r) => child.on('close', r));
    expect(Number(killedAt.replaceAll(',', ''))).toBeGreaterThan(0);
    const store = await openStore({ path: db });
    try {
      expect(await tableCounts(store)).toEqual({ trips: 0, rejects: 0, uploads: 0 });
      const report = await ingestFile(store, file);
      expect(report.rowsStored).toBe(150_000);
      expect(await tableCounts(store)).toEqual({ trips: 150_000, rejects: 0, uploads: 1 });
    } finally {
      store.close();
    }
  });
});
