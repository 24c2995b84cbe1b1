/**
 * Small geometry helpers on GeoJSON ([lng, lat] order).
 */
import type { FeatureCollection, Geometry, Position } from 'geojson';

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
