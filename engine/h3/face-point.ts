/** Between 3D points and a face's axial lattice coordinates, through the face's gnomonic frame. */
import { FACE_FRAMES, HEX2D_SCALES } from './base-cell-tables.ts';
import { FRAME, FRAME_STRIDE, projectOnFace } from './face-frames.ts';

/**
 * Writes the (not normalised) 3D point of axial (a, b) on `face` at resolution `res` into out[0…2]: a point of
 * the face's gnomonic plane, so on the sphere's ray through the lattice point.
 */
export function axialToVec3(face: number, a: number, b: number, res: number, out: Float64Array): void {
  const F = FACE_FRAMES;
  const f = face * FRAME_STRIDE;
  const e = f + ((res & 1) === 1 ? FRAME.ea3 : FRAME.ea2);
  const s = 1 / HEX2D_SCALES[res]!;
  out[0] = F[f]! + (a * F[e]! + b * F[e + 3]!) * s;
  out[1] = F[f + 1]! + (a * F[e + 1]! + b * F[e + 4]!) * s;
  out[2] = F[f + 2]! + (a * F[e + 2]! + b * F[e + 5]!) * s;
}

/** Writes the fractional axial coordinates on `face` at `res` of the 3D point (x, y, z) into out[0…1]. */
export function vec3ToAxial(face: number, res: number, x: number, y: number, z: number, out: Float64Array): void {
  projectOnFace(FACE_FRAMES, HEX2D_SCALES, face, res, x, y, z, out);
}
