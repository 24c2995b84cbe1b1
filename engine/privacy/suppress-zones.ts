import { checkK, DEFAULT_K, suppressProfile } from './suppress-cells.ts';

/** The fields of a zone that suppression reads: engine/zones' ZoneRecord and engine/export's ExportZone both fit. */
export interface SuppressibleZone {
  coveredTrips: number;
  profile: number[];
  /** Catchment cells, as bigint ids or hex strings. */
  catchment: readonly (bigint | string)[];
}

/**
 * k-anonymity for zones shown to anyone but an admin: a zone covering fewer than k trip ends is left out, hours of
 * its profile below k read 0, and its catchment names only cells in `visibleCells` (the cells that pass
 * suppression themselves) when that set is given.
 */
export function suppressZones<Z extends SuppressibleZone>(zones: readonly Z[], k: number = DEFAULT_K, visibleCells?: ReadonlySet<bigint>): Z[] {
  checkK(k);
  const visible = (c: bigint | string) => visibleCells!.has(typeof c === 'bigint' ? c : BigInt('0x' + c));
  return zones
    .filter((z) => z.coveredTrips >= k)
    .map((z) => ({
      ...z,
      profile: suppressProfile(z.profile, k),
      catchment: visibleCells ? z.catchment.filter(visible) : z.catchment,
    }));
}
