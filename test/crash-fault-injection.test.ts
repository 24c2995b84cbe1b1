import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { inconsistentUploadsSql, IN_FLIGHT_KEY } from '../engine/store/check-store.ts';
import { ingestFile } from '../engine/ingest/index.ts';
import { isParkzonesError } from '../engine/errors.ts';
import type { FaultPoint } from '../engine/fault-point.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tempDir } from './helpers/temp-store.ts';

// Kills `parkzones ingest` (a real child process) at named points across an upload's commit and at timed offsets
// after it (through the checkpoint DuckDB runs as the store closes), and cuts the write-ahead log of a committed
// upload at many lengths (what a kill in the middle of the commit's write leaves). After every crash the store must
// open with its invariants whole and hold the upload entirely or not at all; a re-run then stores it whole.

const { dir, cleanup } = tempDir('pz-fault-');
afterAll(cleanup);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
// 20,000 CSV rows (some rejected) for the named points; a Parquet file of more than one DuckDB row group
// (122,880 rows), whose trips DuckDB writes to the file ahead of the commit: the case a torn commit broke.
const SMALL_ROWS = 20_000;
const BIG_ROWS = 130_000;
let small: string;
let smallRejects: number;
let big: string;

beforeAll(async () => {
  small = path.join(dir, 'small.csv');
  const city = generateCity({ trips: SMALL_ROWS, seed: 21, defects: { zero_zero: 0.01, end_before_start: 0.01 } });
  await writeTrips(city.trips(), small, { format: 'csv' });
  big = path.join(dir, 'big.parquet');
  await writeTrips(generateCity({ trips: BIG_ROWS, seed: 22 }).trips(), big, { format: 'parquet' });
  const probe = await openStore({ path: ':memory:' });
  smallRejects = (await ingestFile(probe, small)).rowsRejected;
  probe.close();
  expect(smallRejects).toBeGreaterThan(0);
}, 60_000);

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `parkzones ingest FILE` on `db`; with `killAfter`, SIGKILLs it `delayMs` after it passes that point. */
function ingestChild(db: string, file: string, env: Record<string, string>, killAfter?: { point: FaultPoint; delayMs: number }): Promise<Child> {
  const child = spawn(process.execPath, [BIN, 'ingest', file], {
    env: { ...process.env, PARKZONES_DB: db, PARKZONES_FAULT_TRACE: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (killAfter && stderr.includes(`fault-point ${killAfter.point}\n`)) {
      const at = killAfter;
      killAfter = undefined;
      setTimeout(() => child.kill('SIGKILL'), at.delayMs);
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

/** Opens the store (which checks and repairs it) and asserts every invariant again by hand. */
async function openChecked(db: string): Promise<Store> {
  const store = await openStore({ path: db });
  expect(await store.query(inconsistentUploadsSql())).toEqual([]);
  expect(await store.query('SELECT * FROM meta WHERE key = $k', { k: IN_FLIGHT_KEY })).toEqual([]);
  return store;
}

async function counts(store: Store): Promise<{ trips: number; uploads: number; stored: number }> {
  const r = (await store.query('SELECT (SELECT count(*) FROM trips) AS t, (SELECT count(*) FROM uploads) AS u, (SELECT coalesce(sum(rows_stored), 0) FROM uploads) AS s'))[0]!;
  return { trips: Number(r.t), uploads: Number(r.u), stored: Number(r.s) };
}

/** The store holds the upload of `rows` trips whole (one uploads row saying so), or nothing at all. */
function expectBeforeOrAfter(c: { trips: number; uploads: number; stored: number }, rows: number): 'before' | 'after' {
  if (c.uploads === 0) {
    expect(c).toEqual({ trips: 0, uploads: 0, stored: 0 });
    return 'before';
  }
  expect(c).toEqual({ trips: rows, uploads: 1, stored: rows });
  return 'after';
}

/** After a crash: the store is before or after the upload; re-run, it holds the upload whole, also once reopened. */
async function checkThenRerun(db: string, file: string, rows: number): Promise<'before' | 'after'> {
  let store = await openChecked(db);
  let state: 'before' | 'after';
  try {
    state = expectBeforeOrAfter(await counts(store), rows);
    const report = await ingestFile(store, file);
    expect(report.rowsStored + report.rowsDuplicate + report.rowsRejected).toBe(report.rowsRead);
    expect(report.rowsStored).toBe(state === 'before' ? rows : 0);
  } finally {
    store.close();
  }
  store = await openChecked(db);
  try {
    expect((await counts(store)).trips).toBe(rows);
  } finally {
    store.close();
  }
  return state;
}

describe('a crash at any moment of an upload leaves the store as before or after it', () => {
  const points: [FaultPoint, 'before' | 'after'][] = [
    ['after-mark', 'before'],
    ['after-insert-rejects', 'before'],
    ['after-insert-trips', 'before'],
    ['before-commit', 'before'],
    ['after-commit', 'after'],
    ['after-clear', 'after'],
  ];
  it.each(points)('killed at %s (CLI, 20,000 CSV rows): the store is %s the upload', async (point, expected) => {
    const db = path.join(dir, `point-${point}.duckdb`);
    const child = await ingestChild(db, small, { PARKZONES_FAULT_AT: point });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stderr).toContain(`fault-point ${point}\n`);
    expect(await checkThenRerun(db, small, SMALL_ROWS - smallRejects)).toBe(expected);
  }, 60_000);

  it('killed after the first slice of an upload stored in slices (CLI, 20,000 CSV rows in slices of 5,000): the store is before the upload', async () => {
    // Uninterrupted, the upload is stored in four slices.
    const whole = await ingestChild(path.join(dir, 'sliced-whole.duckdb'), small, { PARKZONES_INGEST_SLICE_ROWS: '5000' });
    expect(whole.code).toBe(0);
    expect(whole.stderr.match(/fault-point after-slice\n/g)).toHaveLength(Math.ceil((SMALL_ROWS - smallRejects) / 5000));
    const db = path.join(dir, 'point-after-slice.duckdb');
    const child = await ingestChild(db, small, { PARKZONES_FAULT_AT: 'after-slice', PARKZONES_INGEST_SLICE_ROWS: '5000' });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stderr.match(/fault-point after-slice\n/g)).toHaveLength(1);
    expect(child.stderr).not.toContain('fault-point after-insert-trips');
    expect(await checkThenRerun(db, small, SMALL_ROWS - smallRejects)).toBe('before');
  }, 60_000);

  it('killed at timed offsets across the commit and the checkpoint at close (130,000 Parquet rows)', async () => {
    const offsets: [FaultPoint, number][] = [['before-commit', 2], ['before-commit', 12], ['after-clear', 5]];
    for (const [point, delayMs] of offsets) {
      const db = path.join(dir, `timed-${point}-${delayMs}.duckdb`);
      await ingestChild(db, big, {}, { point, delayMs });
      await checkThenRerun(db, big, BIG_ROWS);
    }
  }, 120_000);

  it('a commit cut at any byte of its write-ahead log is rolled back whole, and stays so after a second crash', async () => {
    const db = path.join(dir, 'torn.duckdb');
    // Killed right after COMMIT returned: the log holds the whole commit, not yet checkpointed into the file.
    const child = await ingestChild(db, big, { PARKZONES_FAULT_AT: 'after-commit' });
    expect(child.signal).toBe('SIGKILL');
    const wal = fs.readFileSync(`${db}.wal`);
    const dbBytes = fs.readFileSync(db);
    // Cuts near the end (the commit's last entries: where a kill left the trips without their upload) and across it.
    const cuts = [...new Set([1, 4, 16, 48, 128, 1024, Math.floor(wal.length / 2)].filter((c) => c > 0 && c < wal.length))];
    const states = new Set<string>();
    for (const cut of cuts) {
      const copy = path.join(dir, `torn-${cut}.duckdb`);
      fs.writeFileSync(copy, dbBytes);
      fs.writeFileSync(`${copy}.wal`, wal.subarray(0, wal.length - cut));
      const store = await openChecked(copy);
      try {
        states.add(expectBeforeOrAfter(await counts(store), BIG_ROWS));
      } finally {
        store.close();
      }
    }
    expect(states).toEqual(new Set(['before']));
    // The second crash: after the repair, a re-run killed right after its commit must still hold the trips.
    const copy = path.join(dir, 'torn-1.duckdb');
    (await openChecked(copy)).close();
    const rerun = await ingestChild(copy, big, { PARKZONES_FAULT_AT: 'after-clear' });
    expect(rerun.signal).toBe('SIGKILL');
    const store = await openChecked(copy);
    try {
      expect(await counts(store)).toEqual({ trips: BIG_ROWS, uploads: 1, stored: BIG_ROWS });
    } finally {
      store.close();
    }
  }, 120_000);

  it('refuses a store whose trips have no upload and no crash explains it, naming the upload', async () => {
    const db = path.join(dir, 'orphans.duckdb');
    let store = await openStore({ path: db });
    await store.run(
      "INSERT INTO trips (provider_id, trip_id, start_time, end_time, end_lat, end_lng, upload_id) VALUES ('p', 't1', now(), now(), 38.2, -85.7, 7)",
    );
    store.close();
    const err = await openStore({ path: db }).then(() => null, (e: unknown) => e);
    expect(isParkzonesError(err, 'STORE_INCONSISTENT')).toBe(true);
    expect((err as Error).message).toContain('upload 7 has 1 trips and 0 rejects but no row in uploads');
    store = await openStore({ path: ':memory:' });
    store.close();
  });

  it('refuses an upload whose counts do not match its rows', async () => {
    const db = path.join(dir, 'counts.duckdb');
    const store = await openStore({ path: db });
    await ingestFile(store, small);
    await store.run('UPDATE uploads SET rows_stored = rows_stored + 1, rows_read = rows_read + 1');
    store.close();
    const err = await openStore({ path: db }).then(() => null, (e: unknown) => e);
    expect(isParkzonesError(err, 'STORE_INCONSISTENT')).toBe(true);
    expect((err as Error).message).toContain(`upload 1: rows_stored is ${SMALL_ROWS - smallRejects + 1} but it has ${SMALL_ROWS - smallRejects} trips`);
  });
});
