/**
 * From a resolution-0 table entry and face-frame digits to the 64-bit index: base cell lookup, turning the
 * digits into the base cell's frame (with the pentagon rules: the K sub-sequence is deleted), packing into two
 * 32-bit halves. Integer work only.
 */
import { K_DIGIT, ROTATE_CCW, ROTATE_CW } from './digits.ts';

/** Lookup tables that tie face lattices to base cells; generated from h3-js by `generate-tables.ts`. */
export interface BaseCellTables {
  /** Base cell of each (face, i, j, k) resolution-0 position, index face·27 + i·9 + j·3 + k; −1 where none. */
  faceIjkBaseCell: Int8Array;
  /** Counter-clockwise 60° turns from the face's frame into the base cell's frame, same index. */
  faceIjkRotations: Int8Array;
  /** 1 for the 12 pentagon base cells. */
  isPentagon: Uint8Array;
  /**
   * At bc·20 + face: how a pentagon's leading K digit, seen from that face, turns: 0 counter-clockwise,
   * 1 clockwise, 2 unknown (never seen while fitting; such cells are refused, and the caller defers).
   */
  pentagonCwFace: Uint8Array;
}

const TWO_POW_32 = 4294967296;
/** 8^(15 − res): moves res packed digits to the top of the 45-bit digit field. */
const DIGIT_SHIFT = Float64Array.from({ length: 16 }, (_, res) => 8 ** (15 - res));

/**
 * Packs mode 1, resolution, base cell and the used digits (the integer Σ d_r·8^(res−r)) into out32[o] (low
 * half) and out32[o + 1] (high half); unused digits are 7.
 */
export function packField(baseCell: number, field: number, res: number, out32: Uint32Array, o: number): void {
  const shift = DIGIT_SHIFT[res]!;
  const all = field * shift + (shift - 1);
  const top = Math.floor(all / TWO_POW_32);
  out32[o] = all - top * TWO_POW_32;
  out32[o + 1] = (0x08000000 | (res << 20) | (baseCell << 13) | top) >>> 0;
}

function leadingNonZero(digits: Uint8Array, res: number): number {
  for (let r = 1; r <= res; r++) if (digits[r] !== 0) return digits[r]!;
  return 0;
}

function rotateAll(digits: Uint8Array, res: number, table: Uint8Array): void {
  for (let r = 1; r <= res; r++) digits[r] = table[digits[r]!]!;
}

/** Counter-clockwise turn of a pentagon's digits, skipping the deleted K sub-sequence. */
function rotatePentagonCcw(digits: Uint8Array, res: number): void {
  let found = false;
  for (let r = 1; r <= res; r++) {
    const d = ROTATE_CCW[digits[r]!]!;
    digits[r] = d;
    if (!found && d !== 0) {
      found = true;
      if (d === K_DIGIT) rotateAll(digits, res, ROTATE_CCW);
    }
  }
}

/**
 * Turns face-frame digits[1…res] into the base cell's frame for the resolution-0 position `entry` (pentagon
 * rules included) and packs the cell. Returns false when the tables have no base cell for that position, or no
 * known turn for a pentagon's leading K digit there.
 */
export function finishCell(
  t: BaseCellTables,
  entry: number,
  face: number,
  digits: Uint8Array,
  res: number,
  out32: Uint32Array,
  o: number,
): boolean {
  const bc = entry < 0 ? -1 : t.faceIjkBaseCell[entry]!;
  if (bc < 0) return false;
  const rot = t.faceIjkRotations[entry]!;
  if (t.isPentagon[bc] === 1) {
    if (leadingNonZero(digits, res) === K_DIGIT) {
      const cw = t.pentagonCwFace[bc * 20 + face]!;
      if (cw > 1) return false;
      rotateAll(digits, res, cw === 1 ? ROTATE_CW : ROTATE_CCW);
    }
    for (let n = 0; n < rot; n++) rotatePentagonCcw(digits, res);
  } else {
    for (let n = 0; n < rot; n++) rotateAll(digits, res, ROTATE_CCW);
  }
  let field = 0;
  for (let r = 1; r <= res; r++) field = field * 8 + digits[r]!;
  packField(bc, field, res, out32, o);
  return true;
}
