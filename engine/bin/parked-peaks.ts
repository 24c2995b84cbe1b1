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

/**
 * Parked-vehicle accumulation: how many vehicles stand at once in each group of cells, per slot of the day.
 * A trip end starts a parked spell that lasts until the device's next trip start (capped); spells of trips that
 * end in a group's cells add up. Each local day's highest count is that day's peak; the result holds the highest
 * peak and the `percentile` of daily peaks (days without any vehicle count as 0), which sizes a zone.
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
    const reader = await conn.runAndReadAll(
      `WITH p AS (
         SELECT g.grp, floor(epoch(t.end_time) / ${slot})::BIGINT AS a, floor(epoch(t.park_end) / ${slot})::BIGINT + 1 AS b
         FROM (${parkedTripsSql(options.capHours)}) t
         JOIN temp.parked_groups g ON g.cell = ${endCellSql(options.res, 't.')}
         WHERE g.grp >= 0 AND t.device_id IS NOT NULL AND ${f.where}
       ),
       days AS (
         SELECT DISTINCT timezone($tz::VARCHAR, end_time)::DATE AS day FROM trips WHERE ${f.where}
       ),
       day_starts AS (
         SELECT day, floor(epoch(timezone($tz::VARCHAR, day::TIMESTAMP)) / ${slot})::BIGINT AS s FROM days
       ),
       ev AS (
         SELECT grp, a AS s, 1 AS d FROM p
         UNION ALL SELECT grp, b, -1 FROM p
         UNION ALL SELECT g.grp, ds.s, 0 FROM (SELECT DISTINCT grp FROM p) g CROSS JOIN day_starts ds
       ),
       agg AS (SELECT grp, s, sum(d) AS d FROM ev GROUP BY ALL),
       occ AS (SELECT grp, s, sum(d) OVER (PARTITION BY grp ORDER BY s ROWS UNBOUNDED PRECEDING) AS n FROM agg),
       daily AS (
         SELECT o.grp, ds.day, max(o.n) AS peak
         FROM occ o JOIN day_starts ds ON o.s >= ds.s AND o.s < ds.s + ${Math.round(86400 / slot)}
         GROUP BY ALL
       )
       SELECT grp, max(peak)::DOUBLE AS peak, quantile_cont(peak, $pct::DOUBLE)::DOUBLE AS pct, (SELECT count(*) FROM days)::DOUBLE AS days
       FROM daily GROUP BY grp`,
      { ...f.params, tz: f.tz, pct: percentile },
    );
    let days = 0;
    for (const row of reader.getRows()) {
      const g = Number(row[0]);
      peak[g] = Number(row[1]);
      percentilePeak[g] = Number(row[2]);
      days = Number(row[3]);
    }
    return { peak, percentilePeak, days };
  } finally {
    await conn.run('DROP TABLE IF EXISTS temp.parked_groups').catch(() => {});
    conn.closeSync();
  }
}
