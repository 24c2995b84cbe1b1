import type { DuckDBConnection } from '@duckdb/node-api';
import { ParkzonesError } from '../errors.ts';

/** `meta` key holding the id of the upload whose transaction may be under way (see {@link markUploadInFlight}). */
export const IN_FLIGHT_KEY = 'upload_in_flight';

/** What {@link checkStore} found and did. */
export interface StoreCheck {
  /** The upload a crash cut during its commit, whose rows were removed (the store is as before it), or null. */
  rolledBack: number | null;
  /** The upload a crash left marked in flight although it was stored whole (kept), or null. */
  keptInFlight: number | null;
}

/**
 * One aggregate over the store: every upload id that has an `uploads` row, trips or rejects, whose counts do not
 * match its rows (no `uploads` row; `rows_stored` ≠ its trips; `rows_rejected` ≠ its rejects;
 * `rows_read` ≠ stored + duplicate + rejected). Consistent stores give no rows.
 */
export function inconsistentUploadsSql(): string {
  return `WITH t AS (SELECT upload_id, count(*) AS n FROM trips GROUP BY upload_id),
  r AS (SELECT upload_id, count(*) AS n FROM rejects GROUP BY upload_id),
  ids AS (SELECT upload_id FROM uploads UNION SELECT upload_id FROM t UNION SELECT upload_id FROM r)
SELECT ids.upload_id, u.upload_id IS NOT NULL AS has_row, u.rows_read, u.rows_stored, u.rows_duplicate, u.rows_rejected,
  coalesce(t.n, 0) AS trips, coalesce(r.n, 0) AS rejects
FROM ids LEFT JOIN uploads u ON u.upload_id = ids.upload_id LEFT JOIN t ON t.upload_id = ids.upload_id LEFT JOIN r ON r.upload_id = ids.upload_id
WHERE u.upload_id IS NULL OR u.rows_stored <> coalesce(t.n, 0) OR u.rows_rejected <> coalesce(r.n, 0)
  OR u.rows_read <> u.rows_stored + u.rows_duplicate + u.rows_rejected
ORDER BY ids.upload_id`;
}

/** One upload's broken invariants, for a person. */
interface Inconsistency {
  uploadId: number;
  problem: string;
}

async function findInconsistencies(conn: DuckDBConnection): Promise<Inconsistency[]> {
  const rows = (await conn.runAndReadAll(inconsistentUploadsSql())).getRowObjectsJS();
  return rows.map((r) => {
    const id = Number(r.upload_id);
    const trips = Number(r.trips);
    const rejects = Number(r.rejects);
    if (!r.has_row) return { uploadId: id, problem: `upload ${id} has ${trips} trips and ${rejects} rejects but no row in uploads` };
    const [read, stored, dup, rej] = [r.rows_read, r.rows_stored, r.rows_duplicate, r.rows_rejected].map(Number) as [number, number, number, number];
    const parts: string[] = [];
    if (stored !== trips) parts.push(`rows_stored is ${stored} but it has ${trips} trips`);
    if (rej !== rejects) parts.push(`rows_rejected is ${rej} but it has ${rejects} rejects`);
    if (read !== stored + dup + rej) parts.push(`rows_read ${read} ≠ rows_stored ${stored} + rows_duplicate ${dup} + rows_rejected ${rej}`);
    return { uploadId: id, problem: `upload ${id}: ${parts.join('; ')}` };
  });
}

/** Removes every row of upload `uploadId` (trips, rejects, its uploads row) in one transaction. */
async function removeUpload(conn: DuckDBConnection, uploadId: number): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const table of ['trips', 'rejects', 'uploads']) await conn.run(`DELETE FROM ${table} WHERE upload_id = $id`, { id: uploadId });
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {});
    throw e;
  }
}

/**
 * Marks upload `uploadId` as in flight, in its own committed transaction, before the upload's transaction begins;
 * {@link clearUploadInFlight} removes the mark once that transaction is committed or rolled back.
 * Why: DuckDB (1.5) replays a write-ahead log whose last commit a crash cut short in part — the trips of an upload
 * of a row group or more (written to the file ahead of the commit) come back without its `uploads` row — and keeps
 * what it replayed only in memory. The mark tells {@link checkStore} which upload such a crash can have cut.
 */
export async function markUploadInFlight(conn: DuckDBConnection, uploadId: number): Promise<void> {
  await conn.run('INSERT OR REPLACE INTO meta VALUES ($k, $v)', { k: IN_FLIGHT_KEY, v: String(uploadId) });
}

/** Clears the in-flight mark of {@link markUploadInFlight}. */
export async function clearUploadInFlight(conn: DuckDBConnection): Promise<void> {
  await conn.run('DELETE FROM meta WHERE key = $k', { k: IN_FLIGHT_KEY });
}

/**
 * Checks the store's invariants on open and repairs what a crash can have left:
 * - the upload marked in flight (a crash came during its transaction or commit) is kept when it is whole, and
 *   otherwise rolled back — its trips, rejects and uploads row removed — so the store is as before or after it;
 *   the result is checkpointed before the mark is cleared, so that what DuckDB replayed is on disk;
 * - any other upload whose counts do not match its rows is not guessed at: the store is refused.
 * Costs one aggregate over trips and rejects (grouped by upload_id).
 * @param walReplayed a write-ahead log was there at open: checkpoint what DuckDB replayed from it
 * @throws ParkzonesError STORE_INCONSISTENT naming each broken invariant, when it is not the in-flight upload's
 */
export async function checkStore(conn: DuckDBConnection, file: string, walReplayed: boolean): Promise<StoreCheck> {
  const mark = (await conn.runAndReadAll('SELECT value FROM meta WHERE key = $k', { k: IN_FLIGHT_KEY })).getRows()[0]?.[0];
  const inFlight = mark === undefined || mark === null ? null : Number(mark);
  let found = await findInconsistencies(conn);
  const check: StoreCheck = { rolledBack: null, keptInFlight: null };
  if (inFlight !== null) {
    if (found.some((f) => f.uploadId === inFlight)) {
      await removeUpload(conn, inFlight);
      check.rolledBack = inFlight;
      found = found.filter((f) => f.uploadId !== inFlight);
    } else if (Number((await conn.runAndReadAll('SELECT count(*) FROM uploads WHERE upload_id = $id', { id: inFlight })).getRows()[0]![0]) > 0) {
      check.keptInFlight = inFlight;
    }
  }
  if (found.length) {
    const shown = found.slice(0, 5).map((f) => f.problem);
    if (found.length > shown.length) shown.push(`and ${found.length - shown.length} more`);
    throw new ParkzonesError(
      'STORE_INCONSISTENT',
      `${file}: the store breaks its invariants (every trip and reject belongs to an upload whose counts match its rows): ${shown.join('; ')}. ` +
        'parkzones repairs only the upload a crash cut during its commit; inspect these uploads with DuckDB, and delete their rows ' +
        '(DELETE FROM trips / rejects / uploads WHERE upload_id = …) to re-ingest their files.',
      { file },
    );
  }
  if (inFlight !== null || walReplayed) await conn.run('CHECKPOINT');
  if (inFlight !== null) {
    await clearUploadInFlight(conn);
    await conn.run('CHECKPOINT');
  }
  return check;
}
