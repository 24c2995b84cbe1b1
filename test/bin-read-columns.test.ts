import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readColumnChunks, readColumns } from '../engine/bin/read-columns.ts';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

describe('reading results into typed arrays', () => {
  it('reads INTEGER, UBIGINT and DOUBLE columns over many chunks, with every value where the row put it', async () => {
    const sql = 'SELECT i::INTEGER - 5000 AS a, (i * 1000003)::UBIGINT + 18446744000000000000::UBIGINT AS b, i / 8 AS c FROM range(5000) t(i) ORDER BY i';
    const [a, b, c] = await readColumns(conn, sql, {}, ['int32', 'uint64', 'float64'] as const);
    expect(a).toBeInstanceOf(Int32Array);
    expect(b).toBeInstanceOf(BigUint64Array);
    expect(c).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(5000);
    for (const i of [0, 1, 2047, 2048, 4095, 4096, 4999]) {
      expect(a[i]).toBe(i - 5000);
      expect(b[i]).toBe(BigInt(i) * 1000003n + 18446744000000000000n);
      expect(c[i]).toBe(i / 8);
    }
    const chunks = await readColumnChunks(conn, sql, {}, ['int32'] as const);
    expect(chunks[0].length).toBeGreaterThan(1);
    expect(chunks[0].reduce((n, x) => n + x.length, 0)).toBe(5000);
  });

  it('reads a DOUBLE NULL as NaN, in a chunk with values around it', async () => {
    const [x] = await readColumns(conn, 'SELECT CASE WHEN i % 3 = 1 THEN NULL ELSE i::DOUBLE END FROM range(3000) t(i) ORDER BY i', {}, ['float64'] as const);
    expect(x[0]).toBe(0);
    expect(Number.isNaN(x[1])).toBe(true);
    expect(x[2]).toBe(2);
    expect(Number.isNaN(x[2998])).toBe(true);
    expect(x[2999]).toBe(2999);
  });

  it('refuses a NULL in an integer column rather than reading it as 0', async () => {
    await expect(readColumns(conn, 'SELECT CASE WHEN i = 7 THEN NULL ELSE i::INTEGER END FROM range(10) t(i)', {}, ['int32'] as const)).rejects.toThrow(/NULL/);
  });

  it('reads no rows as empty arrays, and takes parameters', async () => {
    const [x, y] = await readColumns(conn, 'SELECT i::INTEGER, i::DOUBLE FROM range(10) t(i) WHERE i > $min', { min: 100 }, ['int32', 'float64'] as const);
    expect(x.length).toBe(0);
    expect(y.length).toBe(0);
  });
});
