/** H3 for parkzones: a bit-exact batch latLngToCell kernel, cell centres, grid disks, outlines, id spellings. */
export { latLngToCellBatch, latLngToCellsBatch, H3_NULL } from './lat-lng-to-cell.ts';
export { cellToLatLngBatch } from './cell-to-lat-lng.ts';
export { gridDisk } from './grid-disk.ts';
export { cellToBoundaryLngLat } from './cell-boundary.ts';
export { cellToHex, hexToCell } from './cell-id.ts';
