import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { latLngToCell } from 'h3-js';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { latLngToCellBatch, latLngToCellsBatch } from '../engine/h3/index.ts';
import { cellColumnNames, STORED_CELL_RESOLUTIONS } from '../engine/store/cell-columns.ts';
import { Random } from '../fixtures/index.ts';

const expected = (lat: number, lng: number, res: number) => BigInt('0x' + latLngToCell(lat, lng, res));

describe('latLngToCellsBatch (several resolutions in one pass)', () => {
  it('equals h3-js at every resolution, worldwide and in a city, whatever the order of the resolutions', () => {
    const rng = new Random(16);
    const n = 8_000;
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // Half worldwide (every face, pentagons' neighbourhoods included), half in one city (the common case).
      const world = i % 2 === 0;
      lat[i] = world ? (Math.asin(rng.next() * 2 - 1) * 180) / Math.PI : 45.45 + rng.next() * 0.2;
      lng[i] = world ? rng.next() * 360 - 180 : -122.75 + rng.next() * 0.2;
    }
    for (const resolutions of [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [12, 7, 10, 8, 11, 9]]) {
      const outs = resolutions.map(() => new BigUint64Array(n));
      latLngToCellsBatch(lat, lng, resolutions, outs, n);
      resolutions.forEach((res, k) => {
        const bad: number[] = [];
        for (let i = 0; i < n; i++) if (outs[k]![i] !== expected(lat[i]!, lng[i]!, res)) bad.push(i);
        expect(bad, `resolution ${res}`).toEqual([]);
        // And the same as the one-resolution kernel.
        expect(outs[k]).toEqual(latLngToCellBatch(lat, lng, res, new BigUint64Array(n)));
      });
    }
  });

  it('writes 0 at every resolution for a point that is not finite, and refuses bad arguments', () => {
    const outs = [new BigUint64Array(3), new BigUint64Array(3)];
    latLngToCellsBatch(Float64Array.of(NaN, 45.5, 45.5), Float64Array.of(2, Infinity, -122.6), [9, 10], outs);
    expect([outs[0]![0], outs[0]![1], outs[1]![0], outs[1]![1]]).toEqual([0n, 0n, 0n, 0n]);
    expect(outs[1]![2]).toBe(expected(45.5, -122.6, 10));
    expect(() => latLngToCellsBatch(new Float64Array(1), new Float64Array(1), [9, 16], [new BigUint64Array(1), new BigUint64Array(1)])).toThrow(RangeError);
    expect(() => latLngToCellsBatch(new Float64Array(1), new Float64Array(1), [9, 10], [new BigUint64Array(1)])).toThrow('2 resolutions but 1 outputs');
  });
});

describe('h3_stored_cells in DuckDB', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ path: ':memory:' });
    await store.run('SELECT setseed(0.16)');
    await store.run(`
      CREATE TABLE points AS
      SELECT i, CASE WHEN i % 997 = 0 THEN NULL WHEN i % 991 = 0 THEN 'NaN'::DOUBLE ELSE asin(random() * 2 - 1) * 180 / pi() END AS end_lat,
             CASE WHEN i % 983 = 0 THEN NULL ELSE random() * 360 - 180 END AS end_lng
      FROM range(12000) t(i)`);
  });
  afterAll(() => store.close());

  it('gives every stored resolution, each equal to h3_cell and to h3-js; NULL for a NULL or non-finite point', async () => {
    const fields = cellColumnNames();
    const rows = await store.query(
      `SELECT i, end_lat, end_lng, c IS NULL AS none, ${fields.map((f) => `c.${f} AS ${f}`).join(', ')},
              ${STORED_CELL_RESOLUTIONS.map((r) => `h3_cell(end_lat, end_lng, ${r}) AS s${r}`).join(', ')}
       FROM (SELECT *, h3_stored_cells(end_lat, end_lng) AS c FROM points) ORDER BY i`,
    );
    expect(rows).toHaveLength(12_000);
    let nulls = 0;
    for (const r of rows) {
      const lat = r.end_lat as number | null;
      const lng = r.end_lng as number | null;
      if (lat === null || lng === null || !Number.isFinite(lat)) {
        nulls++;
        expect(r.none, `row ${r.i}`).toBe(true);
        for (const f of fields) expect(r[f]).toBeNull();
        continue;
      }
      STORED_CELL_RESOLUTIONS.forEach((res, k) => {
        expect(r[fields[k]!], `row ${r.i} res ${res}`).toBe(expected(lat, lng, res));
        expect(r[fields[k]!]).toBe(r[`s${res}`]);
      });
    }
    expect(nulls).toBeGreaterThan(25);
  });

  it('takes constants as well as columns', async () => {
    const rows = await store.query(
      `SELECT count(*) AS n, count_if(h3_stored_cells(45.5, x).end_cell_12 IS DISTINCT FROM h3_cell(45.5, x, 12)) AS diff,
              any_value(h3_stored_cells(45.5, -122.6).end_cell_10) AS one
       FROM (SELECT -122.6 + i / 1e6 AS x FROM range(5000) t(i))`,
    );
    expect(rows[0]).toEqual({ n: 5000n, diff: 0n, one: expected(45.5, -122.6, 10) });
  });
});
