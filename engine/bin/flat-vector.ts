import type { DuckDBVector } from '@duckdb/node-api';

/**
 * The parts of a flat @duckdb/node-api vector (INTEGER, UBIGINT, DOUBLE, …) that the engine reads and writes
 * directly, outside the package's typed API: its typed array and its validity bitmap.
 */
export interface FlatVector<T> {
  /** One item per row (a view of, or a copy to be flushed into, the chunk's memory). */
  items: T;
  /** Validity: `data` holds one bit per row (1 = valid), or is null when every row is valid. */
  validity: { data: BigUint64Array | null };
}

/** A vector seen as its {@link FlatVector} parts. */
export function flat<T>(vector: DuckDBVector): FlatVector<T> {
  return vector as unknown as FlatVector<T>;
}
