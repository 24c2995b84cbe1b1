import type { DuckDBValue } from '@duckdb/node-api';
import { requireOption } from '../errors.ts';
import { isValidTimeZone } from '../ingest/parse-time.ts';

/** Which trip ends count: by time (in the filter's time zone), hour of day, weekday/weekend and provider. */
export interface DemandFilter {
  /** First local date or date-time included, ISO ('2026-06-01' or '2026-06-01T07:00'). Default: no bound. */
  from?: string;
  /** First local date or date-time excluded. Default: no bound. */
  to?: string;
  /** Local hours of day (0–23) included. Default: all. */
  hours?: number[];
  /** 'weekday' (Mon–Fri), 'weekend' (Sat, Sun) or 'all'. Default 'all'. */
  days?: 'all' | 'weekday' | 'weekend';
  /** Provider ids included. Default: all. */
  providers?: string[];
  /** IANA zone for dates, hours and weekdays. Default 'UTC'. */
  tz?: string;
}

/** A WHERE clause over `trips` (alias-free) and its named parameters (`$tz` among them only when the clause uses it). */
export interface FilterSql {
  where: string;
  params: Record<string, DuckDBValue>;
  tz: string;
}

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$/;

/** Checks a filter, throwing BAD_OPTION naming the offending field; returns it with defaults filled in. */
export function validateFilter(filter: DemandFilter = {}): Required<Pick<DemandFilter, 'tz' | 'days'>> & DemandFilter {
  const tz = filter.tz ?? 'UTC';
  requireOption(isValidTimeZone(tz), 'tz', `unknown time zone "${tz}"`);
  for (const k of ['from', 'to'] as const) {
    const v = filter[k];
    if (v !== undefined) requireOption(LOCAL_TIME.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))), k, `must be an ISO date or date-time such as 2026-06-01 or 2026-06-01T07:00, got "${v}"`);
  }
  if (filter.from && filter.to) requireOption(filter.from.replace(' ', 'T') < filter.to.replace(' ', 'T'), 'from', `must be before to (${filter.from} ≥ ${filter.to})`);
  if (filter.hours) {
    requireOption(filter.hours.length > 0, 'hours', 'must name at least one hour');
    for (const h of filter.hours) requireOption(Number.isInteger(h) && h >= 0 && h <= 23, 'hours', `each hour must be a whole number 0–23, got ${h}`);
  }
  const days = filter.days ?? 'all';
  requireOption(['all', 'weekday', 'weekend'].includes(days), 'days', `must be all, weekday or weekend, got "${days}"`);
  if (filter.providers) requireOption(filter.providers.length > 0, 'providers', 'must name at least one provider');
  return { ...filter, tz, days };
}

/**
 * The SQL condition selecting the trips a filter keeps, judged by their end time (where the vehicle gets parked).
 * User values travel as parameters, never spliced into the text.
 * @example tripFilterSql({ hours: [7, 8], days: 'weekday', tz: 'Europe/Paris' }).where
 */
export function tripFilterSql(filter: DemandFilter = {}): FilterSql {
  const f = validateFilter(filter);
  const parts: string[] = ['TRUE'];
  const params: Record<string, DuckDBValue> = {};
  const local = 'timezone($tz::VARCHAR, end_time)';
  if (f.from) {
    parts.push(`${local} >= $from::TIMESTAMP`);
    params.from = f.from.replace('T', ' ');
  }
  if (f.to) {
    parts.push(`${local} < $to::TIMESTAMP`);
    params.to = f.to.replace('T', ' ');
  }
  if (f.hours) parts.push(`hour(${local}) IN (${[...new Set(f.hours)].map((h) => Math.trunc(h)).join(', ')})`);
  if (f.days === 'weekday') parts.push(`isodow(${local}) <= 5`);
  if (f.days === 'weekend') parts.push(`isodow(${local}) >= 6`);
  if (f.providers) {
    const names = f.providers.map((_, i) => `$provider_${i}`);
    f.providers.forEach((p, i) => (params[`provider_${i}`] = p));
    parts.push(`provider_id IN (${names.join(', ')})`);
  }
  if (parts.some((p) => p.includes('$tz'))) params.tz = f.tz;
  return { where: parts.join(' AND '), params, tz: f.tz };
}
