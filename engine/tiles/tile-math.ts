/** Web-Mercator tile arithmetic (XYZ scheme, y down from the north), with `lng`/`lat` in degrees. */

/** Highest zoom the tile endpoint serves. */
export const MAX_ZOOM = 22;

/** The H3 resolution of demand cells drawn at zoom `z`: coarser cells when zoomed out (7 at most zoomed out, 11 at street level). */
export function resForZoom(z: number): number {
  if (z < 9) return 7;
  if (z < 11) return 8;
  if (z < 13) return 9;
  if (z < 15) return 10;
  return 11;
}

/** True when z/x/y names an existing tile (integers, 0 ≤ z ≤ MAX_ZOOM, 0 ≤ x, y < 2^z). */
export function isValidTile(z: number, x: number, y: number): boolean {
  if (!Number.isInteger(z) || !Number.isInteger(x) || !Number.isInteger(y)) return false;
  if (z < 0 || z > MAX_ZOOM) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}

/** World x of a longitude, in tiles at zoom `z`. */
export function lngToTileX(lng: number, z: number): number {
  return ((lng + 180) / 360) * 2 ** z;
}

/** World y of a latitude, in tiles at zoom `z` (clamped to the Mercator limit ±85.0511°). */
export function latToTileY(lat: number, z: number): number {
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const s = Math.sin((clamped * Math.PI) / 180);
  return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 2 ** z;
}

/** Bounds of tile z/x/y in degrees: `[west, south, east, north]`. */
export function tileBoundsLngLat(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  const lng = (tx: number) => (tx / n) * 360 - 180;
  const lat = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / n))) * 180) / Math.PI;
  return [lng(x), lat(y + 1), lng(x + 1), lat(y)];
}
