import { INTEGER, UBIGINT, DuckDBDataChunk } from '@duckdb/node-api';
import { requireOption } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { endCellSql } from '../store/cell-columns.ts';
import { tripFilterSql, type DemandFilter } from './trip-filter.ts';
import { parkedTripsSql } from './parked-sql.ts';
import { validateRes } from './demand-cells.ts';

/** Options of {@link parkedPeaks}. */
export interface ParkedPeaksOptions {
  /** H3 resolution of `cells`, 7–12. */
  res: number;
  /** Which trip ends count. Default: all. */
  filter?: DemandFilter;
  /** Cells to measure. */
  cells: BigUint64Array;
  /** Group of each cell (e.g. its zone), 0…groupCount-1; -1 leaves the cell out. */
  groups: Int32Array;
  groupCount: number;
  /** Percentile of daily peaks reported, 0–1. Default 0.85. */
  percentile?: number;
  /** Slot length, minutes. A vehicle counts in every slot it stands in for any part of. Default 15. */
  slotMinutes?: number;
  /** Longest parked spell counted, hours; a device's last trip stands this long. Default 24. */
  capHours?: number;
}

/** Vehicles standing at once per group: the highest over all slots, and the percentile of daily highs. */
export interface ParkedPeaks {
  peak: Float64Array;
  percentilePeak: Float64Array;
  /** Local days the percentile was taken over. */
  days: number;
}

/**
 * Parked-vehicle peaks of each demand cell on its own: the vehicles standing at once in the cell, highest slot and
 * percentile of daily highs (each cell its own group of {@link parkedPeaks}).
 */
export function cellParkedPeaks(
  store: Store,
  cells: { res: number; count: number; cell: BigUint64Array },
  options: Pick<ParkedPeaksOptions, 'filter' | 'percentile' | 'slotMinutes' | 'capHours'> = {},
): Promise<ParkedPeaks> {
  const groups = new Int32Array(cells.count);
  for (let i = 0; i < cells.count; i++) groups[i] = i;
  return parkedPeaks(store, { ...options, res: cells.res, cells: cells.cell, groups, groupCount: cells.count });
}

/** What {@link parkedPeaksSql} measures (parameters `$tz`, `$pct` and the filter's own). */
export interface ParkedPeaksSqlParts {
  res: number;
  /** The trip filter's WHERE (engine/bin `tripFilterSql`). */
  where: string;
  /** Slot length, whole seconds. */
  slotSeconds: number;
  capHours?: number | undefined;
}

/**
 * The sweep of parked spells over `temp.parked_groups (cell, grp)`: each spell is +1 at its first slot and −1 after
 * its last; a running sum per group gives the segments of constant occupancy, and each segment with vehicles is
 * matched (ASOF joins on the sorted day starts) to the few local days whose 24-hour window it overlaps. Work grows
 * with the spells, never with groups × days: a day a group has no vehicle on is a 0 in its percentile, counted, not
 * materialised. Rows: grp, highest count, percentile of daily highs (`quantile_cont` over every day, zeros included,
 * interpolated the same way), days; plus a row of grp −1 carrying the day count when any trip end is in a group.
 */
