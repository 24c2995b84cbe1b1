import type { Store } from '../store/open-store.ts';
import { checkK } from './suppress-cells.ts';

/** A provider in the store, with its stored trips unless the count is hidden. */
export interface ProviderTrips {
  id: string;
  /** The provider's name, when an upload gave one (MDS 1.x `provider_name`, a CSV provider name column). */
  name?: string;
  /** Trips stored for the provider; absent when below k. */
  trips?: number;
}

/** The SQL of {@link providerTrips}: one row per provider id in `trips`, sorted, with its trip count. */
export const PROVIDER_TRIPS_SQL = `SELECT t.provider_id, any_value(p.provider_name) AS provider_name, count(*)::BIGINT AS trips
  FROM trips t LEFT JOIN providers p USING (provider_id) GROUP BY t.provider_id ORDER BY t.provider_id`;

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
    const named = r.provider_name === null ? { id: String(r.provider_id) } : { id: String(r.provider_id), name: String(r.provider_name) };
    return k === null || trips >= k ? { ...named, trips } : named;
  });
}

/**
 * The name an upload gave a provider (table `providers`), or null when none did: what people are shown instead of
 * the provider's id.
 */
export async function providerName(store: Store, providerId: string): Promise<string | null> {
  const rows = await store.query('SELECT provider_name FROM providers WHERE provider_id = $id AND provider_name IS NOT NULL', { id: providerId });
  return rows.length ? String(rows[0]!.provider_name) : null;
}
