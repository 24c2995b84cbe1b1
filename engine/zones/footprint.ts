import { cellToBoundary, cellsToMultiPolygon } from 'h3-js';

/** A GeoJSON Polygon geometry; positions are [lng, lat]. */
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: number[][][];
}

/** A GeoJSON MultiPolygon geometry; positions are [lng, lat]. */
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

/** A zone's footprint. */
export type FootprintGeometry = PolygonGeometry | MultiPolygonGeometry;

/** Degrees rounded to 7 decimals (about 1 cm): enough for a map, and stable text in stored JSON. */
export function roundDeg(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

const cross = (ox: number, oy: number, ax: number, ay: number, bx: number, by: number): number =>
  (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);

/**
 * The convex hull of the hexagons of a set of cells, as a GeoJSON Polygon with one counter-clockwise closed ring
 * (RFC 7946 right-hand rule). Uses the monotone-chain algorithm in the lng/lat plane (fine at city scale).
 * @param cellsHex H3 cells as hex strings (at least one)
 */
export function hexHull(cellsHex: readonly string[]): PolygonGeometry {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const hex of cellsHex) {
    for (const [lng, lat] of cellToBoundary(hex, true)) {
      xs.push(roundDeg(lng!));
      ys.push(roundDeg(lat!));
    }
  }
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  const hull: number[] = [];
  for (const pass of [order, [...order].reverse()]) {
    const start = hull.length;
    for (const p of pass) {
      while (hull.length >= start + 2) {
        const a = hull[hull.length - 2]!;
        const b = hull[hull.length - 1]!;
        if (cross(xs[a]!, ys[a]!, xs[b]!, ys[b]!, xs[p]!, ys[p]!) <= 0) hull.pop();
        else break;
      }
      hull.push(p);
    }
    hull.pop();
  }
  const ring = hull.map((i) => [xs[i]!, ys[i]!]);
  ring.push([...ring[0]!]);
  return { type: 'Polygon', coordinates: [ring] };
}

/**
 * The outline of the union of a set of cells (holes kept), as a GeoJSON MultiPolygon.
 * @param cellsHex H3 cells of one resolution as hex strings (at least one)
 */
export function hexOutline(cellsHex: readonly string[]): MultiPolygonGeometry {
  const polygons = cellsToMultiPolygon([...cellsHex], true);
  return {
    type: 'MultiPolygon',
    coordinates: polygons.map((polygon) => polygon.map((ring) => ring.map(([lng, lat]) => [roundDeg(lng!), roundDeg(lat!)]))),
  };
}
