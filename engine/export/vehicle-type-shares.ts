import type { Store } from '../store/open-store.ts';
import { tripFilterSql, type DemandFilter } from '../bin/trip-filter.ts';

/**
 * Trip ends per vehicle type (as written in the uploads) among the trips a filter keeps: the weights with which
 * exports split a zone's capacity per vehicle type. Trips without a vehicle type (MDS 2.0 trips carry none) are left
 * out; with no typed trip at all the result is empty and exports fall back to `scooter_standing`.
 * @example
 * await vehicleTypeShares(store, { from: '2026-06-01' }) // { scooter: 41250, bicycle: 9800 }
 */
export async function vehicleTypeShares(store: Store, filter: DemandFilter = {}): Promise<Record<string, number>> {
  const f = tripFilterSql(filter);
  const rows = await store.query(
    `SELECT vehicle_type, count(*)::DOUBLE AS n FROM trips WHERE ${f.where} AND vehicle_type IS NOT NULL GROUP BY 1 ORDER BY 1`,
    f.params,
  );
  return Object.fromEntries(rows.map((r) => [String(r.vehicle_type), Number(r.n)]));
}
