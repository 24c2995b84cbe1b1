/**
 * The h3-js functions the engine uses, loaded with `require`. h3-js ships one large CommonJS file: imported from an
 * ES module, Node first parses it whole with cjs-module-lexer to find its named exports, 90–170 ms of every
 * command's start on this machine against 13–36 ms by `require`. Types still come from the package (`import type`).
 */
import { createRequire } from 'node:module';
import type * as H3 from 'h3-js';

const h3 = createRequire(import.meta.url)('h3-js') as typeof H3;

export const { cellToBoundary, cellToLatLng, cellToLocalIj, cellsToMultiPolygon, getBaseCellNumber, getRes0Cells, gridDisk, isPentagon, latLngToCell } = h3;
