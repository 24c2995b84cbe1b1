import { DuckDBScalarFunction, DOUBLE, INTEGER, UBIGINT, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';
import { latLngToCellBatch } from '../h3/index.ts';

/** The typed array DuckDB's vector wraps (zero-copy view of the chunk's memory). */
function itemsOf<T>(vector: DuckDBVector): T {
  return (vector as unknown as { items: T }).items;
}

/**
 * Registers `h3_cell(lat DOUBLE, lng DOUBLE, res INTEGER) → UBIGINT` on a connection: the H3 cell of a point,
 * equal to h3-js `latLngToCell` (as an integer). NULL in gives NULL out; a non-finite coordinate gives NULL;
 * a resolution outside 0–15 is an error.
 */
export function registerH3Functions(conn: DuckDBConnection): void {
  let scratch = new BigUint64Array(2048);
  conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'h3_cell',
      returnType: UBIGINT,
      parameterTypes: [DOUBLE, DOUBLE, INTEGER],
      mainFunction: (_info, input, output) => {
        const n = input.rowCount;
        const latV = input.getColumnVector(0);
        const lngV = input.getColumnVector(1);
        const resV = input.getColumnVector(2);
        const lat = itemsOf<Float64Array>(latV);
        const lng = itemsOf<Float64Array>(lngV);
        const res = itemsOf<Int32Array>(resV);
        if (scratch.length < n) scratch = new BigUint64Array(n);
        const out = itemsOf<BigUint64Array>(output);
        // Resolution is almost always a constant: convert in runs of equal resolution.
        let start = 0;
        while (start < n) {
          const r = res[start]!;
          if (!(r >= 0 && r <= 15)) throw new Error(`h3_cell: resolution must be 0–15, got ${r}`);
          let end = start + 1;
          while (end < n && res[end] === r) end++;
          latLngToCellBatch(lat.subarray(start, end), lng.subarray(start, end), r, scratch.subarray(start, end), end - start);
          start = end;
        }
        for (let i = 0; i < n; i++) {
          const valid =
            latV.getItem(i) !== null && lngV.getItem(i) !== null && resV.getItem(i) !== null && scratch[i] !== 0n;
          if (valid) out[i] = scratch[i]!;
          else output.setItem(i, null);
        }
        output.flush();
      },
    }),
  );
}
