import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { latLngToCell } from 'h3-js';
import { openStore, type Store } from '../engine/store/open-store.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run('SELECT setseed(0.4242)');
  await store.run(`
    CREATE TABLE points AS
    SELECT i, asin(random() * 2 - 1) * 180 / pi() AS lat, random() * 360 - 180 AS lng, (i % 16)::INTEGER AS res
    FROM range(100000) t(i)`);
});
afterAll(() => store.close());

const expected = (lat: number, lng: number, res: number) => BigInt('0x' + latLngToCell(lat, lng, res));

describe('h3_cell in DuckDB', () => {
  it('equals h3-js for 100k random points at a constant resolution', async () => {
    const rows = await store.query('SELECT lat, lng, h3_cell(lat, lng, 10) AS cell FROM points ORDER BY i');
    expect(rows).toHaveLength(100_000);
    const bad = rows.filter((r) => r.cell !== expected(r.lat as number, r.lng as number, 10));
    expect(bad).toEqual([]);
  });

  it('equals h3-js when the resolution changes from row to row', async () => {
    const rows = await store.query('SELECT lat, lng, res, h3_cell(lat, lng, res) AS cell FROM points ORDER BY i');
    const bad = rows.filter((r) => r.cell !== expected(r.lat as number, r.lng as number, r.res as number));
    expect(bad).toEqual([]);
  });

  it('groups trip ends by cell with the same counts as h3-js', async () => {
    const rows = await store.query(
      'SELECT h3_cell(lat, lng, 2) AS cell, count(*) AS n FROM points GROUP BY ALL ORDER BY n DESC, cell LIMIT 5',
    );
    const all = await store.query('SELECT lat, lng FROM points');
    const counts = new Map<bigint, number>();
    for (const r of all) {
      const c = expected(r.lat as number, r.lng as number, 2);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const r of rows) expect(Number(r.n)).toBe(counts.get(r.cell as bigint));
  });

  it('gives NULL for NULL input and for NaN or infinite coordinates', async () => {
    const rows = await store.query(`
      SELECT h3_cell(lat, lng, res) AS cell FROM (VALUES
        (NULL::DOUBLE, 2.35, 10), (48.85, NULL::DOUBLE, 10), (48.85, 2.35, NULL::INTEGER),
        ('nan'::DOUBLE, 2.35, 10), (48.85, 'inf'::DOUBLE, 10), ('-inf'::DOUBLE, 2.35, 10),
        (48.85, 2.35, 10)
      ) t(lat, lng, res)`);
    expect(rows.map((r) => r.cell)).toEqual([null, null, null, null, null, null, expected(48.85, 2.35, 10)]);
  });

  it('keeps NULL rows NULL amid thousands of valid rows (across vector chunks)', async () => {
    const rows = await store.query(`
      SELECT i, lat, lng, h3_cell(CASE WHEN i % 7 = 0 THEN NULL ELSE lat END, lng, 9) AS cell
      FROM points WHERE i < 10000 ORDER BY i`);
    for (const r of rows) {
      const i = Number(r.i);
      expect(r.cell).toBe(i % 7 === 0 ? null : expected(r.lat as number, r.lng as number, 9));
    }
  });

  it('errors on a resolution outside 0–15', async () => {
    await expect(store.query('SELECT h3_cell(48.85, 2.35, 16)')).rejects.toThrow('h3_cell: resolution must be an integer 0–15, got 16');
    await expect(store.query('SELECT h3_cell(lat, lng, CASE WHEN i = 5000 THEN -1 ELSE 9 END) FROM points')).rejects.toThrow(
      'h3_cell: resolution must be an integer 0–15, got -1',
    );
  });
});
