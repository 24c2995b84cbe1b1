import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, it, expect, afterAll } from 'vitest';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { nextStartFresh, NEXT_START_WINDOW_SQL, NEXT_START_ROWS_KEY } from '../engine/store/next-start.ts';
import { SCHEMA_VERSION } from '../engine/store/schema.ts';
import { ingestFile } from '../engine/ingest/index.ts';
import { demandCells, cellParkedPeaks } from '../engine/bin/index.ts';
import { generateCity, writeTrips, type SyntheticTrip } from '../fixtures/index.ts';
import { tempDir } from './helpers/temp-store.ts';

// Each trip stores its device's next start (schema 3), set by the upload that stores it and updated for the trips
// of the devices an upload touches. Every way of filling a store must leave it equal to the window over all trips.

const { dir, cleanup } = tempDir('pz-next-start-');
afterAll(cleanup);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
const DAY = 86_400_000;
const START = Date.parse('2024-03-01T00:00:00Z');

const city = generateCity({ trips: 6_000, days: 90, seed: 31, startDate: '2024-03-01', providers: 2 });
const all: SyntheticTrip[] = [...city.trips()];

/** The trips whose start lies in [fromDay, toDay) of the city. */
function days(fromDay: number, toDay: number): SyntheticTrip[] {
  return all.filter((t) => t.startMs >= START + fromDay * DAY && t.startMs < START + toDay * DAY);
}

async function file(name: string, trips: SyntheticTrip[], format: 'csv' | 'parquet' = 'csv'): Promise<string> {
  const f = path.join(dir, `${name}.${format}`);
  await writeTrips(trips, f, { format });
  return f;
}

/** Trips whose stored next_start differs from the window over every trip (none when the store is right). */
async function wrongNextStarts(store: Store): Promise<number> {
  const [r] = await store.query(
    `SELECT count(*) FILTER (WHERE next_start IS DISTINCT FROM ns OR next_known IS NOT TRUE) AS wrong, count(*) AS n
     FROM (SELECT next_start, next_known, ${NEXT_START_WINDOW_SQL} AS ns FROM trips)`,
  );
  return Number(r!.wrong);
}

async function snapshot(store: Store): Promise<string[]> {
  const rows = await store.query("SELECT provider_id || '/' || trip_id || '=' || coalesce(epoch_ms(next_start)::VARCHAR, '-') AS k FROM trips ORDER BY 1");
  return rows.map((r) => String(r.k));
}

