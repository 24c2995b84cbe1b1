/** The generated lookup tables, assembled into the shapes the kernels read. */
import { AP7_ROT_RADS, RES0_UNIT_GNOMONIC } from './geometry.ts';
import { buildFaceFrames, hex2dScales } from './face-frames.ts';
import type { BaseCellTables } from './face-ijk-to-cell.ts';
import {
  FACE_AXIS_AZ_RADS,
  FACE_CENTER_LAT_RADS,
  FACE_CENTER_LNG_RADS,
  FACE_IJK_BASE_CELL,
  FACE_IJK_ROTATIONS,
  PENTAGON_BASE_CELLS,
  PENTAGON_CW_FACES,
  PENTAGON_UNSEEN_K_FACES,
} from './tables.ts';

// The kernels read and write 64-bit ids as two 32-bit halves through Uint32Array views, low half first.
if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) {
  throw new Error('engine/h3 needs a little-endian platform (it reads 64-bit cell ids as low, high 32-bit halves)');
}

/** Face → base cell tables of this library (see {@link BaseCellTables}). */
export const BASE_CELL_TABLES: BaseCellTables = (() => {
  const isPentagon = new Uint8Array(122);
  for (const bc of PENTAGON_BASE_CELLS) isPentagon[bc] = 1;
  const pentagonCwFace = new Uint8Array(122 * 20);
  for (const key of PENTAGON_CW_FACES) pentagonCwFace[key] = 1;
  for (const key of PENTAGON_UNSEEN_K_FACES) pentagonCwFace[key] = 2;
  return { faceIjkBaseCell: FACE_IJK_BASE_CELL, faceIjkRotations: FACE_IJK_ROTATIONS, isPentagon, pentagonCwFace };
})();

/** Per-face projection frames (see `buildFaceFrames`). */
export const FACE_FRAMES = buildFaceFrames(FACE_CENTER_LAT_RADS, FACE_CENTER_LNG_RADS, FACE_AXIS_AZ_RADS, AP7_ROT_RADS);

/** Hex2d units per gnomonic unit, by resolution. */
export const HEX2D_SCALES = hex2dScales(RES0_UNIT_GNOMONIC);
