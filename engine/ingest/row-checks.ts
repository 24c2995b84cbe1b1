/**
 * The row checks, written once as SQL over the staging table, for every input format.
 * The first failing check names the row's field and reason; a row failing none is stored.
 */
import { PROVIDER_ID_RULE, PROVIDER_ID_SQL_PATTERN } from '../provider-id.ts';
import { insideAreaSql, type ServiceArea } from './service-area.ts';

/** A check: a SQL predicate that is TRUE when the row is bad, the field it blames and the reason (a SQL string expression). */
export interface RowCheck {
  field: string;
  bad: string;
  reason: string;
}

/** Earliest time stored: 2000-01-01T00:00:00Z, ms. Micromobility exports start in the 2010s. */
export const EARLIEST_MS = 946_684_800_000;
/** Longest distance stored: 1,000 km (BIKETOWN's worst real glitch is 10,151 km in 17 minutes; its longest real ride 683 km). */
export const MAX_DISTANCE_M = 1_000_000;
/** Longest duration stored: 31 days (real exports hold rentals of a week; an export spans a month at most). */
export const MAX_DURATION_S = 31 * 86_400;

const asUtc = (msExpr: string) => `strftime(make_timestamptz((${msExpr} * 1000)::BIGINT), '%Y-%m-%d %H:%M:%S UTC')`;
// Below 1e11 ms (March 1973) and above -1e11: seconds sent as milliseconds, or a zero placeholder.
const seconds = (col: string) => `${col} > -100000000000 AND ${col} < 100000000000`;
/** Within 14 hours of the epoch: 1 Jan 1970 (or 31 Dec 1969) in some zone, the date a blank time becomes when written as 0. */
const PLACEHOLDER_MS = 14 * 3600_000;
const early = (col: string) =>
  `CASE WHEN abs(${col}) <= ${PLACEHOLDER_MS} THEN 'a placeholder date, not a time: ' || ${asUtc(col)} ` +
  `|| ' is the epoch (31 Dec 1969 / 1 Jan 1970 local), what a missing time becomes when written as 0' ` +
  `ELSE 'looks like seconds, not milliseconds, since 1970: ' || ${col}::BIGINT || ' ms is ' || ${asUtc(col)} END`;
const late = (col: string) => `'later than a day after the upload: ' || CASE WHEN ${col} < 1e15 THEN ${asUtc(col)} ELSE ${col} || ' ms' END`;
const outOfRange = (col: string, lim: number) => `${col} IS NOT NULL AND (NOT isfinite(${col}) OR ${col} < -${lim} OR ${col} > ${lim})`;

/**
 * The checks in the order they are applied. Timestamps below 1e11 ms (March 1973) are seconds sent as milliseconds, or,
 * within 14 hours of the epoch, a placeholder date (a missing time written as 0, shown as 31 Dec 1969 or 1 Jan 1970);
 * times before 2000 or after `$latest_ms` (the upload's time plus a day), distances above 1,000 km and durations
 * above 31 days are not real trips (and a time of 1e17 ms is not even a timestamp DuckDB can store).
 */
