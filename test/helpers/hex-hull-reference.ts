/**
 * engine/zones/footprint.ts `hexHull` as it was before it moved to typed arrays: plain arrays, Array sort. A reference
 * for the differential test only.
 */
import { cellToBoundary } from 'h3-js';
import { roundDeg, type PolygonGeometry } from '../../engine/zones/footprint.ts';

const cross = (ox: number, oy: number, ax: number, ay: number, bx: number, by: number): number =>
  (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);

export function hexHullReference(cellsHex: readonly string[]): PolygonGeometry {
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