export function parkedPeaksSql(parts: ParkedPeaksSqlParts): string {
  const slot = parts.slotSeconds;
  const window = Math.round(86400 / slot);
  return `WITH p AS (
       SELECT g.grp, floor(epoch(t.end_time) / ${slot})::BIGINT AS a, floor(epoch(t.park_end) / ${slot})::BIGINT + 1 AS b
       FROM (${parkedTripsSql(parts.capHours)}) t
       JOIN temp.parked_groups g ON g.cell = ${endCellSql(parts.res, 't.')}
       WHERE g.grp >= 0 AND t.device_id IS NOT NULL AND ${parts.where}
     ),
     days AS (
       SELECT DISTINCT timezone($tz::VARCHAR, end_time)::DATE AS day FROM trips WHERE ${parts.where}
     ),
     day_starts AS (
       SELECT day, ds, row_number() OVER (ORDER BY ds, day) AS i
       FROM (SELECT day, floor(epoch(timezone($tz::VARCHAR, day::TIMESTAMP)) / ${slot})::BIGINT AS ds FROM days)
     ),
     ev AS (SELECT grp, a AS s, 1 AS d FROM p UNION ALL SELECT grp, b AS s, -1 AS d FROM p),
     agg AS (SELECT grp, s, sum(d) AS d FROM ev GROUP BY ALL),
     occ AS (
       SELECT grp, s, sum(d) OVER (PARTITION BY grp ORDER BY s ROWS UNBOUNDED PRECEDING) AS n, lead(s) OVER (PARTITION BY grp ORDER BY s) AS e
       FROM agg
     ),
     seg AS (SELECT grp, s, e, n FROM occ WHERE n > 0),
     seg_first AS (SELECT seg.*, d.i AS i0 FROM seg ASOF LEFT JOIN day_starts d ON seg.s >= d.ds),
     seg_span AS (SELECT sf.*, d.i AS i1 FROM seg_first sf ASOF JOIN day_starts d ON sf.e - 1 >= d.ds),
     cand AS (SELECT grp, s, e, n, unnest(range(greatest(coalesce(i0, 1) - 1, 1), i1 + 1)) AS i FROM seg_span),
     daily AS (
       SELECT c.grp, d.day, max(c.n)::DOUBLE AS peak
       FROM cand c JOIN day_starts d ON d.i = c.i
       WHERE d.ds < c.e AND d.ds + ${window} > c.s
       GROUP BY ALL
     ),
     nd AS (SELECT count(*)::BIGINT AS nd FROM days),
     ranked AS (
       SELECT grp, max(peak) AS peak, count(*)::BIGINT AS k, list_sort(list(peak)) AS v, any_value(nd) AS nd, $pct::DOUBLE * (any_value(nd) - 1) AS pos
       FROM daily, nd GROUP BY grp
     ),
     bounds AS (SELECT *, floor(pos)::BIGINT AS lo, ceil(pos)::BIGINT AS hi, nd - k AS z FROM ranked),
     vals AS (
       SELECT *, CASE WHEN lo < z THEN 0::DOUBLE ELSE v[lo - z + 1] END AS vlo, CASE WHEN hi < z THEN 0::DOUBLE ELSE v[hi - z + 1] END AS vhi
       FROM bounds
     )
     SELECT grp, peak, CASE WHEN lo = hi THEN vlo ELSE vlo + (vhi - vlo) * (pos - lo) END AS pct, nd::DOUBLE AS days FROM vals
     UNION ALL
     SELECT -1, 0, 0, (SELECT nd FROM nd)::DOUBLE WHERE EXISTS (SELECT 1 FROM p)`;
}

/**
 * Parked-vehicle accumulation: how many vehicles stand at once in each group of cells, per slot of the day.
 * A trip end starts a parked spell that lasts until the device's next trip start (capped); spells of trips that
 * end in a group's cells add up. Each local day's highest count is that day's peak; the result holds the highest
 * peak and the `percentile` of daily peaks (days without any vehicle count as 0), which sizes a zone. Computed by a
 * sweep over the spells ({@link parkedPeaksSql}), whose cost grows with the trips, not with groups × days.
 */
export async function parkedPeaks(store: Store, options: ParkedPeaksOptions): Promise<ParkedPeaks> {
  validateRes(options.res);
  const percentile = options.percentile ?? 0.85;
  const slotMinutes = options.slotMinutes ?? 15;
  requireOption(percentile >= 0 && percentile <= 1, 'percentile', `must be between 0 and 1, got ${percentile}`);
  requireOption(slotMinutes > 0 && slotMinutes <= 1440, 'slotMinutes', `must be in (0, 1440], got ${slotMinutes}`);
  requireOption(options.cells.length === options.groups.length, 'groups', 'must have one entry per cell');
  const peak = new Float64Array(options.groupCount);
  const percentilePeak = new Float64Array(options.groupCount);
  const f = tripFilterSql(options.filter);
  const conn = await store.connect();
  try {
    await conn.run('CREATE OR REPLACE TEMP TABLE parked_groups (cell UBIGINT, grp INTEGER)');
    const appender = await conn.createAppender('parked_groups', 'main', 'temp');
    for (let start = 0; start < options.cells.length; start += 2048) {
      const end = Math.min(options.cells.length, start + 2048);
      const chunk = DuckDBDataChunk.create([UBIGINT, INTEGER], end - start);
      chunk.setColumnValues(0, Array.from(options.cells.subarray(start, end)));
      chunk.setColumnValues(1, Array.from(options.groups.subarray(start, end)));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    const slot = Math.round(slotMinutes * 60);
    const reader = await conn.runAndReadAll(parkedPeaksSql({ res: options.res, where: f.where, slotSeconds: slot, capHours: options.capHours }), {
      ...f.params,
      tz: f.tz,
      pct: percentile,
    });
    let days = 0;
    for (const row of reader.getRows()) {
      const g = Number(row[0]);
      days = Number(row[3]);
      if (g < 0) continue; // the row that carries the day count alone
      peak[g] = Number(row[1]);
      percentilePeak[g] = Number(row[2]);
    }
    return { peak, percentilePeak, days };
  } finally {
    await conn.run('DROP TABLE IF EXISTS temp.parked_groups').catch(() => {});
    conn.closeSync();
  }
}
