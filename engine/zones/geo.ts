/** Great-circle helpers of the zone algorithms (on the project's sphere, engine/geo). Coordinates are degrees, distances metres. */
import { EARTH_RADIUS_M, haversineM } from '../geo/haversine.ts';

export { EARTH_RADIUS_M, haversineM };

/**
 * Haversine distance from precomputed radians and cosines, for hot loops over typed arrays.
 * @param latRad1 latitude of the first point, radians
 * @param lngRad1 longitude of the first point, radians
 * @param cosLat1 `Math.cos(latRad1)`
 * @param latRad2 latitude of the second point, radians
 * @param lngRad2 longitude of the second point, radians
 * @param cosLat2 `Math.cos(latRad2)`
 * @returns metres
 */
export function haversineRadM(
  latRad1: number,
  lngRad1: number,
  cosLat1: number,
  latRad2: number,
  lngRad2: number,
  cosLat2: number,
): number {
  const sinDLat = Math.sin((latRad2 - latRad1) / 2);
  const sinDLng = Math.sin((lngRad2 - lngRad1) / 2);
  const a = sinDLat * sinDLat + cosLat1 * cosLat2 * sinDLng * sinDLng;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The weighted median of `values` (weights ≥ 0): the smallest value at which the cumulative weight reaches half the total.
 * @returns NaN when the total weight is 0
 */
export function weightedMedian(values: Float64Array, weights: Float64Array, count: number = values.length): number {
  let total = 0;
  for (let i = 0; i < count; i++) total += weights[i]!;
  if (!(total > 0)) return NaN;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const half = total / 2;
  let acc = 0;
  for (let r = 0; r < count; r++) {
    const i = order[r]!;
    acc += weights[i]!;
    if (acc >= half) return values[i]!;
  }
  return values[order[count - 1]!]!;
}
