/**
 * Small geometry helpers on GeoJSON ([lng, lat] order).
 */
import type { FeatureCollection, Geometry, Position } from 'geojson';
import type { BboxLngLat } from './api-types.ts';

/** Bounding box [west, south, east, north] of every position in a collection, or null when empty. */
export function bboxLngLat(collection: FeatureCollection<Geometry | null>): [number, number, number, number] | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (p: Position) => {
    const lng = p[0]!;
    const lat = p[1]!;
    if (lng < west) west = lng;
    if (lng > east) east = lng;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  };
  const walk = (coords: unknown): void => {
    if (!Array.isArray(coords)) return;
    if (typeof coords[0] === 'number') visit(coords as Position);
    else for (const c of coords) walk(c);
  };
  for (const f of collection.features) {
    const g = f.geometry;
    if (!g) continue;
    if (g.type === 'GeometryCollection') g.geometries.forEach((inner) => walk('coordinates' in inner ? inner.coordinates : null));
    else walk(g.coordinates);
  }
  return Number.isFinite(west) ? [west, south, east, north] : null;
}

/** Longitude wrapped into [-180, 180) (left as it is when already there). */
function wrapLng(lng: number): number {
  return lng >= -180 && lng < 180 ? lng : ((((lng + 180) % 360) + 360) % 360) - 180;
}

/**
 * Map bounds (longitudes possibly beyond ±180 when the map shows the world more than once) as the API's `bbox`:
 * longitudes wrapped into [-180, 180], west > east when the box crosses the antimeridian, the whole world when wider
 * than it; latitudes clamped to ±90.
 */
export function wrapBboxLngLat([west, south, east, north]: BboxLngLat): BboxLngLat {
  const [s, n] = [Math.max(-90, south), Math.min(90, north)];
  if (east - west >= 360) return [-180, s, 180, n];
  const w = wrapLng(west);
  const e = wrapLng(east);
  return [w, s, e === -180 ? 180 : e, n];
}

/**
 * The box to ask for when showing `view` (the map's bounds): `pad` of its size added on every side, then rounded
 * outward to a round step (1, 2 or 5 × a power of ten, about a twentieth of the padded box), so that small pans
 * stay inside it and a view shown again asks for the same box; then wrapped as {@link wrapBboxLngLat}.
 * @param view the bounds shown, [west, south, east, north]
 * @param pad share of the width and height added on each side (default 0.15)
 */
export function paddedBboxLngLat(view: BboxLngLat, pad = 0.15): BboxLngLat {
  const [w, s, e, n] = view;
  const dx = (e - w) * pad;
  const dy = (n - s) * pad;
  const size = Math.max(e - w + 2 * dx, n - s + 2 * dy, 1e-6) / 20;
  const power = 10 ** Math.floor(Math.log10(size));
  const step = [1, 2, 5].map((m) => m * power).find((x) => x >= size) ?? 10 * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(power)));
  const box = wrapBboxLngLat([Math.floor((w - dx) / step) * step, Math.floor((s - dy) / step) * step, Math.ceil((e + dx) / step) * step, Math.ceil((n + dy) / step) * step]);
  return box.map((x) => Number(x.toFixed(decimals))) as BboxLngLat;
}

/** True when `inner` lies within `outer` (both as the API's `bbox`; either may cross the antimeridian). */
export function bboxCovers(outer: BboxLngLat, inner: BboxLngLat): boolean {
  if (inner[1] < outer[1] || inner[3] > outer[3]) return false;
  const width = (b: BboxLngLat) => (b[0] <= b[2] ? b[2] - b[0] : b[2] - b[0] + 360);
  if (width(outer) >= 360) return true;
  const offset = (((inner[0] - outer[0]) % 360) + 360) % 360;
  return offset + width(inner) <= width(outer);
}

/** The smallest box holding both boxes; `a` itself when `b` is null or either crosses the antimeridian. */
export function bboxUnion(a: BboxLngLat, b: BboxLngLat | null): BboxLngLat {
  if (!b || a[0] > a[2] || b[0] > b[2]) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}
