import type { Store } from '../store/open-store.ts';

/** First and last local calendar date with a trip end, 'yyyy-mm-dd' (inclusive), or null when there are no trips. */
export interface TripDateRange {
  from: string;
  to: string;
}

/** Options of {@link tripDateRange}. */
export interface TripDateRangeOptions {
  /** IANA time zone the dates are read in. Default 'UTC'. */
  tz?: string;
  /** Only this provider's trips (an operator's own). Default null: all providers. */
  providerId?: string | null;
}

/** 'yyyy-mm-dd' of an instant in `tz`. */
export function localDate(epochMs: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** SQL of the earliest and latest trip end (epoch ms), optionally of one provider ($provider). */
export function tripDateRangeSql(byProvider: boolean): string {
  return `SELECT epoch_ms(min(end_time)) AS a, epoch_ms(max(end_time)) AS b FROM trips${byProvider ? ' WHERE provider_id = $provider' : ''}`;
}

/**
 * The dates the stored trips cover, local to the city: only dates, no counts (safe to show any role).
 * @returns the first and last local date with a trip end, or null when there are none
 */
export async function tripDateRange(store: Store, options: TripDateRangeOptions = {}): Promise<TripDateRange | null> {
  const tz = options.tz ?? 'UTC';
  const provider = options.providerId ?? null;
  const [r] = await store.query(tripDateRangeSql(provider !== null), provider !== null ? { provider } : undefined);
  if (r?.a === null || r?.a === undefined || r?.b === null || r?.b === undefined) return null;
  return { from: localDate(Number(r.a), tz), to: localDate(Number(r.b), tz) };
}
