export { latLngToCellBatch, H3_NULL } from './lat-lng-to-cell.ts';
export { cellToHex, hexToCell } from './cell-id.ts';
