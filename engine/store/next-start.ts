/**
 * Parked spells, maintained (schema 3). A trip end starts a parked spell that lasts until the same device's next
 * trip starts; every parked-time figure (median parked time, vehicles standing at once) needs that next start.
 * Computing it is a window over every trip of every device, the costliest part of binning, so each trip stores it:
 * `next_start` (the device's next trip start in (start_time, trip_id) order; NULL for a device's last trip and for
 * trips without a device id) and `next_known` (true once the ingest has set it).
 *
 * The ingest sets it for the trips it stores and updates it for the trips of the devices it touches, inside the
 * upload's transaction ({@link storeTripsWithNextStart}). Rows changed by hand (an INSERT without the column, a
 * DELETE of an upload's trips) make the stored values stale; {@link nextStartFresh} notices (a row not known, or a
 * row count other than the one the last maintenance recorded in `meta`), and readers then fall back to the window
 * ({@link nextStartSql}); the next open or upload recomputes every row ({@link recomputeNextStarts}).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { faultPoint } from '../fault-point.ts';

/** `meta` key: the number of trips when next_start was last made right for all of them. */
export const NEXT_START_ROWS_KEY = 'next_start_rows';

/** The window giving each trip its device's next start, over a relation with the trips' key, device and start. */
const LEAD = 'lead(start_time) OVER (PARTITION BY provider_id, device_id ORDER BY start_time, trip_id)';

/** SQL of a row's next start from the window ({@link LEAD}): NULL without a device id. */
export const NEXT_START_WINDOW_SQL = `CASE WHEN device_id IS NULL THEN NULL ELSE ${LEAD} END`;

/**
 * Whether every trip's stored next_start is right: each row was set by the ingest (`next_known`) and no row was
 * added or removed since (the row count equals the one recorded). One scan of a boolean column.
 */
export async function nextStartFresh(conn: DuckDBConnection): Promise<boolean> {
  const [row] = (
    await conn.runAndReadAll(
      `SELECT count(*) FILTER (WHERE next_known IS NOT TRUE) = 0
              AND count(*) = coalesce((SELECT value::BIGINT FROM meta WHERE key = '${NEXT_START_ROWS_KEY}'), 0)
       FROM trips`,
    )
  ).getRows();
  return row![0] === true;
}

/**
 * SQL of the trips with every column plus `next_start` right for each row: the stored columns when `fresh`, else a
 * window over every trip of every device (the same values, computed).
 */
export function tripsWithNextStartSql(fresh: boolean): string {
  return fresh ? 'trips' : `(SELECT * REPLACE (${NEXT_START_WINDOW_SQL} AS next_start) FROM trips)`;
}

/** The parameters `sql` names (DuckDB refuses a statement given a parameter it does not use). */
function paramsOf(sql: string, params: Record<string, string | number | null>): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
}

