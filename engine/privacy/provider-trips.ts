import type { Store } from '../store/open-store.ts';
import { checkK } from './suppress-cells.ts';

/** A provider in the store, with its stored trips unless the count is hidden. */
export interface ProviderTrips {
  id: string;
  /** Trips stored for the provider; absent when below k. */
  trips?: number;
}

/** The SQL of {@link providerTrips}: one row per provider id in `trips`, sorted, with its trip count. */
export const PROVIDER_TRIPS_SQL = 'SELECT provider_id, count(*)::BIGINT AS trips FROM trips GROUP BY provider_id ORDER BY provider_id';

/**
 * Every provider with trips in the store and how many it has. A count below k is left out (the id stays: that a
 * provider operates is no rider's secret); k null shows every count.
 * @param store an open store
 * @param options.k k-anonymity threshold, or null for no suppression (admins)
 * @returns providers sorted by id
 * @throws RangeError when k is not a whole number ≥ 1
 * @example
 * await providerTrips(store, { k: 5 }) // → [{ id: 'bird', trips: 1204 }, { id: 'tiny' }] (tiny has 3 trips)
 */
export async function providerTrips(store: Store, options: { k: number | null }): Promise<ProviderTrips[]> {
  const { k } = options;
  if (k !== null) checkK(k);
  const rows = await store.query(PROVIDER_TRIPS_SQL);
  return rows.map((r) => {
    const trips = Number(r.trips);
    return k === null || trips >= k ? { id: String(r.provider_id), trips } : { id: String(r.provider_id) };
  });
}
