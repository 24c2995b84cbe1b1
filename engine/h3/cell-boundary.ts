/** Cell outlines, for drawing and exports (not a hot path): a thin wrapper of h3-js `cellToBoundary`. */
import { cellToBoundary } from './h3-js.ts';

/**
 * The outline of a cell as a closed GeoJSON ring: [lng, lat] pairs in degrees, counter-clockwise as h3-js
 * gives them, the first vertex repeated at the end. Hexagons have 6 vertices (7 with the closing one),
 * pentagons 5; cells crossing an icosahedron edge get extra vertices there (up to 10).
 * @param cell an H3 cell id
 * @returns the ring, [lng, lat] per vertex
 * @throws Error (from h3-js) when `cell` is not a valid cell
 * @example
 * cellToBoundaryLngLat(0x8a1fb46622dffffn).length; // 7
 */
export function cellToBoundaryLngLat(cell: bigint): [number, number][] {
  const ring = cellToBoundary(cell.toString(16), true) as [number, number][];
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]); // h3-js closes it already
  return ring;
}
