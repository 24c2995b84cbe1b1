import { INTEGER, UBIGINT, DuckDBDataChunk } from '@duckdb/node-api';
import type { Store } from '../../engine/store/open-store.ts';
import { endCellSql } from '../../engine/store/cell-columns.ts';
import { tripFilterSql } from '../../engine/bin/trip-filter.ts';
import { parkedTripsSql } from '../../engine/bin/parked-sql.ts';
import type { ParkedPeaks, ParkedPeaksOptions } from '../../engine/bin/parked-peaks.ts';

/**
 * The parked-peaks query as it was before the sweep (every group cross-joined with every day start, then a range
 * join of occupancy points to days), kept as the reference the sweep must equal (test/bin-parked-sweep.test.ts)
 * and as the baseline of bench/parked-peaks.bench.ts. Not used by the engine.
 */
export async function parkedPeaksReference(store: Store, options: ParkedPeaksOptions): Promise<ParkedPeaks> {
  const percentile = options.percentile ?? 0.85;
  const slotMinutes = options.slotMinutes ?? 15;
  const peak = new Float64Array(options.groupCount);
  const percentilePeak = new Float64Array(options.groupCount);
  const f = tripFilterSql(options.filter);
  const conn = await store.connect();
  try {
    await conn.run('CREATE OR REPLACE TEMP TABLE parked_groups_ref (cell UBIGINT, grp INTEGER)');
    const appender = await conn.createAppender('parked_groups_ref', 'main', 'temp');
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
         JOIN temp.parked_groups_ref g ON g.cell = ${endCellSql(options.res, 't.')}
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
    await conn.run('DROP TABLE IF EXISTS temp.parked_groups_ref').catch(() => {});
    conn.closeSync();
  }
}
