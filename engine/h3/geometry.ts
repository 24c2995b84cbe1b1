/** Constants of H3's icosahedral grid that are plain mathematics (the measured ones live in tables.ts). */

/** Length of one resolution-0 hex unit on the gnomonic plane of the unit sphere: (3 − √5) / 2. */
export const RES0_UNIT_GNOMONIC = 0.381966011250105151795413165634361882279690820194237137864551377;
/** Rotation from a Class II grid to the Class III grid one resolution finer: asin(√(3/28)) ≈ 19.1°, radians. */
export const AP7_ROT_RADS = 0.333473172251832115336090755351601070065900389;
/** sin 60° = √3 / 2. */
export const SIN60 = 0.8660254037844386467637231707529361834714;
/** 1 / sin 60° = 2 / √3. */
export const RSIN60 = 1.1547005383792515290182975610039149112953;

/** An angle moved into [0, 2π). */
export function positiveAngle(rads: number): number {
  const t = rads < 0 ? rads + 2 * Math.PI : rads;
  return rads >= 2 * Math.PI ? t - 2 * Math.PI : t;
}
