import type { DuckDBConnection } from '@duckdb/node-api';
import { BIGINT, DOUBLE, VARCHAR, DuckDBDataChunk } from '../store/duckdb-api.ts';
import type { StagingRow } from './staging-row.ts';
import { latestMs, rejectColumnsSql, type RowCheck } from './row-checks.ts';
import { eventLoopPacer } from './input-limits.ts';
import { cellColumnNames, cellFieldsSql, withStoredCellsSql } from '../store/cell-columns.ts';
import { storeTripsWithNextStart } from '../store/next-start.ts';
import { faultPoint } from '../fault-point.ts';

/** Staging table columns, in order; the readers fill them through {@link appendRows} or SQL. */
export const STAGING_COLUMNS = [
  ['row_number', BIGINT], ['provider_id', VARCHAR], ['provider_name', VARCHAR], ['trip_id', VARCHAR], ['device_id', VARCHAR], ['vehicle_type', VARCHAR],
  ['trip_type', VARCHAR], ['start_ms', DOUBLE], ['end_ms', DOUBLE], ['start_lat', DOUBLE], ['start_lng', DOUBLE],
  ['end_lat', DOUBLE], ['end_lng', DOUBLE], ['distance_m', DOUBLE], ['duration_s', DOUBLE], ['bad_field', VARCHAR],
  ['bad_reason', VARCHAR], ['raw', VARCHAR],
] as const;

/** Prefix of trip ids derived from a row's content, so that people can tell them from a file's own ids. */
export const DERIVED_TRIP_ID_PREFIX = 'derived:';

/** The staging columns a derived trip id is made of, in order. */
export const DERIVED_TRIP_ID_FIELDS = ['provider_id', 'device_id', 'start_ms', 'end_ms', 'start_lat', 'start_lng', 'end_lat', 'end_lng'] as const;

/**
 * SQL of the trip id derived from a staged row's content, for files with no trip id column: `derived:` and the MD5 of
 * provider, device, start and end time (ms) and start and end point, as text joined by U+001F. The same file gives
 * the same ids whichever reader staged it (both stage the same values), so re-uploads are duplicates; rows differing
 * in any of these values get different ids, and exact repeats within a file the same one.
 */
export function derivedTripIdSql(): string {
  const parts = DERIVED_TRIP_ID_FIELDS.map((c) => `COALESCE(CAST(${c} AS VARCHAR), '')`);
  return `'${DERIVED_TRIP_ID_PREFIX}' || md5(concat_ws(chr(31), ${parts.join(', ')}))`;
}

/** Sets the trip id of every row of staging table `name` to its derived id ({@link derivedTripIdSql}). */
export async function deriveTripIds(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`UPDATE temp.${name} SET trip_id = ${derivedTripIdSql()}`);
}