/** Records that every trip's next_start is right now (inside the caller's transaction). */
async function recordFresh(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `INSERT INTO meta SELECT '${NEXT_START_ROWS_KEY}', count(*)::VARCHAR FROM trips ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
}

/**
 * Sets every trip's next_start from the window and records the store fresh, inside the caller's transaction (a
 * migration, an open that found the store stale, an upload into a stale store). Rows already right are left alone.
 */
export async function recomputeNextStarts(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `UPDATE trips SET next_start = w.ns, next_known = true
     FROM (SELECT provider_id, trip_id, next_start AS old, next_known AS known, ${NEXT_START_WINDOW_SQL} AS ns FROM trips) w
     WHERE w.provider_id = trips.provider_id AND w.trip_id = trips.trip_id
       AND (w.known IS NOT TRUE OR w.old IS DISTINCT FROM w.ns)`,
  );
  await recordFresh(conn);
}

/** What {@link storeTripsWithNextStart} inserts: the upload's candidate rows and which of them to store. */
export interface NewTrips {
  /**
   * The SELECT of the rows to store whose row numbers lie in [from, to), given the relation `next` of
   * `(row_number, ns)`, one row per row to store with its next start: every trips column by name, `next_start` taken
   * from `ns`, except next_known. Joined to `next` by row number, so the H3 cells and other costly columns are
   * computed for the stored rows alone.
   */
  rows: (next: string, from: number, to: number) => string;
  /**
   * A SELECT of `row_number, provider_id, device_id, trip_id, start_time` of the upload's rows to store (those left
   * after the duplicate checks; row numbers are 0 or more): read once, into a temporary table.
   */
  keep: string;
  params: Record<string, string | number | null>;
  /** A unique prefix for the temporary tables. */
  name: string;
  /** Rows inserted at a time, by ranges of row numbers ({@link storeTripsWithNextStart}). */
  sliceRows: number;
}

/**
 * Inserts new trips with their next_start and updates the next_start of the stored trips they follow, inside the
 * caller's transaction; returns the rows inserted.
 *
 * For each device the upload touches, only the stored trips from its last trip before the upload's first one on
 * are read (for a month appended after the last, one trip per device): a stored trip earlier than that keeps its
 * next start, which is at most that trip's start and so earlier than every new trip. The keys of the new trips and
 * of those stored ones are ordered together by one window (keys only, no row payload); the new rows are inserted
 * joined to their next start by row number, and stored rows whose next start changed are updated. A stale store
 * (see {@link nextStartFresh}) is recomputed whole instead.
 */
export async function storeTripsWithNextStart(conn: DuckDBConnection, trips: NewTrips): Promise<number> {
  const fresh = await nextStartFresh(conn);
  const { name, params } = trips;
  const [keys, touched, prior, next] = ['keys', 'touched', 'prior', 'next'].map((t) => `temp.${name}_${t}`) as [string, string, string, string];
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name}_keys AS ${trips.keep}`, paramsOf(trips.keep, params));
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_touched AS
     SELECT provider_id, device_id, min(start_time) AS first_start, row_number() OVER () AS dev
     FROM ${keys} WHERE device_id IS NOT NULL GROUP BY ALL`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_prior AS
     WITH lo AS (
       SELECT t.provider_id, t.device_id, max(t.start_time) AS lo
       FROM trips t JOIN ${touched} d ON d.provider_id = t.provider_id AND d.device_id = t.device_id
       WHERE t.start_time < d.first_start GROUP BY ALL
     )
     SELECT -(row_number() OVER ()) AS row_number, t.provider_id, t.trip_id, d.dev, t.start_time, t.next_start AS old
     FROM trips t JOIN ${touched} d ON d.provider_id = t.provider_id AND d.device_id = t.device_id
     LEFT JOIN lo ON lo.provider_id = t.provider_id AND lo.device_id = t.device_id
     WHERE lo.lo IS NULL OR t.start_time >= lo.lo`,
  );
  // One window over the new keys and the stored ones: the next start of each, by row number (the stored rows take
  // negative ones, so the insert's join by row number leaves them out). Devices are partitioned by their number in
  // `touched` rather than by their two text columns: the same partitions, sorted 2–3× faster. Rows without a device
  // (no number) have no next start.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_next AS
     SELECT row_number, CASE WHEN dev IS NULL THEN NULL ELSE lead(start_time) OVER (PARTITION BY dev ORDER BY start_time, trip_id) END AS ns
     FROM (
       SELECT k.row_number, d.dev, k.trip_id, k.start_time FROM ${keys} k
       LEFT JOIN ${touched} d ON d.provider_id = k.provider_id AND d.device_id = k.device_id
       UNION ALL SELECT p.row_number, p.dev, p.trip_id, p.start_time FROM ${prior} p
     )`,
  );
  // The insert, in slices of row numbers of about sliceRows rows each: the join of a slice's rows to their next
  // starts fits in memory where the whole upload's spilled (twice the time per row on 10 M rows at 512 MB).
  const [count, lo, hi] = (await conn.runAndReadAll(`SELECT count(*), min(row_number), max(row_number) FROM ${keys}`)).getRows()[0]!.map(Number) as [number, number, number];
  let stored = 0;
  if (count > 0) {
    const width = Math.ceil((hi - lo + 1) / Math.ceil(count / trips.sliceRows));
    for (let from = lo; from <= hi; from += width) {
      const rows = trips.rows(next, from, from + width);
      stored += Number(
        (await conn.runAndReadAll(`INSERT INTO trips BY NAME SELECT *, true AS next_known FROM (${rows})`, paramsOf(rows, params))).getRows()[0]![0],
      );
      faultPoint('after-slice');
    }
  }
  if (!fresh) {
    await recomputeNextStarts(conn);
  } else {
    // The stored trips whose next start is now one of the new trips' (none on a first upload: no scan of the trips).
    const priorRows = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${prior}`)).getRows()[0]![0]);
    if (priorRows > 0) {
      await conn.run(
        `UPDATE trips SET next_start = w.ns
         FROM (SELECT p.provider_id, p.trip_id, n.ns FROM ${prior} p JOIN ${next} n ON n.row_number = p.row_number WHERE p.old IS DISTINCT FROM n.ns) w
         WHERE w.provider_id = trips.provider_id AND w.trip_id = trips.trip_id`,
      );
    }
    await recordFresh(conn);
  }
  await conn.run(`DROP TABLE ${keys}; DROP TABLE ${touched}; DROP TABLE ${prior}; DROP TABLE ${next}`);
  return stored;
}
