/** Mean Earth radius in metres (IUGG), the sphere H3 and our walking distances use. */
export const EARTH_RADIUS_M = 6_371_008.8;

/**
 * Great-circle distance in metres between two points given as (lat, lng) in degrees.
 * @example haversineM(38.25, -85.75, 38.26, -85.75) // ≈ 1112
 */
export function haversineM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = Math.PI / 180;
  const s1 = Math.sin(((lat2 - lat1) * r) / 2);
  const s2 = Math.sin(((lng2 - lng1) * r) / 2);
  const h = s1 * s1 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * s2 * s2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
