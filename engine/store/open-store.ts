import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DuckDBInstance } from './duckdb-api.ts';
import { SCHEMA_SQL } from './schema.ts';
import { registerH3Functions } from '../bin/register-h3.ts';
import { migrateStore, type MigrationProgress } from './migrate.ts';
import { checkStore, type StoreCheck } from './check-store.ts';
import { nextStartFresh, recomputeNextStarts } from './next-start.ts';

/** Options of {@link openStore}. */
export interface StoreOptions {
  /** DuckDB file; ':memory:' for a throwaway store. Default: $PARKZONES_DB or ./data/parkzones.duckdb */
  path?: string;
  /** DuckDB worker threads. Default: DuckDB's own (all cores). */
  threads?: number;
  /** DuckDB memory limit, e.g. '1GB'; past it DuckDB spills to disk. Default: $PARKZONES_MEMORY_LIMIT, else `defaultMemoryLimit`. */
  memoryLimit?: string;
  /** The memory limit when neither `memoryLimit` nor $PARKZONES_MEMORY_LIMIT gives one (a command's own, e.g. ingest's 512MB). Default 1GB. */
  defaultMemoryLimit?: string;
  /** Progress of a schema migration of a store made by an earlier parkzones (store/migrate.ts). Default: none. */
  onMigrate?: MigrationProgress;
}

let spoolCounter = 0;

/** The store's default file: $PARKZONES_DB, else ./data/parkzones.duckdb (relative to the working directory). */
export function defaultStorePath(): string {
  return process.env.PARKZONES_DB || path.join('data', 'parkzones.duckdb');
}

/** A row as a plain object, with DuckDB values converted to JS (BIGINT → bigint, TIMESTAMPTZ → string, JSON → string). */
export type Row = Record<string, unknown>;

/**
 * The embedded DuckDB store: one file, the tables of schema.ts, and the `h3_cell` SQL function.
 * Open it with {@link openStore}; close it when done (the file is locked while open).
 */
export class Store {
  /** The connection for short statements. Long transactions (ingest) take their own via {@link Store.connect}. */
  readonly conn: DuckDBConnection;

  /** What the check on open found and repaired (see check-store.ts); nothing for ':memory:'. */
  openCheck: StoreCheck = { rolledBack: null, keptInFlight: null };
  /** Temporary files a crash left in {@link Store.spoolDir}, removed on open. */
  spoolFilesRemoved = 0;

  /**
   * The folder parkzones owns for an upload's temporary files (spooled request bodies, decompressed inputs): beside a
   * store file, `<store>.spool/`, emptied whenever the store is opened (the file's lock keeps other processes out, so
   * anything there is left by a process that died); for ':memory:', a folder of this process in the OS temp dir.
   * Created on first use ({@link Store.spoolPath}).
   */
  get spoolDir(): string {
    return this.path === ':memory:' ? path.join(os.tmpdir(), `parkzones-spool-${process.pid}`) : `${path.resolve(this.path)}.spool`;
  }

  /** A new, unused path in {@link Store.spoolDir} (the folder is created), named `prefix` plus a unique suffix. */
  spoolPath(prefix: string): string {
    fs.mkdirSync(this.spoolDir, { recursive: true });
    return path.join(this.spoolDir, `${prefix}${Date.now()}-${process.pid}-${++spoolCounter}`);
  }

  constructor(
    readonly instance: DuckDBInstance,
    conn: DuckDBConnection,
    readonly path: string,
  ) {
    this.conn = conn;
  }

  /** A new connection on the same database with the H3 functions registered. Close it with `closeSync()`. */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    registerH3Functions(conn);
    await conn.run("SET TimeZone = 'UTC'");
    return conn;
  }

  /** Runs one statement with `$name` or `?` parameters and returns its rows as JS objects. */
  /** DuckDB's memory limit as DuckDB states it, e.g. '488.2 MiB' (what the commands print). */
  async memoryLimit(): Promise<string> {
    return String((await this.query("SELECT current_setting('memory_limit') AS m"))[0]?.m ?? '');
  }

  async query(sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[], conn: DuckDBConnection = this.conn): Promise<Row[]> {
    const reader = await conn.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJS() as Row[];
  }

  /** Runs statements without reading results. */
  async run(sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[], conn: DuckDBConnection = this.conn): Promise<void> {
    await conn.run(sql, params as never);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs `work` after every earlier exclusive task of this store has finished. Writers that must not interleave
   * (ingests: each checks for duplicates, then inserts) go through here; readers do not wait.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Closes every connection and the database file. */
  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Opens (creating if needed) the store file, applies the schema, registers the H3 SQL functions and checks the
 * store's invariants ({@link checkStore}): an upload a crash cut during its commit is rolled back, anything else
 * that does not add up refuses the store.
 * @throws ParkzonesError STORE_INCONSISTENT (see check-store.ts)
 * @example
 * const store = await openStore({ path: ':memory:' });
 * await store.query('SELECT count(*) AS n FROM trips');
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const file = options.path ?? defaultStorePath();
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const config: Record<string, string> = {};
  if (options.threads) config.threads = String(options.threads);
  config.memory_limit = options.memoryLimit ?? (process.env.PARKZONES_MEMORY_LIMIT || options.defaultMemoryLimit || '1GB');
  const walReplayed = file !== ':memory:' && fs.existsSync(`${file}.wal`);
  const instance = await DuckDBInstance.create(file, config);
  const conn = await instance.connect();
  const store = new Store(instance, conn, file);
  try {
    registerH3Functions(conn);
    await conn.run("SET TimeZone = 'UTC'");
    await conn.run(SCHEMA_SQL);
    if (file !== ':memory:') {
      store.openCheck = await checkStore(conn, file, walReplayed);
      store.spoolFilesRemoved = emptyFolder(store.spoolDir);
    }
    await migrateStore(conn, options.onMigrate);
    await refreshNextStarts(conn, options.onMigrate);
  } catch (e) {
    store.close();
    throw e;
  }
  return store;
}

/**
 * Makes every trip's stored next start right again when rows were changed by hand since the last upload (see
 * store/next-start.ts), in one transaction. A store kept by parkzones alone is fresh and costs one scan.
 */
async function refreshNextStarts(conn: DuckDBConnection, onProgress?: MigrationProgress): Promise<void> {
  if (await nextStartFresh(conn)) return;
  onProgress?.("trips were added or removed outside parkzones: recomputing each trip's next start of its device", 0);
  await conn.run('BEGIN TRANSACTION');
  try {
    await recomputeNextStarts(conn);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  onProgress?.('next starts recomputed', 1);
}

/** Removes everything inside `dir` (kept itself); returns how many entries there were. A missing folder is empty. */
function emptyFolder(dir: string): number {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const e of entries) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  return entries.length;
}