/** Creates the connection's temporary staging table `name` (dropped first if left over). */
export async function createStaging(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS temp.${name}`);
  await conn.run(`CREATE TEMP TABLE ${name} (${STAGING_COLUMNS.map(([c, t]) => `${c} ${t.toString()}`).join(', ')})`);
}

/** Appends parsed rows to the staging table through a DuckDB data chunk per 2048 rows, letting the event loop run every 20 ms. */
export async function appendRows(conn: DuckDBConnection, name: string, rows: StagingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const pace = eventLoopPacer();
  const appender = await conn.createAppender(name, 'main', 'temp');
  const types = STAGING_COLUMNS.map(([, t]) => t);
  const getters: ((r: StagingRow) => unknown)[] = [
    (r) => BigInt(r.rowNumber), (r) => r.providerId, (r) => r.providerName, (r) => r.tripId, (r) => r.deviceId, (r) => r.vehicleType,
    (r) => r.tripType, (r) => r.startMs, (r) => r.endMs, (r) => r.startLat, (r) => r.startLng, (r) => r.endLat,
    (r) => r.endLng, (r) => r.distanceM, (r) => r.durationS, (r) => r.badField, (r) => r.badReason, (r) => r.raw,
  ];
  for (let start = 0; start < rows.length; start += 2048) {
    const part = rows.slice(start, start + 2048);
    const chunk = DuckDBDataChunk.create(types, part.length);
    getters.forEach((get, c) => chunk.setColumnValues(c, part.map(get) as never));
    appender.appendDataChunk(chunk);
    // The appender's flush runs on this thread: small ones keep each pause short.
    if ((start / 2048) % 8 === 7) appender.flushSync();
    const p = pace();
    if (p) await p;
  }
  appender.flushSync();
  appender.closeSync();
}

/** What {@link checkAndStore} did with the staged rows; read = stored + duplicate + rejected. */
export interface StagedCounts {
  read: number;
  stored: number;
  duplicate: number;
  rejected: number;
}

/**
 * Rows inserted into `trips` at a time by default ({@link CheckAndStoreOptions.sliceRows}). The insert joins each
 * row to its next start by row number; a slice's part of that join fits DuckDB's 512 MB (the ingest's memory limit),
 * where the whole of a 10 M-row upload's spilled and took twice as long per row.
 */
export const DEFAULT_SLICE_ROWS = 2_000_000;

/** Options of {@link checkAndStore}. */
export interface CheckAndStoreOptions {
  /** Checks after the standard ones (a service area's). Default none. */
  extraChecks?: readonly RowCheck[];
  /** When the upload came (ms); a time later than a day after it is rejected. Default: now. */
  receivedMs?: number;
  /**
   * Rows inserted at a time, by ranges of row numbers, all inside the caller's one transaction, once the whole
   * upload's duplicates and next starts are known: the same rows as in one step. Default {@link DEFAULT_SLICE_ROWS}.
   */
  sliceRows?: number;
}

/**
 * Checks and stores the whole upload's staged rows, inside the caller's transaction:
 * - rows failing a check go to `rejects` with field and reason (see row-checks.ts);
 * - of the good rows, each (provider_id, trip_id) is stored once — the first row of the file wins — and only if
 *   the store does not hold it yet; the others are duplicates;
 * - provider names the file gives are upserted into `providers`.
 * The checks run once over the whole upload, not per batch, and good rows are inserted straight from staging, a
 * slice of rows at a time ({@link CheckAndStoreOptions.sliceRows}).
 * Callers serialise ingests (Store.exclusive) so two uploads cannot both store the same trip.
 * @param name the staging table, or with `isView` a view over the file (Parquet), which is filtered, not deleted from
 */
export async function checkAndStore(
  conn: DuckDBConnection, name: string, uploadId: number, onlyProvider: string | null, isView: boolean, options: CheckAndStoreOptions = {},
): Promise<StagedCounts> {
  const sliceRows = options.sliceRows ?? DEFAULT_SLICE_ROWS;
  if (!(Number.isInteger(sliceRows) && sliceRows > 0)) throw new Error(`checkAndStore: sliceRows must be a whole number > 0, got ${sliceRows}`);
  const { field, reason } = rejectColumnsSql(options.extraChecks ?? []);
  const latest = latestMs(options.receivedMs ?? Date.now());
  const read = Number((await conn.runAndReadAll(`SELECT count(*) FROM temp.${name}`)).getRows()[0]![0]);
  if (read === 0) return { read, stored: 0, duplicate: 0, rejected: 0 };
  const rejected = Number(
    (
      await conn.runAndReadAll(
        `INSERT INTO rejects SELECT $upload_id, row_number, ${field}, ${reason}, raw FROM temp.${name} WHERE ${field} IS NOT NULL`,
        { upload_id: uploadId, only_provider: onlyProvider, latest_ms: latest },
      )
    ).getRows()[0]![0],
  );
  faultPoint('after-insert-rejects');
  const good = read - rejected;
  // A staging table loses its rejected rows (usually few: a DELETE only marks them); a view over the file (Parquet)
  // is filtered by row number.
  let goodRows = `temp.${name}`;
  const params: Record<string, string | number | null> = {};
  if (isView) {
    // The checks ran once, for the rejects; the good rows are the others, found by row number (each later pass over
    // the view would otherwise evaluate every check again: a quarter of a second per pass on 2 M rows).
    if (rejected > 0) {
      goodRows = `(SELECT * FROM temp.${name} WHERE row_number NOT IN (SELECT row_number FROM rejects WHERE upload_id = $upload_id))`;
      params.upload_id = uploadId;
    }
  } else if (rejected > 0) {
    await conn.run(`DELETE FROM temp.${name} WHERE row_number IN (SELECT row_number FROM rejects WHERE upload_id = $upload_id)`, { upload_id: uploadId });
  }
  const stored = good > 0 ? await storeGoodRows(conn, name, goodRows, uploadId, params, sliceRows) : 0;
  faultPoint('after-insert-trips');
  await conn.run(
    `INSERT INTO providers
     SELECT provider_id, min(provider_name) FROM ${goodRows}
     WHERE provider_name IS NOT NULL GROUP BY provider_id
     ON CONFLICT (provider_id) DO UPDATE SET provider_name = excluded.provider_name`,
    params,
  );
  return { read, stored, duplicate: good - stored, rejected };
}

/**
 * Stores the good rows `goodRows` (a relation over the staging columns) that are neither a later repeat of a key
 * within them nor a key the store holds, with their next starts, inserting `sliceRows` rows at a time; returns how
 * many it stored.
 */
async function storeGoodRows(
  conn: DuckDBConnection, name: string, goodRows: string, uploadId: number, params: Record<string, string | number | null>, sliceRows: number,
): Promise<number> {
  // The upload's key hashes, taken once: both dedupe steps below work from them (for a view, one pass over the
  // file serves both; the probe against the store reads no staged row).
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name}_hashes AS SELECT hash(provider_id, trip_id) AS h FROM ${goodRows}`, params);
  // Repeats within the file lose to the key's first row. Keys seen more than once are found by their 64-bit hash
  // first (an aggregate of 8-byte keys, small enough for tight memory limits), then exactly among those few; the
  // insert leaves them out with an anti-join. A window over millions of rows ran out of memory.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_repeats AS
     SELECT provider_id, trip_id, min(row_number) AS keep FROM ${goodRows}
     WHERE hash(provider_id, trip_id) IN (SELECT h FROM temp.${name}_hashes GROUP BY h HAVING count(*) > 1)
     GROUP BY ALL HAVING count(*) > 1`,
    params,
  );
  // Keys the store already holds: the stored trips whose key hash is one of the upload's (a scan of the store's keys
  // probing a hash table of the upload's 8-byte hashes), then the exact anti-join against those few. An anti-join
  // straight against `trips` built a hash table of every stored key, so each upload cost more the fuller the store
  // was (bench/ingest-phases.ts, bench/ingest-store-experiment.ts).
  // An empty store (the first upload) holds none: no hash table of the upload's keys is built for nothing.
  const storeEmpty = (await conn.runAndReadAll('SELECT NOT EXISTS (SELECT 1 FROM trips)')).getRows()[0]![0] === true;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_stored AS
     SELECT provider_id, trip_id FROM trips
     WHERE ${storeEmpty ? 'false' : `hash(provider_id, trip_id) IN (SELECT h FROM temp.${name}_hashes)`}`,
  );
  // The stored trips take their device's next start (and the stored trips they follow are updated):
  // store/next-start.ts. The six cells come from one h3_stored_cells call per chunk, for the stored rows alone.
  const stored = await storeTripsWithNextStart(conn, {
    rows: (next, from, to) => `SELECT provider_id, trip_id, device_id, vehicle_type, trip_type,
                  make_timestamptz((start_ms * 1000)::BIGINT) AS start_time, make_timestamptz((end_ms * 1000)::BIGINT) AS end_time,
                  start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, $upload_id::BIGINT AS upload_id,
                  ${cellColumnNames().map((c, i) => `${cellFieldsSql('cells')[i]} AS ${c}`).join(', ')}, ns AS next_start
           FROM (${withStoredCellsSql(
             `(SELECT g.*, n.ns FROM ${goodRows} g JOIN (SELECT * FROM ${next} WHERE row_number >= ${from} AND row_number < ${to}) n ON n.row_number = g.row_number
               WHERE g.row_number >= ${from} AND g.row_number < ${to})`,
             'cells',
           )})`,
    keep: `SELECT g.row_number, g.provider_id, g.device_id, g.trip_id, make_timestamptz((g.start_ms * 1000)::BIGINT) AS start_time
           FROM ${goodRows} g
           ANTI JOIN temp.${name}_repeats d ON d.provider_id = g.provider_id AND d.trip_id = g.trip_id AND g.row_number <> d.keep
           ANTI JOIN temp.${name}_stored t ON t.provider_id = g.provider_id AND t.trip_id = g.trip_id`,
    params: { ...params, upload_id: uploadId },
    name,
    sliceRows,
  });
  await conn.run(`DROP TABLE temp.${name}_repeats; DROP TABLE temp.${name}_stored; DROP TABLE temp.${name}_hashes`);
  return stored;
}
