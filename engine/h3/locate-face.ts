/**
 * Which icosahedron face a unit vector falls on: the face whose centre is nearest (as H3 decides it), found by a
 * coarse lat/lng guess and a walk across face edges. Points within rounding of a face edge are reported as
 * undecided (−1) so the caller can defer to the reference.
 */
import { FACE_FRAMES } from './base-cell-tables.ts';
import { FRAME, FRAME_STRIDE } from './face-frames.ts';

/**
 * Minimum gap, in squared chord length between the two nearest face centres (or in p·(c_f − c_g), about half
 * of it), for the nearest face to be certain: far above rounding (~1e-15), far below any real separation.
 */
export const FACE_GAP = 1e-12;

/** The nearest face to a unit vector by a scan of all 20, or −1 when the two nearest are too close to call. */
export function closestFace(x: number, y: number, z: number): number {
  let best = -1;
  let bestSqd = 9;
  let second = 9;
  for (let f = 0; f < 20; f++) {
    const o = f * FRAME_STRIDE;
    const dx = FACE_FRAMES[o]! - x;
    const dy = FACE_FRAMES[o + 1]! - y;
    const dz = FACE_FRAMES[o + 2]! - z;
    const sqd = dx * dx + dy * dy + dz * dz;
    if (sqd < bestSqd) {
      second = bestSqd;
      bestSqd = sqd;
      best = f;
    } else if (sqd < second) second = sqd;
  }
  return second - bestSqd > FACE_GAP ? best : -1;
}

/** Adjacent face across each of a face's three edges, in the order of the frame's edge normals. */
const ADJACENT = (() => {
  const adj = new Int8Array(60);
  for (let f = 0; f < 20; f++) {
    for (let n = 0; n < 3; n++) {
      const e = f * FRAME_STRIDE + FRAME.edges + 3 * n;
      for (let g = 0; g < 20; g++) {
        let same = true;
        for (let k = 0; k < 3; k++) {
          if (FACE_FRAMES[f * FRAME_STRIDE + k]! - FACE_FRAMES[g * FRAME_STRIDE + k]! !== FACE_FRAMES[e + k]) same = false;
        }
        if (same) adj[f * 3 + n] = g;
      }
    }
  }
  return adj;
})();

/** Whether unit vector (x, y, z) is certainly on face f: inside all three edge planes by more than FACE_GAP. */
export function isOnFace(f: number, x: number, y: number, z: number): boolean {
  const F = FACE_FRAMES;
  const e = f * FRAME_STRIDE + FRAME.edges;
  return (
    x * F[e]! + y * F[e + 1]! + z * F[e + 2]! > FACE_GAP &&
    x * F[e + 3]! + y * F[e + 4]! + z * F[e + 5]! > FACE_GAP &&
    x * F[e + 6]! + y * F[e + 7]! + z * F[e + 8]! > FACE_GAP
  );
}

const GUESS_ROWS = 32;
const GUESS_COLS = 64;
/** First guess of the face by 32 latitude bands × 64 longitude sectors (degrees); the walk then settles it. */
const FACE_GUESS = (() => {
  const g = new Uint8Array(GUESS_ROWS * GUESS_COLS);
  for (let r = 0; r < GUESS_ROWS; r++) {
    for (let c = 0; c < GUESS_COLS; c++) {
      const latR = (((r + 0.5) / GUESS_ROWS) * 180 - 90) * (Math.PI / 180);
      const lngR = ((c + 0.5) / GUESS_COLS) * 2 * Math.PI;
      const f = closestFace(Math.cos(lngR) * Math.cos(latR), Math.sin(lngR) * Math.cos(latR), Math.sin(latR));
      g[r * GUESS_COLS + c] = Math.max(f, 0);
    }
  }
  return g;
})();

/**
 * The face of the unit vector (x, y, z) of the point (latDeg, lngDeg), or −1 when it lies within rounding of a
 * face edge.
 */
export function locateFace(latDeg: number, lngDeg: number, x: number, y: number, z: number): number {
  const F = FACE_FRAMES;
  let f = FACE_GUESS[((((latDeg + 90) * (GUESS_ROWS / 180)) | 0) & (GUESS_ROWS - 1)) * GUESS_COLS + (((lngDeg * (GUESS_COLS / 360)) | 0) & (GUESS_COLS - 1))]!;
  for (let step = 0; step < 6; step++) {
    const e = f * FRAME_STRIDE + FRAME.edges;
    const s0 = x * F[e]! + y * F[e + 1]! + z * F[e + 2]!;
    const s1 = x * F[e + 3]! + y * F[e + 4]! + z * F[e + 5]!;
    const s2 = x * F[e + 6]! + y * F[e + 7]! + z * F[e + 8]!;
    if (s0 > FACE_GAP && s1 > FACE_GAP && s2 > FACE_GAP) return f;
    if (Math.min(s0, s1, s2) > -FACE_GAP) return -1;
    f = ADJACENT[f * 3 + (s0 <= s1 && s0 <= s2 ? 0 : s1 <= s2 ? 1 : 2)]!;
  }
  return closestFace(x, y, z);
}
