/**
 * Climbing the aperture-7 hierarchy from a hexagon at resolution r to its resolution-0 ancestor, collecting one
 * digit per level. One Class III plus one Class II level scale the lattice by exactly 7, so 4 levels at a time
 * are a table lookup on (a mod 49, b mod 49) and an exact division: no rounding, no per-level arithmetic.
 */
import { DIGIT_AXIAL, ROTATE_CCW_N, UNIT_DIGIT, childCenter } from './digits.ts';

interface JumpTable {
  /** Lattice scale of the jump: 7^(levels/2). */
  m: number;
  /** Entries per parity: m²; entry i = parity·size + (a mod m)·m + (b mod m). */
  size: number;
  /**
   * Corrections to ⌊a/m⌋ and ⌊b/m⌋ giving the coarser position, at 2i and 2i + 1: small (9.6 kB for 4 levels)
   * because the climb waits on them level after level.
   */
  q: Int8Array;
  /** Digits of the jumped levels (finest in the low 3 bits) turned n × 60° ccw, at n·2·size + i. */
  digits: Uint16Array;
}

/** Builds the jump table over `levels` levels (even), for both parities of the finest level. */
function jumpTable(levels: number): JumpTable {
  const m = 7 ** (levels / 2);
  const size = m * m;
  const q = new Int8Array(2 * 2 * size);
  const digits = new Uint16Array(6 * 2 * size);
  const seen = new Uint8Array(2 * size);
  for (let parity = 0; parity < 2; parity++) {
    for (let combo = 0; combo < 7 ** levels; combo++) {
      let a = 0;
      let b = 0;
      const ds: number[] = []; // finest first
      for (let l = levels - 1; l >= 0; l--) {
        const d = Math.floor(combo / 7 ** l) % 7; // combo's base-7 digits, coarsest first
        if (l !== levels - 1) [a, b] = childCenter(a, b, parity + l); // digit l sits l levels above the finest
        a += DIGIT_AXIAL[2 * d]!;
        b += DIGIT_AXIAL[2 * d + 1]!;
        ds[l] = d;
      }
      const ra = ((a % m) + m) % m;
      const rb = ((b % m) + m) % m;
      const i = parity * size + ra * m + rb;
      if (seen[i]) throw new Error(`aperture-${size} digit strings are not a residue system`);
      seen[i] = 1;
      q[2 * i] = (a - ra) / m;
      q[2 * i + 1] = (b - rb) / m;
      for (let n = 0; n < 6; n++) {
        let packed = 0;
        for (let l = 0; l < levels; l++) packed |= ROTATE_CCW_N[n * 8 + ds[l]!]! << (3 * l);
        digits[n * 2 * size + i] = packed;
      }
    }
  }
  return { m, size, q, digits };
}

const JUMP4 = jumpTable(4); // m = 49, size 2401
const JUMP2 = jumpTable(2); // m = 7, size 49
const INV49 = 1 / 49;
const INV7 = 1 / 7;

/** Index into the base-cell tables (face·27 + i·9 + j·3 + k) of resolution-0 axial (a, b), or −1 off the block. */
export function res0Entry(face: number, a: number, b: number): number {
  let i = a;
  let j = b;
  let k = 0;
  if (i < 0) {
    j -= i;
    k -= i;
    i = 0;
  }
  if (j < 0) {
    i -= j;
    k -= j;
    j = 0;
  }
  const m = Math.min(i, j, k);
  i -= m;
  j -= m;
  k -= m;
  if (i > 2 || j > 2 || k > 2) return -1;
  return face * 27 + i * 9 + j * 3 + k;
}

/** Holds the digit field of the last {@link climbPacked} call. */
export const CLIMBED = new Float64Array(1);

/** The jump-table rows the last climb went through (for re-reading its digits under another rotation). */
const path = { quads: new Int32Array(4), quadCount: 0, pair: -1, single: -1 };

/**
 * Climbs from axial (a, b) at `res` on `face` to resolution 0. Leaves in CLIMBED[0] the res digits, each turned
 * `rot` × 60° counter-clockwise, as the integer Σ d_r·8^(res−r) (digit 1 most significant), and returns the
 * resolution-0 table entry (see {@link res0Entry}).
 */
