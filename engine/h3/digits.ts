/**
 * H3 digits: the seven children of a cell are the centre (0) and the six unit steps K=1, J=2, JK=3, I=4, IK=5,
 * IJ=6 of the finer lattice. Here in axial coordinates (a, b) = (i − k, j − k), with rotation tables.
 */

/** The K digit: the direction deleted around pentagons. */
export const K_DIGIT = 1;
/** Axial step of each digit 0–6: a then b. */
export const DIGIT_AXIAL = Int8Array.of(0, 0, -1, -1, 0, 1, -1, 0, 1, 0, 0, -1, 1, 1);
/** Digit of an axial unit step (Δa, Δb), index (Δa + 1)·3 + (Δb + 1); −1 for steps that are not units. */
export const UNIT_DIGIT = Int8Array.of(1, 3, -1, 5, 0, 2, -1, 4, 6);
/** A digit turned 60° counter-clockwise (K→IK→I→IJ→J→JK→K); 7 (unused digit) stays 7. */
export const ROTATE_CCW = Uint8Array.of(0, 5, 3, 1, 6, 4, 2, 7);
/** A digit turned 60° clockwise. */
export const ROTATE_CW = Uint8Array.of(0, 3, 6, 2, 5, 1, 4, 7);

/** A digit turned n × 60° counter-clockwise, n = 0–5: ROTATE_CCW_N[n·8 + d]. */
export const ROTATE_CCW_N = (() => {
  const t = new Uint8Array(48);
  for (let d = 0; d < 8; d++) {
    let r = d;
    for (let n = 0; n < 6; n++) {
      t[n * 8 + d] = r;
      r = ROTATE_CCW[r]!;
    }
  }
  return t;
})();

/** The centre of cell (a, b)'s central child one level down, on a Class III (odd) or Class II (even) child level. */
export function childCenter(a: number, b: number, childRes: number): [number, number] {
  return (childRes & 1) === 1 ? [2 * a + b, 3 * b - a] : [3 * a - b, a + 2 * b];
}
