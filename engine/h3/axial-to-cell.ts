/** The cell at a face's axial lattice position: the integer half of latLngToCell on its own. */
import { BASE_CELL_TABLES } from './base-cell-tables.ts';
import { CLIMBED, climbPacked, climbToDigits, rotateClimbed } from './climb.ts';
import { finishCell, packField } from './face-ijk-to-cell.ts';

const digits = new Uint8Array(16);

/**
 * Writes the cell whose hexagon sits at axial (a, b) of `face`'s resolution-`res` lattice into out32[o] (low
 * half), out32[o + 1] (high half). Returns false when the position's resolution-0 ancestor is not in the tables
 * (a position no point of that face reaches). Exact for positions on or inside the face's triangle.
 */
export function axialToCell(face: number, a: number, b: number, res: number, out32: Uint32Array, o: number): boolean {
  const t = BASE_CELL_TABLES;
  const entry = climbPacked(a, b, res, face, 0);
  const bc = entry < 0 ? -1 : t.faceIjkBaseCell[entry]!;
  if (bc >= 0 && t.isPentagon[bc] === 0) {
    const rot = t.faceIjkRotations[entry]!;
    if (rot !== 0) rotateClimbed(rot);
    packField(bc, CLIMBED[0]!, res, out32, o);
    return true;
  }
  return finishCell(t, climbToDigits(a, b, res, face, digits), face, digits, res, out32, o);
}
