import { BIGINT, DOUBLE, VARCHAR, DuckDBDataChunk, type DuckDBConnection } from '@duckdb/node-api';
import type { StagingRow } from './staging-row.ts';
import { rejectColumnsSql } from './row-checks.ts';

/** Staging table columns, in order; the readers fill them through {@link appendRows} or SQL. */
export const STAGING_COLUMNS = [
  ['row_number', BIGINT], ['provider_id', VARCHAR], ['trip_id', VARCHAR], ['device_id', VARCHAR], ['vehicle_type', VARCHAR],
  ['trip_type', VARCHAR], ['start_ms', DOUBLE], ['end_ms', DOUBLE], ['start_lat', DOUBLE], ['start_lng', DOUBLE],
  ['end_lat', DOUBLE], ['end_lng', DOUBLE], ['distance_m', DOUBLE], ['duration_s', DOUBLE], ['bad_field', VARCHAR],
  ['bad_reason', VARCHAR], ['raw', VARCHAR],
] as const;

/** Counts of one processed batch. */
export interface BatchCounts {
  read: number;
  stored: number;
  duplicate: number;
  rejected: number;
}

/** Creates the connection's temporary staging table `name` (dropped first if left over). */
export async function createStaging(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS temp.${name}`);
  await conn.run(`CREATE TEMP TABLE ${name} (${STAGING_COLUMNS.map(([c, t]) => `${c} ${t.toString()}`).join(', ')})`);
}

/** Appends parsed rows to the staging table through a DuckDB data chunk per 2048 rows. */
export async function appendRows(conn: DuckDBConnection, name: string, rows: StagingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await conn.createAppender(name, 'main', 'temp');
  const types = STAGING_COLUMNS.map(([, t]) => t);
  const getters: ((r: StagingRow) => unknown)[] = [
    (r) => BigInt(r.rowNumber), (r) => r.providerId, (r) => r.tripId, (r) => r.deviceId, (r) => r.vehicleType,
    (r) => r.tripType, (r) => r.startMs, (r) => r.endMs, (r) => r.startLat, (r) => r.startLng, (r) => r.endLat,
    (r) => r.endLng, (r) => r.distanceM, (r) => r.durationS, (r) => r.badField, (r) => r.badReason, (r) => r.raw,
  ];
  for (let start = 0; start < rows.length; start += 2048) {
    const part = rows.slice(start, start + 2048);
    const chunk = DuckDBDataChunk.create(types, part.length);
    getters.forEach((get, c) => chunk.setColumnValues(c, part.map(get) as never));
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
  appender.closeSync();
}

/**
 * Moves the staging table's rows into the store: rejects (with field and reason) into `rejects`, good rows into
 * `trips` unless (provider_id, trip_id) is already there or earlier in the same batch; then empties the staging table.
 * Runs inside the caller's transaction.
 */
export async function flushStaging(
  conn: DuckDBConnection,
  name: string,
  uploadId: number,
  onlyProvider: string | null,
): Promise<BatchCounts> {
  const { field, reason } = rejectColumnsSql();
  const params = { upload_id: uploadId, only_provider: onlyProvider };
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name}_checked AS
     SELECT *, ${field} AS reject_field, ${reason} AS reject_reason FROM temp.${name}`,
    { only_provider: onlyProvider },
  );
  const read = Number((await conn.runAndReadAll(`SELECT count(*) FROM temp.${name}_checked`)).getRows()[0]![0]);
  const rejected = Number(
    (
      await conn.runAndReadAll(
        `INSERT INTO rejects SELECT $upload_id, row_number, reject_field, reject_reason, raw
         FROM temp.${name}_checked WHERE reject_reason IS NOT NULL`,
        { upload_id: uploadId },
      )
    ).getRows()[0]![0],
  );
  const stored = Number(
    (
      await conn.runAndReadAll(
        `INSERT INTO trips
         SELECT provider_id, trip_id, device_id, vehicle_type, trip_type,
                make_timestamptz((start_ms * 1000)::BIGINT), make_timestamptz((end_ms * 1000)::BIGINT),
                start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, $upload_id
         FROM temp.${name}_checked WHERE reject_reason IS NULL
         QUALIFY row_number() OVER (PARTITION BY provider_id, trip_id ORDER BY row_number) = 1
         ON CONFLICT DO NOTHING`,
        { upload_id: params.upload_id },
      )
    ).getRows()[0]![0],
  );
  await conn.run(`DELETE FROM temp.${name}; DROP TABLE temp.${name}_checked`);
  return { read, stored, duplicate: read - rejected - stored, rejected };
}
