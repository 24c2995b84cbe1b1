import { cellToLatLng } from '../h3/h3-js.ts';
import { requireOption } from '../errors.ts';
import { cellToHex } from '../h3/index.ts';
import type { Store } from '../store/open-store.ts';
import { endCellSql } from '../store/cell-columns.ts';
import { tripFilterSql, type DemandFilter } from './trip-filter.ts';
import { parkedTripsSql } from './parked-sql.ts';
import { nextStartFresh } from '../store/next-start.ts';
import { isoDowSql, localSecondsSql } from './local-time-sql.ts';
import { readColumns } from './read-columns.ts';

/** The columns every consumer of demand cells reads (zones, privacy, tiles): entry i of every array describes cell i. */
export interface DemandColumns {
  res: number;
  count: number;
  cell: BigUint64Array;
  /** Cell centroids, degrees. */
  lat: Float64Array;
  lng: Float64Array;
  /**
   * Mean position of the cell's trip ends (each trip end counts once), degrees; absent when the source had only cells.
   * Zone proposal measures walks from and to these points, not the centroids.
   */
  endLat?: Float64Array;
  endLng?: Float64Array;
  /** Trip ends in the cell. */
  trips: Float64Array;
  /** Distinct devices that ended a trip in the cell. */
  devices: Float64Array;
  /** Distinct local days with at least one trip end in the cell. */
  days: Float64Array;
  /** count × 24, row-major: profile[i * 24 + h] = trip ends in cell i in local hour h. */
  profile: Float64Array;
  /** Sum of `trips`. */
  totalTrips: number;
}

/** Demand per H3 cell, column-wise, as {@link demandCells} returns it. Cells are sorted by id. */
export interface DemandCells extends DemandColumns {
  /** Trip ends on weekdays (Mon–Fri, local). */
  weekdayTrips: Float64Array;
  /** Median parked time after a trip end in the cell, seconds (NaN when no device id or next trip is known). */
  medianParkedS: Float64Array;
}

/** Options of {@link demandCells}. */
export interface DemandOptions {
  /** H3 resolution, 7–12. */
  res: number;
  /** Which trips count. Default: all. */
  filter?: DemandFilter;
  /** Longest parked spell counted, hours. Default 24. */
  capHours?: number;
  /** Compute the median parked time (a window over every trip of every device). Default true; false leaves NaN. */
  parkedTime?: boolean;
  /** Count distinct devices and days per cell. Default true; false leaves 0 (tiles and zones need only trip ends). */
  distinct?: boolean;
  /** Atom suppression at this k (see {@link DemandSqlParts.atomK}). Default: none. */
  atomK?: number;
}

/** What {@link demandCellsSql} bins. */
export interface DemandSqlParts {
  /** A relation with the trips columns (and `parked_s` when `parked`): `trips`, a subquery, `read_parquet(…)`. */
  source: string;
  /** A condition over the source's columns. Default TRUE. */
  where?: string;
  /** The source has `parked_s`, whose median is wanted. Default false. */
  parked?: boolean;
  /** SQL of local seconds of `end_s` (see local-time-sql.ts). Default: UTC. */
  localSeconds?: string;
  /** Count distinct devices and days per cell (the costliest part: half the query). Default true; false gives 0. */
  distinct?: boolean;
  /**
   * SQL of a row's cell. Default `h3_cell(end_lat, end_lng, $res)`, for any source with points; over the store's
   * trips, the stored column (store/cell-columns.ts `endCellSql`), which needs no H3 work at query time.
   */
  cell?: string;
  /**
   * Atom suppression (engine/privacy): count only trip ends whose atom — (cell, provider, local calendar month,
   * weekday or weekend, local hour) — holds at least this many. Cells whose atoms are all below it come back with 0
   * trips. Default: none (every trip end counts).
   */
  atomK?: number;
}

/**
 * Sum of a coordinate in units of 1e-7 degree (≈ 1 cm) as an exact integer: the same mean whatever order DuckDB's
 * threads add in, so a run recomputes bit for bit (a floating-point avg() does not). Each term fits a BIGINT
 * (|x| ≤ 1.8e9) and DuckDB sums BIGINTs into a HUGEINT: exact, and a quarter faster than HUGEINT terms.
 */
const E7_SUM = (col: string): string => `sum(round(${col} * 1e7)::BIGINT)`;

/*
 * In the two-step aggregates, each first-step sum (one cell, hour and weekday flag) is cast back to BIGINT: exact
 * below 5e9 trip ends per group, and the second step then adds BIGINTs, not HUGEINTs. The second step's hour and
 * weekday counts are sums of CASE rather than FILTER aggregates. Together 1.85× faster on 1.1 M trips at res 11
 * (same rows, byte for byte).
 */

