/**
 * The arrowhead of a zone's move in a comparison, as a GeoJSON polygon.
 */
import type { Polygon } from 'geojson';

/**
 * A triangle pointing from `from` to `to`, centred midway along the move and a third of its length long, so that it
 * shows at any zoom and is never under the zone's circle at the end.
 * @returns null for a move of no length
 */
export function arrowhead(fromLngLat: [number, number], toLngLat: [number, number]): Polygon | null {
  const k = Math.cos((((fromLngLat[1] + toLngLat[1]) / 2) * Math.PI) / 180); // local east-west scale
  const dx = (toLngLat[0] - fromLngLat[0]) * k;
  const dy = toLngLat[1] - fromLngLat[1];
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return null;
  const ux = dx / len;
  const uy = dy / len;
  const size = len / 3;
  const mx = (fromLngLat[0] * k + toLngLat[0] * k) / 2;
  const my = (fromLngLat[1] + toLngLat[1]) / 2;
  const tip = [mx + (ux * size) / 2, my + (uy * size) / 2];
  const back = [mx - (ux * size) / 2, my - (uy * size) / 2];
  const half = size * 0.45;
  const left = [back[0]! - uy * half, back[1]! + ux * half];
  const right = [back[0]! + uy * half, back[1]! - ux * half];
  const ring = [tip, left, right, tip].map(([x, y]) => [x! / k, y!]);
  return { type: 'Polygon', coordinates: [ring] };
}
