/** The baseline of the SQL benchmarks: `h3_cell_h3js(lat, lng, res)`, h3-js's public string API called point by point. */
import { latLngToCell } from 'h3-js';
import { DuckDBScalarFunction, DOUBLE, INTEGER, UBIGINT } from '@duckdb/node-api';
import type { Store } from '../engine/store/open-store.ts';

/** Registers `h3_cell_h3js` on the store's connection (a drop-in for `h3_cell` in the same SQL). */
export function registerH3jsBaseline(store: Store): void {
  store.conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'h3_cell_h3js',
      returnType: UBIGINT,
      parameterTypes: [DOUBLE, DOUBLE, INTEGER],
      mainFunction: (_info, input, output) => {
        const lat = input.getColumnVector(0);
        const lng = input.getColumnVector(1);
        const res = input.getColumnVector(2);
        for (let i = 0; i < input.rowCount; i++) {
          output.setItem(i, BigInt('0x' + latLngToCell(lat.getItem(i) as number, lng.getItem(i) as number, res.getItem(i) as number)));
        }
        output.flush();
      },
    }),
  );
}