export const ROW_CHECKS: readonly RowCheck[] = [
  { field: 'bad_field', bad: 'bad_field IS NOT NULL', reason: 'bad_reason' },
  { field: 'provider_id', bad: "provider_id IS NULL OR provider_id = ''", reason: "'missing: the file has no provider_id; give the provider at upload'" },
  {
    field: 'provider_id',
    bad: `NOT regexp_full_match(provider_id, '${PROVIDER_ID_SQL_PATTERN}')`,
    // Printable ASCII only, cut: the id may hold NUL bytes or be a megabyte long.
    reason: `'not a valid provider id (${PROVIDER_ID_RULE}): ' || left(regexp_replace(provider_id, '[^ -~]', '?', 'g'), 100)`,
  },
  { field: 'provider_id', bad: '$only_provider::VARCHAR IS NOT NULL AND provider_id <> $only_provider::VARCHAR', reason: "'not the uploader''s provider ' || $only_provider::VARCHAR || ': ' || left(provider_id, 200)" }, // one kind of reason whatever the row's provider
  { field: 'trip_id', bad: "trip_id IS NULL OR trip_id = ''", reason: "'missing'" },
  { field: 'start_time', bad: 'start_ms IS NULL', reason: "'missing'" },
  { field: 'end_time', bad: 'end_ms IS NULL', reason: "'missing'" },
  { field: 'start_time', bad: 'NOT isfinite(start_ms)', reason: "'not finite: ' || start_ms" },
  { field: 'end_time', bad: 'NOT isfinite(end_ms)', reason: "'not finite: ' || end_ms" },
  { field: 'start_time', bad: seconds('start_ms'), reason: early('start_ms') },
  { field: 'end_time', bad: seconds('end_ms'), reason: early('end_ms') },
  { field: 'start_time', bad: `start_ms < ${EARLIEST_MS}`, reason: "'before 2000-01-01: ' || start_ms || ' ms'" },
  { field: 'end_time', bad: `end_ms < ${EARLIEST_MS}`, reason: "'before 2000-01-01: ' || end_ms || ' ms'" },
  { field: 'start_time', bad: 'start_ms > $latest_ms::DOUBLE', reason: late('start_ms') },
  { field: 'end_time', bad: 'end_ms > $latest_ms::DOUBLE', reason: late('end_ms') },
  { field: 'end_time', bad: 'end_ms < start_ms', reason: "'before start_time'" },
  { field: 'end_lat', bad: 'end_lat IS NULL', reason: "'missing'" },
  { field: 'end_lng', bad: 'end_lng IS NULL', reason: "'missing'" },
  { field: 'end_lat', bad: outOfRange('end_lat', 90), reason: "'out of range [-90, 90]: ' || end_lat" },
  { field: 'end_lng', bad: outOfRange('end_lng', 180), reason: "'out of range [-180, 180]: ' || end_lng" },
  { field: 'end_location', bad: 'end_lat = 0 AND end_lng = 0', reason: "'(0, 0) is not a place: a missing location written as zeros'" },
  { field: 'start_lat', bad: outOfRange('start_lat', 90), reason: "'out of range [-90, 90]: ' || start_lat" },
  { field: 'start_lng', bad: outOfRange('start_lng', 180), reason: "'out of range [-180, 180]: ' || start_lng" },
  { field: 'start_location', bad: 'start_lat = 0 AND start_lng = 0', reason: "'(0, 0) is not a place: a missing location written as zeros'" },
  { field: 'distance_m', bad: 'distance_m < 0 OR NOT isfinite(distance_m)', reason: "'negative or not finite: ' || distance_m" },
  { field: 'duration_s', bad: 'duration_s < 0 OR NOT isfinite(duration_s)', reason: "'negative or not finite: ' || duration_s" },
  { field: 'distance_m', bad: `distance_m > ${MAX_DISTANCE_M}`, reason: "'more than 1,000 km: ' || distance_m || ' m'" },
  { field: 'duration_s', bad: `duration_s > ${MAX_DURATION_S}`, reason: "'more than 31 days: ' || duration_s || ' s'" },
];

/** The checks of a service area, after the others: an end, then a start, outside it. */
export function serviceAreaChecks(area: ServiceArea): RowCheck[] {
  const label = area.label.replaceAll("'", "''");
  return [
    { field: 'end_location', bad: `NOT ${insideAreaSql(area, 'end_lat', 'end_lng')}`, reason: `'outside the service area (${label}): ' || end_lat || ', ' || end_lng` },
    {
      field: 'start_location',
      bad: `start_lat IS NOT NULL AND start_lng IS NOT NULL AND NOT ${insideAreaSql(area, 'start_lat', 'start_lng')}`,
      reason: `'outside the service area (${label}): ' || start_lat || ', ' || start_lng`,
    },
  ];
}

/** SQL expressions `(reject_field, reject_reason)` over the staging columns; both NULL for a good row. Uses `$only_provider` and `$latest_ms`. */
export function rejectColumnsSql(extra: readonly RowCheck[] = []): { field: string; reason: string } {
  const checks = [...ROW_CHECKS, ...extra];
  const field = checks.map((c) => `WHEN ${c.bad} THEN ${c.field === 'bad_field' ? 'bad_field' : `'${c.field}'`}`).join(' ');
  const reason = checks.map((c) => `WHEN ${c.bad} THEN ${c.reason}`).join(' ');
  return { field: `CASE ${field} END`, reason: `CASE ${reason} END` };
}

/** `$latest_ms` of the checks for an upload received at `receivedMs`: a day later. */
export function latestMs(receivedMs: number): number {
  return receivedMs + 86_400_000;
}
