import { BIGINT, DOUBLE, VARCHAR, DuckDBDataChunk, type DuckDBConnection } from '@duckdb/node-api';
import type { StagingRow } from './staging-row.ts';
import { rejectColumnsSql } from './row-checks.ts';

/** Staging table columns, in order; the readers fill them through {@link appendRows} or SQL. */
export const STAGING_COLUMNS = [
  ['row_number', BIGINT], ['provider_id', VARCHAR], ['provider_name', VARCHAR], ['trip_id', VARCHAR], ['device_id', VARCHAR], ['vehicle_type', VARCHAR],
  ['trip_type', VARCHAR], ['start_ms', DOUBLE], ['end_ms', DOUBLE], ['start_lat', DOUBLE], ['start_lng', DOUBLE],
  ['end_lat', DOUBLE], ['end_lng', DOUBLE], ['distance_m', DOUBLE], ['duration_s', DOUBLE], ['bad_field', VARCHAR],
  ['bad_reason', VARCHAR], ['raw', VARCHAR],
] as const;

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
    (r) => BigInt(r.rowNumber), (r) => r.providerId, (r) => r.providerName, (r) => r.tripId, (r) => r.deviceId, (r) => r.vehicleType,
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

/** Creates the connection's temporary table of checked good rows, `${name}_good`, which waits for the final dedupe. */
export async function createGood(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS temp.${name}_good`);
  await conn.run(
    `CREATE TEMP TABLE ${name}_good (${STAGING_COLUMNS.filter(([c]) => !['bad_field', 'bad_reason', 'raw'].includes(c))
      .map(([c, t]) => `${c} ${t.toString()}`)
      .join(', ')})`,
  );
}

/**
 * Checks the staging table's rows: rejects (with field and reason) go to `rejects`, good rows to the `_good` table
 * (without their raw text); then the staging table is emptied. Runs inside the caller's transaction.
 * @returns rows checked and rows rejected
 */
export async function checkStaging(
  conn: DuckDBConnection,
  name: string,
  uploadId: number,
  onlyProvider: string | null,
): Promise<{ read: number; rejected: number }> {
  const { field, reason } = rejectColumnsSql();
  const read = Number((await conn.runAndReadAll(`SELECT count(*) FROM temp.${name}`)).getRows()[0]![0]);
  if (read === 0) return { read, rejected: 0 };
  const rejected = Number(
    (
      await conn.runAndReadAll(
        `INSERT INTO rejects SELECT $upload_id, row_number, ${field}, ${reason}, raw
         FROM temp.${name} WHERE ${reason} IS NOT NULL`,
        { upload_id: uploadId, only_provider: onlyProvider },
      )
    ).getRows()[0]![0],
  );
  const keep = STAGING_COLUMNS.filter(([c]) => !['bad_field', 'bad_reason', 'raw'].includes(c)).map(([c]) => c);
  await conn.run(`INSERT INTO temp.${name}_good SELECT ${keep.join(', ')} FROM temp.${name} WHERE ${reason} IS NULL`, {
    only_provider: onlyProvider,
  });
  // Dropped and made anew rather than emptied: a DELETE leaves the rows' blocks held until a checkpoint.
  await createStaging(conn, name);
  return { read, rejected };
}

/**
 * Stores the good rows of the whole upload: each (provider_id, trip_id) once — the first row of the file wins —
 * and only if the store does not hold it yet. Runs inside the caller's transaction; callers serialise ingests
 * (Store.exclusive) so two uploads cannot both store the same trip.
 * @returns rows stored and rows found to be duplicates
 */
export async function storeGood(conn: DuckDBConnection, name: string, uploadId: number): Promise<{ stored: number; duplicate: number }> {
  const good = Number((await conn.runAndReadAll(`SELECT count(*) FROM temp.${name}_good`)).getRows()[0]![0]);
  // Repeats within the file: keep each key's first row. Aggregates and hash joins spill to disk; a window over
  // millions of rows did not, and ran out of memory.
  await conn.run(
    `DELETE FROM temp.${name}_good g
     USING (SELECT provider_id, trip_id, min(row_number) AS keep FROM temp.${name}_good GROUP BY ALL HAVING count(*) > 1) d
     WHERE g.provider_id = d.provider_id AND g.trip_id = d.trip_id AND g.row_number <> d.keep`,
  );
  const stored = Number(
    (
      await conn.runAndReadAll(
        `INSERT INTO trips
         SELECT provider_id, trip_id, device_id, vehicle_type, trip_type,
                make_timestamptz((start_ms * 1000)::BIGINT), make_timestamptz((end_ms * 1000)::BIGINT),
                start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, $upload_id
         FROM temp.${name}_good g
         WHERE NOT EXISTS (SELECT 1 FROM trips t WHERE t.provider_id = g.provider_id AND t.trip_id = g.trip_id)`,
        { upload_id: uploadId },
      )
    ).getRows()[0]![0],
  );
  await conn.run(
    `INSERT INTO providers SELECT provider_id, min(provider_name) FROM temp.${name}_good WHERE provider_name IS NOT NULL GROUP BY provider_id
     ON CONFLICT (provider_id) DO UPDATE SET provider_name = excluded.provider_name`,
  );
  await conn.run(`DROP TABLE temp.${name}_good`);
  return { stored, duplicate: good - stored };
}