/** The 24 hour columns of the second step, over the first step's `h` and `n`. */
const HOUR_SUMS_SQL = Array.from({ length: 24 }, (_, h) => `sum(CASE WHEN h = ${h} THEN n ELSE 0 END)::DOUBLE AS h${h}`).join(', ');

/**
 * The binning SQL: one row per H3 cell of trip ends, sorted by cell. Local hour, day and weekday come from integer
 * arithmetic on local seconds (no per-row time-zone lookups). Parameters: $res and those of `where`.
 */
export function demandCellsSql(parts: DemandSqlParts): string {
  const local = parts.localSeconds ?? 'end_s';
  const atomK = parts.atomK;
  if (atomK !== undefined && !(Number.isInteger(atomK) && atomK >= 1)) throw new RangeError(`atomK must be a whole number ≥ 1, got ${atomK}`);
  let rows = `
      SELECT cell, device_id, parked_s, end_lat, end_lng, loc // 86400 AS day, (loc % 86400) // 3600 AS h, ${isoDowSql('loc')} AS dow${atomK ? ', provider_id' : ''}
      FROM (
        SELECT ${parts.cell ?? 'h3_cell(end_lat, end_lng, $res::INTEGER)'} AS cell, device_id, end_lat, end_lng, ${parts.parked ? 'parked_s' : 'NULL::DOUBLE AS parked_s'},
               ${local.replaceAll('end_s', '(epoch_ms(end_time) // 1000)')} AS loc${atomK ? ', provider_id' : ''}
        FROM ${parts.source} WHERE ${parts.where ?? 'TRUE'}
      )`;
  // With atoms, `shown` marks the trip ends of atoms of at least atomK; every count below keeps only those.
  if (atomK) {
    rows = `
      SELECT *, count(*) OVER (PARTITION BY cell, provider_id, date_trunc('month', DATE '1970-01-01' + CAST(day AS INTEGER)), dow <= 5, h) >= ${atomK} AS shown
      FROM (${rows}) WHERE cell IS NOT NULL`;
  }
  const and = atomK ? ' AND shown' : '';
  const only = atomK ? ' FILTER (WHERE shown)' : '';
  const distinct = parts.distinct !== false;
  if (!atomK || (!distinct && !parts.parked)) {
    // Every count but the distinct ones and the median comes from a small first aggregate per (cell, hour,
    // weekday) and a second per cell (with atoms, over the shown trip ends only); devices, days and the median are
    // each their own aggregate, joined by cell. One aggregate holding two distinct counts, a median and 26 filtered
    // counts per cell cost three times as much (bench/pipeline.bench.ts).
    return `
    WITH t AS NOT MATERIALIZED (SELECT * FROM (${rows}) WHERE cell IS NOT NULL),
    k AS (SELECT cell, h, dow <= 5 AS weekday, count(*)${only} AS n, ${E7_SUM('end_lat')}${only}::BIGINT AS slat, ${E7_SUM('end_lng')}${only}::BIGINT AS slng
          FROM t GROUP BY ALL),
    base AS (
      SELECT cell, sum(n)::DOUBLE AS trips, sum(CASE WHEN weekday THEN n ELSE 0 END)::DOUBLE AS weekday_trips, ${HOUR_SUMS_SQL},
             (sum(slat)::DOUBLE / sum(n) / 1e7) AS end_lat, (sum(slng)::DOUBLE / sum(n) / 1e7) AS end_lng
      FROM k GROUP BY cell
    )${distinct ? `,
    dev AS (SELECT cell, count(*)::DOUBLE AS devices FROM (SELECT DISTINCT cell, device_id FROM t WHERE device_id IS NOT NULL) GROUP BY cell),
    dd AS (SELECT cell, count(*)::DOUBLE AS days FROM (SELECT DISTINCT cell, day FROM t) GROUP BY cell)` : ''}${parts.parked ? `,
    med AS (SELECT cell, median(parked_s)::DOUBLE AS median_parked_s FROM t GROUP BY cell)` : ''}
    SELECT base.cell, trips, ${distinct ? 'coalesce(dev.devices, 0)::DOUBLE AS devices, dd.days' : '0::DOUBLE AS devices, 0::DOUBLE AS days'}, weekday_trips,
           ${parts.parked ? 'med.median_parked_s' : 'NULL::DOUBLE AS median_parked_s'}, ${Array.from({ length: 24 }, (_, h) => `h${h}`).join(', ')}, end_lat, end_lng
    FROM base${distinct ? ' LEFT JOIN dev ON dev.cell = base.cell LEFT JOIN dd ON dd.cell = base.cell' : ''}${parts.parked ? ' LEFT JOIN med ON med.cell = base.cell' : ''}
    ORDER BY base.cell`;
  }
  const hours = Array.from({ length: 24 }, (_, h) => `count(*) FILTER (WHERE h = ${h}${and})::DOUBLE AS h${h}`).join(', ');
  return `
    WITH t AS (${rows})
    SELECT cell, count(*)${only}::DOUBLE AS trips,
           ${!distinct ? '0::DOUBLE AS devices, 0::DOUBLE AS days' : `count(DISTINCT device_id)${only}::DOUBLE AS devices, count(DISTINCT day)${only}::DOUBLE AS days`},
           (count(*) FILTER (WHERE dow <= 5${and}))::DOUBLE AS weekday_trips, median(parked_s)${only}::DOUBLE AS median_parked_s, ${hours},
           (${E7_SUM('end_lat')}${only}::DOUBLE / count(*)${only} / 1e7) AS end_lat, (${E7_SUM('end_lng')}${only}::DOUBLE / count(*)${only} / 1e7) AS end_lng
    FROM t WHERE cell IS NOT NULL GROUP BY cell ORDER BY cell`;
}