export function climbPacked(a: number, b: number, res: number, face: number, rot: number): number {
  let r = res;
  let n = 0;
  let field = 0;
  let mult = 1;
  const Q4 = JUMP4.q;
  const D4 = JUMP4.digits;
  const d4 = rot * 2 * JUMP4.size;
  path.pair = -1;
  path.single = -1;
  // ⌊(n + ½)/m⌋ is ⌊n/m⌋ for an integer n, and (n + ½)/m is never within rounding of an integer.
  // (`| 0` keeps the lattice arithmetic in int32, which V8 runs much faster than doubles.)
  for (; r >= 4; r -= 4) {
    const fa = Math.floor((a + 0.5) * INV49) | 0;
    const fb = Math.floor((b + 0.5) * INV49) | 0;
    const i = ((r & 1) * 2401 + (a - fa * 49) * 49 + (b - fb * 49)) | 0;
    path.quads[n++] = i;
    field += D4[d4 + i]! * mult;
    mult *= 4096;
    a = (fa - Q4[2 * i]!) | 0;
    b = (fb - Q4[2 * i + 1]!) | 0;
  }
  path.quadCount = n;
  if (r >= 2) {
    const fa = Math.floor((a + 0.5) * INV7) | 0;
    const fb = Math.floor((b + 0.5) * INV7) | 0;
    const i = ((r & 1) * 49 + (a - fa * 7) * 7 + (b - fb * 7)) | 0;
    path.pair = i;
    field += JUMP2.digits[rot * 98 + i]! * mult;
    mult *= 64;
    a = (fa - JUMP2.q[2 * i]!) | 0;
    b = (fb - JUMP2.q[2 * i + 1]!) | 0;
    r -= 2;
  }
  if (r === 1) {
    // Class III parent: round((3a − b)/7), round((a + 2b)/7); n/7 is never a tie.
    const pa = Math.floor((3 * a - b + 3.5) * INV7) | 0;
    const pb = Math.floor((a + 2 * b + 3.5) * INV7) | 0;
    const d = UNIT_DIGIT[(a - 2 * pa - pb + 1) * 3 + (b - 3 * pb + pa + 1)]!;
    path.single = d;
    field += ROTATE_CCW_N[rot * 8 + d]! * mult;
    a = pa;
    b = pb;
  }
  CLIMBED[0] = field;
  return res0Entry(face, a, b);
}

/** Re-reads the digits of the last {@link climbPacked} into CLIMBED[0], each turned `rot` × 60° ccw. */
export function rotateClimbed(rot: number): void {
  let field = 0;
  let mult = 1;
  const d4 = rot * 2 * JUMP4.size;
  for (let q = 0; q < path.quadCount; q++) {
    field += JUMP4.digits[d4 + path.quads[q]!]! * mult;
    mult *= 4096;
  }
  if (path.pair >= 0) {
    field += JUMP2.digits[rot * 2 * JUMP2.size + path.pair]! * mult;
    mult *= 64;
  }
  if (path.single >= 0) field += ROTATE_CCW_N[rot * 8 + path.single]! * mult;
  CLIMBED[0] = field;
}

/**
 * Like {@link climbPacked} without rotation, but writes the digits into digits[1…res] (face frame) for the
 * pentagon rules, which act digit by digit.
 */
export function climbToDigits(a: number, b: number, res: number, face: number, digits: Uint8Array): number {
  const entry = climbPacked(a, b, res, face, 0);
  let r = res;
  for (let q = 0; q < path.quadCount; q++, r -= 4) {
    const p = JUMP4.digits[path.quads[q]!]!;
    digits[r] = p & 7;
    digits[r - 1] = (p >> 3) & 7;
    digits[r - 2] = (p >> 6) & 7;
    digits[r - 3] = p >> 9;
  }
  if (path.pair >= 0) {
    const p = JUMP2.digits[path.pair]!;
    digits[r] = p & 7;
    digits[r - 1] = p >> 3;
  }
  if (path.single >= 0) digits[1] = path.single;
  return entry;
}
