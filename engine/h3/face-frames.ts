/**
 * Per-face 3D frames for the fast gnomonic projection: the face centre c and, for Class II and Class III grids,
 * the tangent vectors that read axial lattice coordinates straight off the gnomonic plane. A unit vector p
 * projects to fractional axial (p·α, p·β) / (p·c) × scale, with no trigonometry per point.
 */
import { RSIN60, SIN60 } from './geometry.ts';

/** Numbers stored per face in a frame table. */
export const FRAME_STRIDE = 36;
/**
 * Offsets inside one face's frame (3 numbers each): centre c; Class II axial read-out vectors α and β, Class III
 * α and β (p·α / p·c × scale is the axial a of p); the normals c_f − c_g of the planes to the three adjacent
 * faces g; and the tangent vectors of one axial step a and b, Class II then Class III (the way back).
 */
export const FRAME = { center: 0, a2: 3, b2: 6, a3: 9, b3: 12, edges: 15, ea2: 24, eb2: 27, ea3: 30, eb3: 33 } as const;

/** Axial vectors (α, β) of hex2d axes u (x) and w (y): b = y/sin 60°, a = x + b/2. */
function axialVectors(u: number[], w: number[]): [number[], number[]] {
  const beta = w.map((v) => v * RSIN60);
  return [u.map((v, k) => v + beta[k]! / 2), beta];
}

/**
 * Builds the frame table (20 × {@link FRAME_STRIDE} numbers) from face centres and i-axis azimuths (radians).
 * @param centerLat face-centre latitudes, radians
 * @param centerLng face-centre longitudes, radians
 * @param axisAz azimuth of each face's Class II i-axis, radians clockwise from north
 * @param ap7RotRads rotation of Class III grids against Class II, radians (counter-clockwise)
 */
export function buildFaceFrames(
  centerLat: ArrayLike<number>,
  centerLng: ArrayLike<number>,
  axisAz: ArrayLike<number>,
  ap7RotRads: number,
): Float64Array {
  const t = new Float64Array(20 * FRAME_STRIDE);
  const cr = Math.cos(ap7RotRads);
  const sr = Math.sin(ap7RotRads);
  for (let f = 0; f < 20; f++) {
    const lat = centerLat[f]!;
    const lng = centerLng[f]!;
    const c = [Math.cos(lat) * Math.cos(lng), Math.cos(lat) * Math.sin(lng), Math.sin(lat)];
    const east = [-Math.sin(lng), Math.cos(lng), 0];
    const north = [-Math.sin(lat) * Math.cos(lng), -Math.sin(lat) * Math.sin(lng), Math.cos(lat)];
    const ca = Math.cos(axisAz[f]!);
    const sa = Math.sin(axisAz[f]!);
    // hex2d angle θ runs counter-clockwise from the i-axis while azimuth runs clockwise from north.
    const u = [0, 1, 2].map((k) => ca * north[k]! + sa * east[k]!);
    const w = [0, 1, 2].map((k) => sa * north[k]! - ca * east[k]!);
    const u3 = [0, 1, 2].map((k) => cr * u[k]! + sr * w[k]!);
    const w3 = [0, 1, 2].map((k) => -sr * u[k]! + cr * w[k]!);
    const [a2, b2] = axialVectors(u, w);
    const [a3, b3] = axialVectors(u3, w3);
    t.set(c, f * FRAME_STRIDE + FRAME.center);
    t.set(a2, f * FRAME_STRIDE + FRAME.a2);
    t.set(b2, f * FRAME_STRIDE + FRAME.b2);
    t.set(a3, f * FRAME_STRIDE + FRAME.a3);
    t.set(b3, f * FRAME_STRIDE + FRAME.b3);
    // axial (1, 0) is hex2d (1, 0); axial (0, 1) is hex2d (−½, sin 60°)
    t.set(u, f * FRAME_STRIDE + FRAME.ea2);
    t.set([0, 1, 2].map((k) => -u[k]! / 2 + SIN60 * w[k]!), f * FRAME_STRIDE + FRAME.eb2);
    t.set(u3, f * FRAME_STRIDE + FRAME.ea3);
    t.set([0, 1, 2].map((k) => -u3[k]! / 2 + SIN60 * w3[k]!), f * FRAME_STRIDE + FRAME.eb3);
  }
  for (let f = 0; f < 20; f++) {
    const cf = t.subarray(f * FRAME_STRIDE, f * FRAME_STRIDE + 3);
    const dot = (g: number) => cf[0]! * t[g * FRAME_STRIDE]! + cf[1]! * t[g * FRAME_STRIDE + 1]! + cf[2]! * t[g * FRAME_STRIDE + 2]!;
    const adjacent = [...Array(20).keys()].filter((g) => g !== f).sort((g, h) => dot(h) - dot(g)).slice(0, 3);
    adjacent.forEach((g, n) => {
      for (let k = 0; k < 3; k++) t[f * FRAME_STRIDE + FRAME.edges + 3 * n + k] = cf[k]! - t[g * FRAME_STRIDE + k]!;
    });
  }
  return t;
}

/** Hex2d units per unit of gnomonic distance at each resolution 0–15: √7^res / (resolution-0 unit length). */
export function hex2dScales(res0UnitGnomonic: number): Float64Array {
  const s = new Float64Array(16);
  for (let r = 0; r < 16; r++) s[r] = Math.pow(7, r / 2) / res0UnitGnomonic;
  return s;
}

/**
 * Fast gnomonic projection of unit vector (x, y, z) onto `face` at resolution `res`: writes fractional axial
 * a, b into out[0], out[1]. Accurate to a few ulps; not bit-identical to H3's own float path.
 */
export function projectOnFace(
  frames: Float64Array,
  scales: Float64Array,
  face: number,
  res: number,
  x: number,
  y: number,
  z: number,
  out: Float64Array,
): void {
  const o = face * FRAME_STRIDE;
  const uo = o + ((res & 1) === 1 ? FRAME.a3 : FRAME.a2);
  const k = scales[res]! / (x * frames[o]! + y * frames[o + 1]! + z * frames[o + 2]!);
  out[0] = (x * frames[uo]! + y * frames[uo + 1]! + z * frames[uo + 2]!) * k;
  out[1] = (x * frames[uo + 3]! + y * frames[uo + 4]! + z * frames[uo + 5]!) * k;
}