describe("each trip's next start, stored and maintained", () => {
  it('an append, a backfill before everything, one between, a repeat upload and rows without a device all leave it equal to the window', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      expect(await nextStartFresh(store.conn)).toBe(true); // an empty store
      await ingestFile(store, await file('m2', days(30, 60)));
      expect(await wrongNextStarts(store)).toBe(0);
      await ingestFile(store, await file('m3', days(60, 90), 'parquet')); // appended after the last trips
      expect(await wrongNextStarts(store)).toBe(0);
      await ingestFile(store, await file('m1a', days(0, 10))); // before every stored trip
      expect(await wrongNextStarts(store)).toBe(0);
      await ingestFile(store, await file('m1b', days(10, 30))); // between stored trips of the same devices
      expect(await wrongNextStarts(store)).toBe(0);
      // A repeat of a month with some new trips interleaved: the repeats are duplicates, the new ones slot in.
      const extra = days(40, 50).slice(0, 200).map((t, i) => ({ ...t, tripId: `extra-${i}`, startMs: t.startMs + 60_000, endMs: t.endMs + 60_000 }));
      const report = await ingestFile(store, await file('again', [...days(40, 50), ...extra]));
      expect(report.rowsStored).toBe(200);
      expect(await wrongNextStarts(store)).toBe(0);
      // Same start time as a stored trip of the device (ties are ordered by trip id), and trips without a device.
      const t0 = days(50, 51)[0]!;
      const ties = [{ ...t0, tripId: `${t0.tripId}-a` }, { ...t0, tripId: '0-first' }, { ...t0, tripId: 'no-device', deviceId: '' }];
      await ingestFile(store, await file('ties', ties));
      expect(await wrongNextStarts(store)).toBe(0);
      expect(await nextStartFresh(store.conn)).toBe(true);
      const [n] = await store.query('SELECT count(*) AS n FROM trips WHERE next_start IS NOT NULL');
      expect(Number(n!.n)).toBeGreaterThan(all.length * 0.9); // most trips have a next one: the test covers them
    } finally {
      store.close();
    }
  }, 60_000);

  it('rows inserted or deleted by hand make it stale: reads give the window values, and the next open puts it right', async () => {
    const db = path.join(dir, 'by-hand.duckdb');
    let store = await openStore({ path: db });
    try {
      await ingestFile(store, await file('hand', days(0, 30)));
      const later = await ingestFile(store, await file('hand-later', days(30, 40)));
      const expected = await demandCells(store, { res: 10 });
      const expectedPeaks = await cellParkedPeaks(store, expected);
      // A trip of a busy device, inserted by hand between its trips: next_start unknown, the neighbour's stale.
      const [busy] = await store.query(
        "SELECT provider_id, device_id, epoch_ms(start_time) AS s FROM trips WHERE device_id IS NOT NULL ORDER BY start_time LIMIT 1 OFFSET 100",
      );
      await store.run(
        `INSERT INTO trips (provider_id, trip_id, device_id, start_time, end_time, end_lat, end_lng, upload_id)
         VALUES ($p, 'by-hand', $d, make_timestamptz(($s + 1000) * 1000), make_timestamptz(($s + 2000) * 1000), 45.3, -122.3, 1)`,
        { p: String(busy!.provider_id), d: String(busy!.device_id), s: Number(busy!.s) },
      );
      expect(await nextStartFresh(store.conn)).toBe(false);
      const handCells = await demandCells(store, { res: 10 });
      // The hand trip ends alone in its cell: its parked time is known only from the window (the device's next trip).
      const [own] = await store.query(
        `SELECT h3_cell(end_lat, end_lng, 10) AS c, least(greatest(epoch(ns) - epoch(end_time), 0), 86400) AS parked
         FROM (SELECT *, ${NEXT_START_WINDOW_SQL} AS ns FROM trips) WHERE trip_id = 'by-hand'`,
      );
      const i = Array.from(handCells.cell).indexOf(BigInt(own!.c as bigint));
      expect(handCells.trips[i]).toBe(1);
      expect(Number(own!.parked)).toBeGreaterThan(0);
      expect(handCells.medianParkedS[i]).toBe(Number(own!.parked));
      await store.run("DELETE FROM trips WHERE trip_id = 'by-hand'");
      // The neighbour's stored next start was never changed by the hand insert: the store is right again.
      expect(await nextStartFresh(store.conn)).toBe(true);
      expect(await wrongNextStarts(store)).toBe(0);
      const back = await demandCells(store, { res: 10 });
      expect(Array.from(back.medianParkedS)).toEqual(Array.from(expected.medianParkedS));
      expect(Array.from((await cellParkedPeaks(store, back)).percentilePeak)).toEqual(Array.from(expectedPeaks.percentilePeak));
      // An upload removed by hand (as the store's check tells a user to): the trips before its own now point at a
      // deleted start.
      for (const table of ['trips', 'rejects', 'uploads']) await store.run(`DELETE FROM ${table} WHERE upload_id = $u`, { u: later.uploadId });
      expect(await nextStartFresh(store.conn)).toBe(false);
      expect(await wrongNextStarts(store)).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    const progress: string[] = [];
    store = await openStore({ path: db, onMigrate: (m) => progress.push(m) });
    try {
      expect(progress[0]).toMatch(/outside parkzones: recomputing/);
      expect(await nextStartFresh(store.conn)).toBe(true);
      expect(await wrongNextStarts(store)).toBe(0);
    } finally {
      store.close();
    }
  }, 60_000);

  it('a store of schema 2 gains the columns on open, with the values of the window', async () => {
    const db = path.join(dir, 'schema2.duckdb');
    let store = await openStore({ path: db });
    try {
      await ingestFile(store, await file('s2', days(0, 40)));
      const before = await demandCells(store, { res: 10 });
      // What schema 2 had: no next-start columns.
      await store.run(`ALTER TABLE trips DROP COLUMN next_start; ALTER TABLE trips DROP COLUMN next_known;
        UPDATE meta SET value = '2' WHERE key = 'schema_version'; DELETE FROM meta WHERE key = '${NEXT_START_ROWS_KEY}'`);
      store.close();
      const progress: [string, number][] = [];
      store = await openStore({ path: db, onMigrate: (m, f) => progress.push([m, f]) });
      expect(progress[0]![0]).toMatch(new RegExp(`next start of its device \\(schema 2 → ${SCHEMA_VERSION}\\)`));
      expect(progress.at(-1)![1]).toBe(1);
      expect(await wrongNextStarts(store)).toBe(0);
      expect(await nextStartFresh(store.conn)).toBe(true);
      const after = await demandCells(store, { res: 10 });
      expect(Array.from(after.medianParkedS)).toEqual(Array.from(before.medianParkedS));
    } finally {
      store.close();
    }
  }, 60_000);

  it('a crash after the upload updated the stored trips it follows leaves them as they were', async () => {
    const db = path.join(dir, 'crash.duckdb');
    let store = await openStore({ path: db });
    const first = await file('crash-1', days(0, 45));
    const second = await file('crash-2', days(30, 90)); // overlaps: repeats, new trips between and after stored ones
    let before: string[];
    try {
      await ingestFile(store, first);
      before = await snapshot(store);
    } finally {
      store.close();
    }
    const child = spawn(process.execPath, [BIN, 'ingest', second], {
      env: { ...process.env, PARKZONES_DB: db, PARKZONES_FAULT_AT: 'after-insert-trips', PARKZONES_FAULT_TRACE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const signal = await new Promise((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    expect(stderr).toContain('fault-point after-insert-trips\n');
    store = await openStore({ path: db });
    try {
      expect(await snapshot(store)).toEqual(before);
      expect(await nextStartFresh(store.conn)).toBe(true);
      await ingestFile(store, second);
      expect(await wrongNextStarts(store)).toBe(0);
    } finally {
      store.close();
    }
    expect(fs.existsSync(db)).toBe(true);
  }, 90_000);
});
