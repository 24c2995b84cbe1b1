/**
 * sin and cos of one angle at once, to about 2 ulps, for |x| ≤ π·(1 + 1/64): the nearest of 65 table angles
 * (steps of π/32) plus a Taylor polynomial for the remainder (|δ| ≤ π/64, first omitted term < 1e-17). Cheaper
 * than Math.sin + Math.cos; used only where the result is trusted with a tolerance (the fast projection).
 */

const STEPS = 32;
const INV_STEP = STEPS / Math.PI;
/** Largest |x| the table covers (beyond it, call Math.sin and Math.cos). */
export const SIN_COS_RANGE = Math.PI * (1 + 1 / (2 * STEPS));

const A0 = new Float64Array(2 * STEPS + 1);
const SIN0 = new Float64Array(2 * STEPS + 1);
const COS0 = new Float64Array(2 * STEPS + 1);
for (let k = -STEPS; k <= STEPS; k++) {
  A0[k + STEPS] = k * (Math.PI / STEPS);
  SIN0[k + STEPS] = Math.sin(A0[k + STEPS]!);
  COS0[k + STEPS] = Math.cos(A0[k + STEPS]!);
}
const S3 = -1 / 6;
const S5 = 1 / 120;
const S7 = -1 / 5040;
const S9 = 1 / 362880;
const C2 = -1 / 2;
const C4 = 1 / 24;
const C6 = -1 / 720;
const C8 = 1 / 40320;
const C10 = -1 / 3628800;

/** Writes sin x into out[o] and cos x into out[o + 1]; |x| must not exceed {@link SIN_COS_RANGE}. */
export function sinCos(x: number, out: Float64Array, o: number): void {
  const k = Math.round(x * INV_STEP) + STEPS;
  const d = x - A0[k]!; // exact: x and A0[k] are within a factor of 2 of each other, or A0[k] is 0
  const d2 = d * d;
  const sd = d * (1 + d2 * (S3 + d2 * (S5 + d2 * (S7 + d2 * S9))));
  const cd = 1 + d2 * (C2 + d2 * (C4 + d2 * (C6 + d2 * (C8 + d2 * C10))));
  out[o] = SIN0[k]! * cd + COS0[k]! * sd;
  out[o + 1] = COS0[k]! * cd - SIN0[k]! * sd;
}
