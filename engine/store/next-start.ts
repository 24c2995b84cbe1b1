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

/** What {@link storeTripsWithNextStart} inserts: a relation of new trips, with its parameters. */
export interface NewTrips {
  /**
   * A SELECT of the rows to store, with the trips columns by name (every column but next_start and next_known).
   */
  select: string;
  /**
   * A SELECT of `provider_id, device_id, start_time` of every row of `select` and maybe more (e.g. the rows before
   * the duplicate checks, which are costlier to run twice): the devices the upload touches, and from when.
   * Default: `select` itself.
   */
  devices?: string;
  params: Record<string, string | number | null>;
  /** This upload's id (its trips are found by it after the insert). */
  uploadId: number;
  /** A unique prefix for the temporary tables. */
  name: string;
}

/**
 * Inserts new trips with their next_start and updates the next_start of the stored trips they follow, inside the
 * caller's transaction; returns the rows inserted.
 *
 * For each device the upload touches, only the stored trips from its last trip before the upload's first one on
 * are read (for a month appended after the last, one trip per device): a stored trip earlier than that keeps its
 * next start, which is at most that trip's start and so earlier than every new trip. The new trips and those
 * stored ones are ordered together by one window; new rows are inserted with their next start, and stored rows
 * whose next start changed are updated. A stale store (see {@link nextStartFresh}) is recomputed whole instead.
 */
export async function storeTripsWithNextStart(conn: DuckDBConnection, trips: NewTrips): Promise<number> {
  const fresh = await nextStartFresh(conn);
  const { name, params } = trips;
  const touched = `temp.${name}_touched`;
  const prior = `temp.${name}_prior`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_touched AS
     SELECT provider_id, device_id, min(start_time) AS first_start FROM (${trips.devices ?? trips.select}) WHERE device_id IS NOT NULL GROUP BY ALL`,
    paramsOf(trips.devices ?? trips.select, params),
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_prior AS
     WITH lo AS (
       SELECT t.provider_id, t.device_id, max(t.start_time) AS lo
       FROM trips t JOIN ${touched} d ON d.provider_id = t.provider_id AND d.device_id = t.device_id
       WHERE t.start_time < d.first_start GROUP BY ALL
     )
     SELECT t.provider_id, t.trip_id, t.device_id, t.start_time, t.next_start AS old
     FROM trips t JOIN ${touched} d ON d.provider_id = t.provider_id AND d.device_id = t.device_id
     LEFT JOIN lo ON lo.provider_id = t.provider_id AND lo.device_id = t.device_id
     WHERE lo.lo IS NULL OR t.start_time >= lo.lo`,
  );
  const priorCount = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${prior}`)).getRows()[0]![0]);
  // New rows and the stored ones they may follow, ordered together; only the new rows are inserted.
  const ordered = priorCount === 0
    ? `SELECT *, ${NEXT_START_WINDOW_SQL} AS next_start FROM (${trips.select})`
    : `SELECT * EXCLUDE (is_new) FROM (
         SELECT *, ${NEXT_START_WINDOW_SQL} AS next_start FROM (
           SELECT *, true AS is_new FROM (${trips.select})
           UNION ALL BY NAME
           SELECT provider_id, trip_id, device_id, start_time, false AS is_new FROM ${prior}
         )
       ) WHERE is_new`;
  const stored = Number(
    (await conn.runAndReadAll(`INSERT INTO trips BY NAME SELECT *, true AS next_known FROM (${ordered})`, params)).getRows()[0]![0],
  );
  if (!fresh) {
    await recomputeNextStarts(conn);
  } else {
    if (priorCount > 0 && stored > 0) {
      // The stored trips' next starts, now that the new ones are in: from their devices' trips of this upload.
      await conn.run(
        `UPDATE trips SET next_start = w.ns
         FROM (
           SELECT provider_id, trip_id, old, ns FROM (
             SELECT *, ${NEXT_START_WINDOW_SQL} AS ns FROM (
               SELECT provider_id, trip_id, device_id, start_time, old, false AS is_new FROM ${prior}
               UNION ALL
               SELECT t.provider_id, t.trip_id, t.device_id, t.start_time, NULL, true
               FROM trips t SEMI JOIN ${touched} d ON d.provider_id = t.provider_id AND d.device_id = t.device_id
               WHERE t.upload_id = $upload_id
             )
           ) WHERE NOT is_new AND old IS DISTINCT FROM ns
         ) w
         WHERE w.provider_id = trips.provider_id AND w.trip_id = trips.trip_id`,
        { upload_id: trips.uploadId },
      );
    }
    await recordFresh(conn);
  }
  await conn.run(`DROP TABLE ${touched}; DROP TABLE ${prior}`);
  return stored;
}
