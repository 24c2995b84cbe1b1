import { latLngToCell } from 'h3-js';

/** Written into `out` for a point whose lat or lng is not finite (NaN, ±Infinity): H3's "no cell" index. */
export const H3_NULL = 0n;

/**
 * Batch latLngToCell: the H3 cell of each point at resolution `res`, written into `out` as 64-bit ids.
 * Bit-exact with h3-js `latLngToCell`. A non-finite coordinate yields {@link H3_NULL}.
 * @param lat latitudes in degrees
 * @param lng longitudes in degrees
 * @param res H3 resolution 0–15
 * @param out receives one cell id per point; must be at least as long as `lat`
 * @param count how many points to convert (default: lat.length)
 */
export function latLngToCellBatch(
  lat: Float64Array,
  lng: Float64Array,
  res: number,
  out: BigUint64Array,
  count: number = lat.length,
): BigUint64Array {
  for (let i = 0; i < count; i++) {
    const la = lat[i]!;
    const lo = lng[i]!;
    out[i] = Number.isFinite(la) && Number.isFinite(lo) ? BigInt('0x' + latLngToCell(la, lo, res)) : H3_NULL;
  }
  return out;
}
