/**
 * Reading query results straight into typed arrays: the values of @duckdb/node-api's INTEGER, UBIGINT and DOUBLE
 * vectors copied chunk by chunk, with no JavaScript value made per row (converting 71,000 demand cells of 32
 * columns through `getColumns` cost about 150 ms of a zone proposal; 10 M parked spells would cost seconds).
 */
import type { DuckDBConnection, DuckDBResult, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { flat } from './flat-vector.ts';

/** The typed array a column is read into: INTEGER as Int32Array, UBIGINT as BigUint64Array, DOUBLE as Float64Array (NULL as NaN). */
export type ColumnKind = 'int32' | 'uint64' | 'float64';

/** A column's typed array by kind. */
export type ColumnArray<K extends ColumnKind> = K extends 'int32' ? Int32Array : K extends 'uint64' ? BigUint64Array : Float64Array;

/** A new typed array of `kind`, `n` long. */
function newColumn(kind: ColumnKind, n: number): Int32Array | BigUint64Array | Float64Array {
  return kind === 'int32' ? new Int32Array(n) : kind === 'uint64' ? new BigUint64Array(n) : new Float64Array(n);
}

/** A chunk's column as a new typed array of `kind` (`rows` long). */
function copyVector(v: DuckDBVector, kind: ColumnKind, rows: number): Int32Array | BigUint64Array | Float64Array {
  const col = newColumn(kind, rows);
  // A vector without NULLs (no validity mask) whose items are this kind's typed array is copied whole, else item by
  // item (flat-vector.ts).
  const raw = flat<unknown>(v);
  const whole = raw.items instanceof col.constructor && (raw.items as typeof col).length >= rows && raw.validity !== undefined && !raw.validity.data;
  if (whole) (col as Float64Array).set((raw.items as Float64Array).subarray(0, rows));
  else if (kind === 'float64') {
    for (let i = 0; i < rows; i++) {
      const x = v.getItem(i);
      (col as Float64Array)[i] = x === null ? NaN : Number(x);
    }
  } else {
    for (let i = 0; i < rows; i++) {
      const x = v.getItem(i);
      if (x === null) throw new Error(`readColumns: a NULL in a ${kind} column`);
      if (kind === 'int32') (col as Int32Array)[i] = Number(x);
      else (col as BigUint64Array)[i] = BigInt(x as bigint);
    }
  }
  return col;
}

/**
 * Reads the first `kinds.length` columns of a result chunk by chunk into typed arrays, one per chunk and column (no
 * regrowing of one large array): `out[column][chunk]`.
 */
export async function readResultChunks<const K extends readonly ColumnKind[]>(result: DuckDBResult, kinds: K): Promise<{ [I in keyof K]: ColumnArray<K[I]>[] }> {
  const out = kinds.map(() => [] as (Int32Array | BigUint64Array | Float64Array)[]);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (let c = 0; c < kinds.length; c++) out[c]!.push(copyVector(chunk.getColumnVector(c), kinds[c]!, chunk.rowCount));
  }
  return out as { [I in keyof K]: ColumnArray<K[I]>[] };
}

/**
 * Runs `sql` (to the end, in DuckDB's threads: a materialized result) and reads its first `kinds.length` columns as
 * {@link readResultChunks} does.
 */
export async function readColumnChunks<const K extends readonly ColumnKind[]>(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue>,
  kinds: K,
): Promise<{ [I in keyof K]: ColumnArray<K[I]>[] }> {
  return readResultChunks(await conn.run(sql, params), kinds);
}

/** The chunks of one column as one array. */
export function concatChunks<T extends Int32Array | BigUint64Array | Float64Array>(chunks: readonly T[], make: (n: number) => T): T {
  const out = make(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    (out as Float64Array).set(c as Float64Array, at);
    at += c.length;
  }
  return out;
}

/** Runs `sql` and reads its first `kinds.length` columns whole into typed arrays. */
export async function readColumns<const K extends readonly ColumnKind[]>(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue>,
  kinds: K,
): Promise<{ [I in keyof K]: ColumnArray<K[I]> }> {
  const chunks = (await readColumnChunks(conn, sql, params, kinds)) as unknown as (Int32Array | BigUint64Array | Float64Array)[][];
  return chunks.map((parts, c) => concatChunks(parts, (n) => newColumn(kinds[c]!, n) as never)) as { [I in keyof K]: ColumnArray<K[I]> };
}
