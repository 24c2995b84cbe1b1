import type { DuckDBConnection } from '@duckdb/node-api';
import { INTEGER, LIST, UBIGINT, listValue } from '../store/duckdb-api.ts';
import { ParkzonesError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import type { FootprintGeometry } from './footprint.ts';
import { resolveZoneOptions, type ResolvedZoneOptions, type ZoneFilter, type ZoneOptions } from './options.ts';
import { tripFilterSql } from '../bin/trip-filter.ts';
import { coarseDemandWarning, locationPrecision } from '../ingest/location-precision.ts';
import { proposeZones, type ZoneProgress, type ZoneProposal, type ZoneRecord, type ZoneStage, type ZoneSummary } from './propose-zones.ts';

/** Lifecycle of a stored run: reserved (`queued`), computing (`running`), then `done` or `failed`. */
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

/** What a run stores besides its zones (the `stats` JSON column). */
export interface RunStats {
  summary: ZoneSummary;
  /** Covered share of trip ends after 1, 2, … zones. */
  curve: number[];
  /** Each zone's percentile peak of vehicles parked at once, by rank (until the zones table has a column for it). */
  peakParked: number[];
  /** Milliseconds per stage; not part of the run's identity. */
  timingsMs: Record<string, number>;
  /** What a planner should know about the input (demand coarser than the walking radius); absent in older runs. */
  warnings?: string[];
}

/** A stored run, as read back. */
export interface StoredRun {
  runId: number;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** Options used, without the filter (every field present). */
  params: Omit<ResolvedZoneOptions, 'filter'>;
  /** The trip filter used. */
  filter: ZoneFilter;
  status: RunStatus;
  /** 0–1. */
  progress: number;
  stage: string | null;
  /** Present once done. */
  stats: RunStats | null;
  /** Why it failed. */
  error: string | null;
}

/** Hooks of {@link executeRun}. */
export interface ExecuteRunHooks {
  /** Progress callback (also written to the run row as `progress` and `stage`). */
  onProgress?: ZoneProgress;
  /** Select zones in a worker thread (a server's event loop stays free); the result is the same. */
  offThread?: boolean;
}

/** Hooks of {@link createRun}. */
export interface CreateRunHooks extends ExecuteRunHooks {
  /** Called once the run row exists (status `queued`), before any work: lets a caller learn the id at once. */
  onCreated?: (runId: number) => void;
}

const toIso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/**
 * Checks zone options and stores a run row for them with status `queued` (no work yet), so that a caller can name
 * the run before it is computed. {@link executeRun} computes it.
 * @param store an open store
 * @param options zone options (checked before the row is written)
 * @returns the stored run (status `queued`, progress 0, stage `queued`)
 * @throws ParkzonesError BAD_OPTION for impossible options (no run is created)
 * @example
 * const { runId } = await reserveRun(store, { k: 200 }); // answer with runId, compute later
 */
export async function reserveRun(store: Store, options: ZoneOptions = {}): Promise<StoredRun> {
  const { filter, ...params } = resolveZoneOptions(options);
  const [row] = await store.query(
    `INSERT INTO runs (run_id, created_at, params, input_filter, status, progress, stage)
     VALUES (nextval('run_id_seq'), now(), $params, $filter, 'queued', 0, 'queued') RETURNING *`,
    { params: JSON.stringify(params), filter: JSON.stringify(filter) },
  );
  return runFromRow(row!);
}

/**
 * Computes a reserved run from its stored options: marks it `running` (progress and stage follow the work), then
 * writes its zones and marks it `done` in one transaction; a failure marks it `failed` with the message, and rethrows.
 * @param store an open store
 * @param runId a run reserved by {@link reserveRun}
 * @returns the stored run and the proposal
 * @throws ParkzonesError NOT_FOUND for an unknown run; CONFLICT when the run is not `queued` (already started or over)
 * @example
 * const { run } = await executeRun(store, runId, { onProgress: (f, stage) => console.log(stage, f) });
 */
export async function executeRun(store: Store, runId: number, hooks: ExecuteRunHooks = {}): Promise<{ run: StoredRun; proposal: ZoneProposal }> {
  const conn = await store.connect();
  try {
    const [started] = (await conn.runAndReadAll(
      "UPDATE runs SET status = 'running', stage = 'demand' WHERE run_id = $id AND status = 'queued' RETURNING *",
      { id: runId },
    )).getRowObjectsJS();
    if (!started) {
      const run = await getRun(store, runId);
      throw new ParkzonesError('CONFLICT', `run ${runId} is ${run.status}; only a queued run can be computed`);
    }
    const reserved = runFromRow(started);
    let writes = Promise.resolve();
    let lastWritten = -1;
    let lastStage: ZoneStage | null = null;
    const onProgress: ZoneProgress = (fraction, stage) => {
      hooks.onProgress?.(fraction, stage);
      if (stage === lastStage && fraction - lastWritten < 0.05) return;
      lastWritten = fraction;
      lastStage = stage;
      writes = writes.then(() => conn.run('UPDATE runs SET progress = $p, stage = $s WHERE run_id = $id', { p: fraction, s: stage, id: runId }).then(() => undefined));
    };
    let proposal: ZoneProposal;
    // The location-precision check reads the trips on its own connection while the proposal runs.
    const { where, params } = tripFilterSql(reserved.filter);
    const precisionCheck = store.connect().then(async (c) => {
      try {
        return await locationPrecision(c, where, params);
      } finally {
        c.closeSync();
      }
    });
    precisionCheck.catch(() => undefined); // awaited below; never an unhandled rejection when the proposal fails first
    try {
      proposal = await proposeZones(store, { ...reserved.params, filter: reserved.filter }, { onProgress, offThread: hooks.offThread });
      await writes;
      const precision = await precisionCheck;
      const coarse = precision ? coarseDemandWarning(precision, reserved.params.walkRadiusM) : null;
      await saveZones(conn, runId, proposal, coarse ? [coarse] : []);
    } catch (e) {
      await writes.catch(() => undefined);
      const message = e instanceof Error ? e.message : String(e);
      await conn.run("UPDATE runs SET status = 'failed', error = $e WHERE run_id = $id", { e: message, id: runId });
      throw e;
    }
    return { run: await getRun(store, runId), proposal };
  } finally {
    conn.closeSync();
  }
}

/**
 * Proposes zones and stores the run: {@link reserveRun} then {@link executeRun}. The `runs` row (parameters, filter,
 * status, progress, stats) exists before any work and carries progress while the proposal is computed; the zones
 * rows are written in one transaction with the status `done`. A failure marks the run `failed`, and rethrows.
 * @param store an open store
 * @param options zone options (checked before any row is written)
 * @returns the stored run and the proposal
 * @throws ParkzonesError BAD_OPTION for impossible options (no run is created)
 * @example
 * const { run, proposal } = await createRun(store, { k: 200 });
 */
export async function createRun(store: Store, options: ZoneOptions = {}, hooks: CreateRunHooks = {}): Promise<{ run: StoredRun; proposal: ZoneProposal }> {
  const { runId } = await reserveRun(store, options);
  hooks.onCreated?.(runId);
  return executeRun(store, runId, hooks);
}

/** Writes a proposal's zones and marks its run done, in one transaction (engine/zones plans store plans through it too). */
export async function saveZones(
  conn: DuckDBConnection, runId: number, proposal: Pick<ZoneProposal, 'zones' | 'summary' | 'curve' | 'timingsMs'>, warnings: string[] = [],
): Promise<void> {
  const stats: RunStats = {
    summary: proposal.summary,
    curve: proposal.curve,
    peakParked: proposal.zones.map((z) => z.peakParked),
    timingsMs: proposal.timingsMs,
    warnings,
  };
  await conn.run('BEGIN TRANSACTION');
  try {
    const appender = await conn.createAppender('zones');
    for (const z of proposal.zones) {
      appender.appendBigInt(BigInt(runId));
      appender.appendVarchar(z.zoneId);
      appender.appendInteger(z.rank);
      appender.appendDouble(z.centerLat);
      appender.appendDouble(z.centerLng);
      appender.appendUBigInt(BigInt('0x' + z.cell));
      appender.appendInteger(z.capacity);
      appender.appendBigInt(BigInt(Math.round(z.coveredTrips)));
      appender.appendDouble(z.share);
      appender.appendVarchar(JSON.stringify(z.footprint));
      appender.appendList(listValue(z.catchment.map((h) => BigInt('0x' + h))), LIST(UBIGINT));
      appender.appendList(listValue(z.profile), LIST(INTEGER));
      if (z.medianWalkM === null || z.medianWalkM === undefined) appender.appendNull();
      else appender.appendDouble(z.medianWalkM);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    await conn.run("UPDATE runs SET status = 'done', progress = 1, stage = 'done', stats = $stats WHERE run_id = $id", {
      stats: JSON.stringify(stats),
      id: runId,
    });
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The error of a run that {@link failInterruptedRuns} marked failed. */
export const INTERRUPTED_RUN_ERROR = 'interrupted: the server stopped before the run finished';

/**
 * Marks failed every run still `queued` or `running` that no one is computing: the runs a stopped or crashed
 * process left behind (the store file is locked to one process, so only this process could be computing them).
 * Their error becomes {@link INTERRUPTED_RUN_ERROR}; their stage stays where they stopped.
 * @param store an open store
 * @param options.keep run ids this process is computing or has queued (left as they are)
 * @returns how many runs were marked failed
 * @example
 * await failInterruptedRuns(store); // at start, before any run is queued
 */
export async function failInterruptedRuns(store: Store, options: { keep?: Iterable<number> } = {}): Promise<number> {
  const keep = [...(options.keep ?? [])];
  const params: Record<string, string | number> = { error: INTERRUPTED_RUN_ERROR };
  keep.forEach((id, i) => (params[`keep_${i}`] = id));
  const notKept = keep.length ? ` AND run_id NOT IN (${keep.map((_, i) => `$keep_${i}`).join(', ')})` : '';
  const rows = await store.query(`UPDATE runs SET status = 'failed', error = $error WHERE status IN ('queued', 'running')${notKept} RETURNING run_id`, params);
  return rows.length;
}

function runFromRow(row: Record<string, unknown>): StoredRun {
  return {
    runId: Number(row.run_id),
    createdAt: toIso(row.created_at),
    params: parseJson(row.params),
    filter: parseJson(row.input_filter),
    status: row.status as RunStatus,
    progress: Number(row.progress),
    stage: (row.stage as string | null) ?? null,
    stats: row.stats === null || row.stats === undefined ? null : parseJson<RunStats>(row.stats),
    error: (row.error as string | null) ?? null,
  };
}

/**
 * One stored run.
 * @throws ParkzonesError NOT_FOUND when there is no such run
 */
export async function getRun(store: Store, runId: number): Promise<StoredRun> {
  const rows = await store.query('SELECT * FROM runs WHERE run_id = $id', { id: runId });
  if (rows.length === 0) throw new ParkzonesError('NOT_FOUND', `no run ${runId}`, { option: 'runId' });
  return runFromRow(rows[0]!);
}

/** A run in a list: the stored run without the coverage curve and per-zone figures. */
export type RunListItem = Omit<StoredRun, 'stats'> & { summary: ZoneSummary | null };

/**
 * Stored runs, newest first.
 * @param options.limit at most this many (default 100)
 */
export async function listRuns(store: Store, options: { limit?: number } = {}): Promise<RunListItem[]> {
  const limit = options.limit ?? 100;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new ParkzonesError('BAD_OPTION', `limit: must be a whole number ≥ 1, got ${limit}`, { option: 'limit' });
  const rows = await store.query(
    `SELECT run_id, created_at, params, input_filter, status, progress, stage, error, json_extract(stats, '$.summary') AS summary
     FROM runs ORDER BY run_id DESC LIMIT $limit`,
    { limit },
  );
  return rows.map((row) => {
    const { stats: _stats, ...run } = runFromRow({ ...row, stats: null });
    return { ...run, summary: row.summary === null || row.summary === undefined ? null : parseJson<ZoneSummary>(row.summary) };
  });
}

/**
 * The zones of a stored run, in rank order, as {@link ZoneRecord}s (the same values the proposal had).
 * @throws ParkzonesError NOT_FOUND when there is no such run
 */
export async function getRunZones(store: Store, runId: number): Promise<ZoneRecord[]> {
  const run = await getRun(store, runId);
  const rows = await store.query('SELECT * FROM zones WHERE run_id = $id ORDER BY rank', { id: runId });
  const peaks = run.stats?.peakParked ?? [];
  return rows.map(
    (r, i): ZoneRecord => ({
      zoneId: String(r.zone_id),
      rank: Number(r.rank),
      cell: (r.cell as bigint).toString(16),
      centerLat: Number(r.center_lat),
      centerLng: Number(r.center_lng),
      capacity: Number(r.capacity),
      peakParked: peaks[i] ?? 0,
      coveredTrips: Number(r.covered_trips),
      share: Number(r.share),
      footprint: parseJson<FootprintGeometry>(r.footprint),
      catchment: (r.catchment as bigint[]).map((c) => c.toString(16)),
      profile: (r.profile as number[]).map(Number),
      // Zones of runs stored before the column have none (NULL): left out, so a recompute compares only what was stored.
      ...(r.median_walk_m === null || r.median_walk_m === undefined ? {} : { medianWalkM: Number(r.median_walk_m) }),
    }),
  );
}

/** Result of {@link recomputeRun}. */
export interface RecomputeResult {
  runId: number;
  /** True when the fresh proposal equals the stored one in every zone field, the summary and the curve. */
  equal: boolean;
  /** True when the demand the run saw differs from the store's now (different digest): new trips were added. */
  inputChanged: boolean;
  /** What differs, one line each (empty when equal). */
  differences: string[];
  /** The fresh proposal. */
  proposal: ZoneProposal;
}

/**
 * Recomputes a stored run from its stored parameters and filter, and compares the result with what was stored,
 * value for value (zones, summary, coverage curve; timings excluded). Nothing is written.
 * @throws ParkzonesError NOT_FOUND when there is no such run; CONFLICT when it is not done
 * @example
 * const r = await recomputeRun(store, 3); // r.equal === true unless trips were added since
 */
export async function recomputeRun(store: Store, runId: number): Promise<RecomputeResult> {
  const run = await getRun(store, runId);
  if (run.status !== 'done' || !run.stats) throw new ParkzonesError('CONFLICT', `run ${runId} is ${run.status}, only a done run can be recomputed`);
  const stored = await getRunZones(store, runId);
  const proposal = await proposeZones(store, { ...run.params, filter: run.filter });
  const differences: string[] = [];
  const fresh = proposal.zones;
  if (fresh.length !== stored.length) differences.push(`zones: stored ${stored.length}, recomputed ${fresh.length}`);
  for (let i = 0; i < Math.min(fresh.length, stored.length); i++) {
    const a = stored[i]!;
    const b = fresh[i]!;
    for (const key of Object.keys(a) as (keyof ZoneRecord)[]) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) differences.push(`zone rank ${a.rank} ${key}: stored ${short(a[key])}, recomputed ${short(b[key])}`);
    }
  }
  const s = run.stats.summary as unknown as Record<string, unknown>;
  const t = proposal.summary as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(s), ...Object.keys(t)])) {
    if (JSON.stringify(s[key]) !== JSON.stringify(t[key])) differences.push(`summary ${key}: stored ${short(s[key])}, recomputed ${short(t[key])}`);
  }
  if (JSON.stringify(run.stats.curve) !== JSON.stringify(proposal.curve)) differences.push('coverage curve differs');
  return { runId, equal: differences.length === 0, inputChanged: s.inputDigest !== t.inputDigest, differences, proposal };
}

function short(v: unknown): string {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 80 ? text.slice(0, 77) + '…' : text;
}
