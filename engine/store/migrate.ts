import type { DuckDBConnection } from '@duckdb/node-api';
import { ParkzonesError } from '../errors.ts';
import { cellColumnNames, cellValuesSql } from './cell-columns.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { recomputeNextStarts } from './next-start.ts';

/** Progress of a migration: what it does, and the share done (0–1). */
export type MigrationProgress = (message: string, fraction: number) => void;

/** The store's schema version, from its `meta` table. */
export async function schemaVersion(conn: DuckDBConnection): Promise<number> {
  const rows = (await conn.runAndReadAll("SELECT value FROM meta WHERE key = 'schema_version'")).getRows();
  return rows.length ? Number(rows[0]![0]) : SCHEMA_VERSION;
}

/**
 * Brings a store made by an earlier parkzones up to {@link SCHEMA_VERSION}, in one transaction: a crash midway
 * leaves the store as it was, and the next open migrates again.
 * 1 → 2: trips gain their H3 cell columns (store/cell-columns.ts), computed from the stored points upload by
 * upload (progress per upload), so every served cell is the same as the one `h3_cell` gave before.
 * 2 → 3: trips gain `next_start` and `next_known` (store/next-start.ts), set for every trip by one window.
 * @throws ParkzonesError CONFLICT for a store made by a newer parkzones
 */
export async function migrateStore(conn: DuckDBConnection, onProgress?: MigrationProgress): Promise<void> {
  const version = await schemaVersion(conn);
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new ParkzonesError('CONFLICT', `the store has schema version ${version}, newer than this parkzones reads (${SCHEMA_VERSION}): use a newer parkzones`);
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    if (version < 2) await addCellColumns(conn, version, onProgress);
    if (version < 3) {
      await conn.run('ALTER TABLE trips ADD COLUMN IF NOT EXISTS next_start TIMESTAMPTZ');
      await conn.run('ALTER TABLE trips ADD COLUMN IF NOT EXISTS next_known BOOLEAN DEFAULT false');
      onProgress?.(`storing each trip's next start of its device (schema ${version} → ${SCHEMA_VERSION})`, 0);
      await recomputeNextStarts(conn);
      onProgress?.('next starts stored', 1);
    }
    await conn.run("UPDATE meta SET value = $v WHERE key = 'schema_version'", { v: String(SCHEMA_VERSION) });
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** 1 → 2: the H3 cell columns, computed upload by upload (progress per upload). */
async function addCellColumns(conn: DuckDBConnection, version: number, onProgress?: MigrationProgress): Promise<void> {
  const columns = cellColumnNames();
  for (const c of columns) await conn.run(`ALTER TABLE trips ADD COLUMN IF NOT EXISTS ${c} UBIGINT`);
  const uploads = (await conn.runAndReadAll('SELECT upload_id, count(*)::DOUBLE FROM trips GROUP BY ALL ORDER BY 1')).getRows();
  const total = uploads.reduce((a, r) => a + Number(r[1]), 0);
  const values = cellValuesSql();
  const set = columns.map((c, i) => `${c} = ${values[i]}`).join(', ');
  let done = 0;
  onProgress?.(`adding H3 cell columns to ${total.toLocaleString('en')} trips (schema ${version} → ${SCHEMA_VERSION})`, 0);
  for (const [uploadId, n] of uploads) {
    await conn.run(`UPDATE trips SET ${set} WHERE upload_id = $u`, { u: Number(uploadId) });
    done += Number(n);
    onProgress?.(`H3 cell columns: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} trips`, total ? done / total : 1);
  }
}