/** Local seconds SQL (over `end_s`) for `tz` across the end times of the store's trips; plain `end_s` for UTC. */
export async function storeLocalSecondsSql(store: Store, tz: string): Promise<string> {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 'end_s';
  const [r] = await store.query('SELECT epoch_ms(min(end_time)) AS a, epoch_ms(max(end_time)) AS b FROM trips');
  if (r?.a === null || r?.a === undefined) return 'end_s';
  return localSecondsSql('end_s', tz, Number(r.a), Number(r.b));
}

/** Checks an H3 resolution for demand work (7–12: a city block to a neighbourhood). */
export function validateRes(res: number, option = 'res'): void {
  requireOption(Number.isInteger(res) && res >= 7 && res <= 12, option, `H3 resolution must be a whole number 7–12, got ${res}`);
}

/**
 * Bins trip ends into H3 cells with DuckDB (a GROUP BY on the trips' stored cell column) and returns each cell's demand:
 * trip ends, devices, days, weekday share, median parked time, 24-hour profile and the mean position of its trip ends.
 * @example
 * const d = await demandCells(store, { res: 10, filter: { days: 'weekday', tz: 'America/New_York' } });
 */
export async function demandCells(store: Store, options: DemandOptions): Promise<DemandCells> {
  validateRes(options.res);
  const f = tripFilterSql(options.filter);
  const parked = options.parkedTime ?? true;
  const sql = demandCellsSql({
    source: parked ? `(${parkedTripsSql(options.capHours, await nextStartFresh(store.conn))})` : 'trips',
    where: f.where,
    parked,
    localSeconds: await storeLocalSecondsSql(store, f.tz),
    distinct: options.distinct,
    cell: endCellSql(options.res),
    ...(options.atomK !== undefined ? { atomK: options.atomK } : {}),
  });
  const kinds = ['uint64', ...Array.from({ length: 31 }, () => 'float64' as const)] as const;
  const cols = await readColumns(store.conn, sql, f.params, kinds);
  const cell = cols[0] as BigUint64Array;
  const num = cols as unknown as Float64Array[];
  const n = cell.length;
  const out: DemandCells = {
    res: options.res,
    count: n,
    cell,
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    trips: num[1]!,
    devices: num[2]!,
    days: num[3]!,
    weekdayTrips: num[4]!,
    medianParkedS: num[5]!,
    endLat: num[30]!,
    endLng: num[31]!,
    profile: new Float64Array(n * 24),
    totalTrips: 0,
  };
  for (let h = 0; h < 24; h++) {
    const col = num[6 + h]!;
    for (let i = 0; i < n; i++) out.profile[i * 24 + h] = col[i]!;
  }
  for (let i = 0; i < n; i++) {
    const [la, lo] = cellToLatLng(cellToHex(out.cell[i]!));
    out.lat[i] = la;
    out.lng[i] = lo;
    out.totalTrips += out.trips[i]!;
  }
  return out;
}

/** Trip ends per cell and provider, for roles allowed to see providers apart. Rows sorted by cell, then provider. */
export async function demandByProvider(
  store: Store,
  options: DemandOptions,
): Promise<{ cell: BigUint64Array; providerId: string[]; trips: Float64Array }> {
  validateRes(options.res);
  const f = tripFilterSql(options.filter);
  const reader = await store.conn.runAndReadAll(
    `SELECT ${endCellSql(options.res)} AS cell, provider_id, count(*)::DOUBLE AS trips
     FROM trips WHERE ${f.where} GROUP BY ALL HAVING cell IS NOT NULL ORDER BY cell, provider_id`,
    f.params,
  );
  const cols = reader.currentRowCount > 0 ? reader.getColumns() : [[], [], []];
  return { cell: BigUint64Array.from(cols[0] as bigint[]), providerId: (cols[1] as string[]).map(String), trips: Float64Array.from(cols[2] as number[]) };
}

/** Provider ids present in the store, sorted. */
export async function listProviders(store: Store): Promise<string[]> {
  const rows = await store.query('SELECT DISTINCT provider_id FROM trips ORDER BY 1');
  return rows.map((r) => String(r.provider_id));
}
