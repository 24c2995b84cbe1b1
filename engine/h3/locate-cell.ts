/**
 * From a cell id to where its centre sits: the icosahedron face whose triangle holds it and its axial lattice
 * position there. Built on the same base-cell tables as latLngToCell: a base cell's table entries say where it
 * sits on each face and how its frame is turned. The walk down the lattice is linear — position = (base cell's
 * position scaled to the resolution) + (digits' offset turned into the face's frame) — and the digits' offset is
 * read four levels at a time from a table. Pentagons, whose turns skip the deleted K sub-sequence, try each
 * turn and check it with the forward (latLngToCell) path.
 */
import { BASE_CELL_TABLES } from './base-cell-tables.ts';
import { climbToDigits } from './climb.ts';
import { DIGIT_AXIAL, ROTATE_CCW_N, childCenter } from './digits.ts';
import { finishCell } from './face-ijk-to-cell.ts';

/** Offsets of digit strings of `levels` levels (coarsest digit in the top 3 bits), per parity of the first level. */
function offsetTable(levels: number): Int16Array {
  const t = new Int16Array(2 * 8 ** levels * 2);
  for (let parity = 0; parity < 2; parity++) {
    for (let q = 0; q < 8 ** levels; q++) {
      let a = 0;
      let b = 0;
      for (let l = 0; l < levels; l++) {
        const d = (q >> (3 * (levels - 1 - l))) & 7;
        [a, b] = childCenter(a, b, parity + l);
        if (d < 7) {
          a += DIGIT_AXIAL[2 * d]!;
          b += DIGIT_AXIAL[2 * d + 1]!;
        }
      }
      t[2 * (parity * 8 ** levels + q)] = a;
      t[2 * (parity * 8 ** levels + q) + 1] = b;
    }
  }
  return t;
}
const OFFSET4 = offsetTable(4);
const OFFSET2 = offsetTable(2);

interface Entry {
  face: number;
  rot: number;
  /** Axial a, b of the base cell's centre on this face at each resolution 0–15 (a at 2·res, b at 2·res + 1). */
  pos: Int32Array;
}

/** Where each base cell sits on each face it touches; positions on or inside the face's triangle first. */
const ENTRIES: Entry[][] = (() => {
  const lists: (Entry & { sum: number })[][] = Array.from({ length: 122 }, () => []);
  BASE_CELL_TABLES.faceIjkBaseCell.forEach((bc, e) => {
    if (bc < 0) return;
    const i = Math.floor(e / 9) % 3;
    const j = Math.floor(e / 3) % 3;
    const k = e % 3;
    const pos = new Int32Array(32);
    let a = i - k;
    let b = j - k;
    for (let res = 0; res <= 15; res++) {
      if (res > 0) [a, b] = childCenter(a, b, res);
      pos[2 * res] = a;
      pos[2 * res + 1] = b;
    }
    lists[bc]!.push({ face: Math.floor(e / 27), rot: BASE_CELL_TABLES.faceIjkRotations[e]!, pos, sum: i + j + k });
  });
  return lists.map((l) => l.sort((p, q) => p.sum - q.sum).map(({ face, rot, pos }) => ({ face, rot, pos })));
})();

/** 7^n for n = 0–8. */
const POW7 = Float64Array.from({ length: 9 }, (_, n) => 7 ** n);
const digits = new Uint8Array(16);
const faceDigits = new Uint8Array(16);
const check32 = new Uint32Array(2);

/**
 * Reads a cell id (low and high 32-bit halves) into digits[1…res] and returns res + 16·baseCell, or −1 when the
 * id is not a valid H3 cell (wrong mode or reserved bits, base cell ≥ 122, bad digits, a pentagon's deleted K
 * sub-sequence).
 */
export function decodeCell(lo: number, hi: number, out: Uint8Array): number {
  if (hi >>> 27 !== 1 || ((hi >>> 24) & 7) !== 0) return -1;
  const res = (hi >>> 20) & 15;
  const bc = (hi >>> 13) & 127;
  if (bc >= 122) return -1;
  let leading = 0;
  for (let r = 1; r <= 15; r++) {
    const p = (15 - r) * 3;
    const d = p >= 32 ? (hi >>> (p - 32)) & 7 : p === 30 ? (lo >>> 30) | ((hi & 1) << 2) : (lo >>> p) & 7;
    if (r <= res) {
      if (d === 7) return -1;
      if (leading === 0) leading = d;
      out[r] = d;
    } else if (d !== 7) return -1;
  }
  if (leading === 1 && BASE_CELL_TABLES.isPentagon[bc] === 1) return -1;
  return res + 16 * bc;
}

