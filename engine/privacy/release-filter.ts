import type { DemandFilter } from '../bin/trip-filter.ts';

/**
 * The filter of an aggregate released to anyone but an admin, snapped to whole atoms. An atom is one H3 cell × one
 * provider × one local calendar month × weekday or weekend × one local hour, in the city's time zone; every count
 * served to a non-admin is a sum of atoms, each left out on its own when below k (engine/bin `atomK`). So that every
 * filter selects whole atoms, `from` and `to` are widened to the first of their local month (`to` to the first of
 * the next month unless it is one already) and the time zone is the city's. The snapped filter is what the
 * response reports as its filter.
 * @param filter the filter the caller asked for (already checked)
 * @param cityTz the city's IANA time zone (`PARKZONES_TZ`)
 * @example
 * releaseFilter({ from: '2026-06-03T07:00', to: '2026-06-03T08:00', tz: 'UTC' }, 'Europe/Paris')
 * // → { from: '2026-06-01', to: '2026-07-01', tz: 'Europe/Paris' }
 */
export function releaseFilter(filter: DemandFilter, cityTz: string): DemandFilter {
  const out: DemandFilter = { ...filter, tz: cityTz };
  if (filter.from !== undefined) out.from = monthStart(filter.from);
  if (filter.to !== undefined) {
    const start = monthStart(filter.to);
    out.to = isMonthStart(filter.to) ? start : nextMonth(start);
  }
  return out;
}

/** '2026-06-17T07:30' → '2026-06-01'. */
function monthStart(local: string): string {
  return `${local.slice(0, 7)}-01`;
}

/** True for '2026-06-01', '2026-06-01T00:00' and '2026-06-01 00:00:00'. */
function isMonthStart(local: string): boolean {
  return local.slice(8, 10) === '01' && /^[T ]?(00:00(:00)?)?$/.test(local.slice(10));
}

/** '2026-12-01' → '2027-01-01'. */
function nextMonth(monthStartDate: string): string {
  const y = Number(monthStartDate.slice(0, 4));
  const m = Number(monthStartDate.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${monthStartDate.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`;
}
