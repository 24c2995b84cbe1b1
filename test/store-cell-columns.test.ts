import path from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demandCells, ingestFile, openStore, SCHEMA_VERSION, type Store } from '../engine/index.ts';
import { endCellSql, STORED_CELL_RESOLUTIONS } from '../engine/store/cell-columns.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tempDir } from './helpers/temp-store.ts';

const { dir, cleanup } = tempDir('pz-cells-');
const file = path.join(dir, 'city.parquet');
let store: Store;

beforeAll(async () => {
  await writeTrips(generateCity({ trips: 6000, seed: 21, days: 5 }).trips(), file, { format: 'parquet' });
  store = await openStore({ path: path.join(dir, 'new.duckdb') });
  await ingestFile(store, file);
});
afterAll(() => {
  store?.close();
  cleanup();
});

describe('H3 cells stored with each trip', () => {
  it('stores every end cell at 7–12 as h3-js latLngToCell gives it (not as a parent of a finer cell)', async () => {
    const rows = await store.query(`SELECT end_lat, end_lng, ${STORED_CELL_RESOLUTIONS.map((r) => `printf('%x', end_cell_${r}) AS c${r}`).join(', ')} FROM trips`);
    expect(rows.length).toBeGreaterThan(5000);
    let parentDiffers = 0;
    for (const r of rows) {
      for (const res of STORED_CELL_RESOLUTIONS) expect(r[`c${res}`]).toBe(latLngToCell(r.end_lat as number, r.end_lng as number, res));
      if (r.c10 !== latLngToCell(r.end_lat as number, r.end_lng as number, 10)) parentDiffers++;
    }
    expect(parentDiffers).toBe(0);
  });

  it('bins on the stored column where the resolution is stored, and through h3_cell elsewhere', () => {
    expect(endCellSql(10)).toBe('coalesce(end_cell_10, h3_cell(end_lat, end_lng, 10))');
    expect(endCellSql(11, 't.')).toBe('coalesce(t.end_cell_11, h3_cell(t.end_lat, t.end_lng, 11))');
    expect(endCellSql(13)).toBe('h3_cell(end_lat, end_lng, 13)');
  });

  it('a store made before the cell columns gains them on open, with progress, and gives the same cells', async () => {
    const { dir: d2, cleanup: c2 } = tempDir('pz-migrate-');
    try {
      const oldFile = path.join(d2, 'old.duckdb');
      const made = await openStore({ path: oldFile });
      await ingestFile(made, file);
      const before = await demandCells(made, { res: 10, parkedTime: false });
      // Turn it into a schema-1 store: no cell columns, version 1.
      for (const r of STORED_CELL_RESOLUTIONS) await made.run(`ALTER TABLE trips DROP COLUMN end_cell_${r}`);
      await made.run("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
      made.close();

      const progress: [string, number][] = [];
      const reopened = await openStore({ path: oldFile, onMigrate: (m, f) => progress.push([m, f]) });
      try {
        expect((await reopened.query("SELECT value FROM meta WHERE key = 'schema_version'"))[0]!.value).toBe(String(SCHEMA_VERSION));
        expect(progress[0]![0]).toMatch(new RegExp(`adding H3 cell columns to 6,000 trips \\(schema 1 → ${SCHEMA_VERSION}\\)`));
        expect(progress.at(-1)![1]).toBe(1);
        const after = await demandCells(reopened, { res: 10, parkedTime: false });
        expect(Array.from(after.cell)).toEqual(Array.from(before.cell));
        expect(Array.from(after.trips)).toEqual(Array.from(before.trips));
        const [nulls] = await reopened.query('SELECT count(*) FILTER (WHERE end_cell_12 IS NULL)::INTEGER AS n FROM trips');
        expect(nulls!.n).toBe(0);
      } finally {
        reopened.close();
      }
      const again: string[] = [];
      (await openStore({ path: oldFile, onMigrate: (m) => again.push(m) })).close();
      expect(again).toEqual([]); // migrated once
    } finally {
      c2();
    }
  });

  it('bins a trip inserted by hand without its cell columns like any other', async () => {
    const { dir: d4, cleanup: c4 } = tempDir('pz-hand-');
    try {
      const s = await openStore({ path: path.join(d4, 's.duckdb') });
      try {
        await s.run("INSERT INTO trips (provider_id, trip_id, start_time, end_time, end_lat, end_lng, upload_id) VALUES ('p', 't', now(), now(), 45.52, -122.68, 1)");
        const d = await demandCells(s, { res: 10, parkedTime: false });
        expect(d.count).toBe(1);
        expect(d.cell[0]!.toString(16)).toBe(latLngToCell(45.52, -122.68, 10));
      } finally {
        s.close();
      }
    } finally {
      c4();
    }
  });

  it('refuses a store from a newer parkzones', async () => {
    const { dir: d3, cleanup: c3 } = tempDir('pz-newer-');
    try {
      const f = path.join(d3, 's.duckdb');
      const s = await openStore({ path: f });
      await s.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
      s.close();
      await expect(openStore({ path: f })).rejects.toThrow(/schema version 99, newer than this parkzones reads/);
    } finally {
      c3();
    }
  });
});
