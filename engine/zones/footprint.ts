import { cellToBoundary, cellsToMultiPolygon } from '../h3/h3-js.ts';

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
  // Every vertex of every hexagon as h3-js gives it (the closing repeat included; duplicates change no hull), in
  // typed arrays, sorted by (lng, lat).
  let xs = new Float64Array(Math.max(16, cellsHex.length * 7));
  let ys = new Float64Array(xs.length);
  let np = 0;
  for (const hex of cellsHex) {
    const ring = cellToBoundary(hex, true);
    if (np + ring.length > xs.length) {
      const nx = new Float64Array(2 * (np + ring.length));
      nx.set(xs.subarray(0, np));
      xs = nx;
      const ny = new Float64Array(nx.length);
      ny.set(ys.subarray(0, np));
      ys = ny;
    }
    for (let v = 0; v < ring.length; v++) {
      xs[np] = roundDeg(ring[v]![0]!);
      ys[np++] = roundDeg(ring[v]![1]!);
    }
  }
  const order = new Int32Array(np);
  for (let i = 0; i < np; i++) order[i] = i;
  order.sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  const hull = new Int32Array(2 * np + 2);
  let size = 0;
  for (let pass = 0; pass < 2; pass++) {
    const start = size;
    for (let r = 0; r < np; r++) {
      const p = order[pass === 0 ? r : np - 1 - r]!;
      while (size >= start + 2) {
        const a = hull[size - 2]!;
        const b = hull[size - 1]!;
        if (cross(xs[a]!, ys[a]!, xs[b]!, ys[b]!, xs[p]!, ys[p]!) <= 0) size--;
        else break;
      }
      hull[size++] = p;
    }
    size--;
  }
  const ring: number[][] = [];
  for (let h = 0; h < size; h++) ring.push([xs[hull[h]!]!, ys[hull[h]!]!]);
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