/** Whether axial (a, b) at `res` lies on or inside its face's triangle (in the Class II grid at or below res). */
export function isInsideFace(a: number, b: number, res: number): boolean {
  let m = POW7[res >> 1]!;
  if ((res & 1) === 1) {
    // centre child on the Class II grid below: (3a − b, a + 2b)
    const ca = 3 * a - b;
    b = a + 2 * b;
    a = ca;
    m *= 7;
  }
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
  return i + j + k - 3 * Math.min(i, j, k) <= 2 * m;
}

/** Offset (axial) of digits[1…res] from their resolution-0 ancestor's centre, in the digits' own frame. */
function digitOffset(d: Uint8Array, res: number, out: Int32Array): void {
  let a = 0;
  let b = 0;
  let r = 1;
  for (; r + 3 <= res; r += 4) {
    const t = 2 * ((r & 1) * 4096 + ((d[r]! << 9) | (d[r + 1]! << 6) | (d[r + 2]! << 3) | d[r + 3]!));
    a = 49 * a + OFFSET4[t]!;
    b = 49 * b + OFFSET4[t + 1]!;
  }
  if (r + 1 <= res) {
    const t = 2 * ((r & 1) * 64 + ((d[r]! << 3) | d[r + 1]!));
    a = 7 * a + OFFSET2[t]!;
    b = 7 * b + OFFSET2[t + 1]!;
    r += 2;
  }
  if (r === res) {
    // last level is odd (Class III): centre child (2a + b, 3b − a), then the digit's step
    const ca = 2 * a + b + DIGIT_AXIAL[2 * d[r]!]!;
    b = 3 * b - a + DIGIT_AXIAL[2 * d[r]! + 1]!;
    a = ca;
  }
  out[0] = a;
  out[1] = b;
}

const offset = new Int32Array(2);

/** Writes entry position + offset turned `turns` × 60° clockwise (face frame = digit frame turned back). */
function place(e: Entry, res: number, turns: number, out: Int32Array): void {
  let a = offset[0]!;
  let b = offset[1]!;
  for (let n = 0; n < turns; n++) {
    const t = b - a; // 60° clockwise: (a, b) → (b, b − a)
    a = b;
    b = t;
  }
  out[1] = e.pos[2 * res]! + a;
  out[2] = e.pos[2 * res + 1]! + b;
}

/**
 * Locates a cell's centre: writes face, axial a, axial b (at the cell's resolution) into out[0…2] and returns
 * the resolution, or −1 for an id that is not a valid cell.
 */
export function locateCell(lo: number, hi: number, out: Int32Array): number {
  const code = decodeCell(lo, hi, digits);
  if (code < 0) return -1;
  const res = code & 15;
  const bc = code >> 4;
  const entries = ENTRIES[bc]!;
  digitOffset(digits, res, offset);
  if (BASE_CELL_TABLES.isPentagon[bc] === 0) {
    // A hexagon's digits are the face's turned rot × 60° counter-clockwise.
    for (const e of entries) {
      place(e, res, e.rot, out);
      if (isInsideFace(out[1]!, out[2]!, res)) {
        out[0] = e.face;
        return res;
      }
    }
    return -1;
  }
  // A pentagon's digits are the face's turned rot × 60° plus possibly skip turns: try each, confirm forward.
  for (const e of entries) {
    for (let t = 0; t < 6; t++) {
      place(e, res, t, out);
      if (!isInsideFace(out[1]!, out[2]!, res)) continue;
      const back = ((6 - t) % 6) * 8;
      for (let r = 1; r <= res; r++) faceDigits[r] = ROTATE_CCW_N[back + digits[r]!]!;
      const entry = climbToDigits(out[1]!, out[2]!, res, e.face, faceDigits);
      if (finishCell(BASE_CELL_TABLES, entry, e.face, faceDigits, res, check32, 0) && check32[0] === lo && check32[1] === hi) {
        out[0] = e.face;
        return res;
      }
    }
  }
  return -1;
}
