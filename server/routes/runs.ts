import express, { type Express, type Request, type Response } from 'express';
import {
  checkRunLabel, compareRuns, currentRunId, executeRun, labelRun, runLabels, exportZoneFromRow, getRun, getRunZones, listRuns, ParkzonesError, reserveRun, resolveZoneOptions, suppressComparison,
  suppressZones, vehicleTypeShares, visibleCellSet, zonesToCsv, zonesToGbfsStationInformation, zonesToGeoJson, zonesToMdsGeographies,
  zonesToMdsPolicy, zonesToMdsStops, zonesToNgsiLd, zonesToParquet, type ExportContext, type StoredRun, type ZoneOptions, type ZoneRecord,
} from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import type { JobQueue, JobState } from '../jobs.ts';
import { pathId, qChoice, qInt } from '../params.ts';
import { jsonBody } from './json-body.ts';
import { allowRecompute, labelView } from './plans.ts';

/** Formats of GET /api/runs/:id/zones. */
export const ZONE_FORMATS = ['geojson', 'csv', 'parquet', 'mds-geography', 'mds-stops', 'mds-policy', 'gbfs', 'ngsi-ld'] as const;

/** A run as the API shows it: the stored run, overlaid with the live job state while it waits or runs. */
export interface RunView {
  runId: number;
  jobId: number | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  stage: string | null;
  queuePosition: number;
  createdAt: string | null;
  params: unknown;
  filter: unknown;
  stats?: unknown;
  summary?: unknown;
  error: string | null;
}

/**
 * Reserves a run (engine/zones `reserveRun`: options checked, row stored as `queued`) and queues its computation
 * (`executeRun`) on the store's job queue; the job's `meta.runId` names the run.
 * @returns the reserved run, the job's live state and a promise of the run id once done
 * @throws ParkzonesError BAD_OPTION for impossible options (no run is stored, nothing is queued)
 */
export async function startRun(deps: ResolvedDeps, options: ZoneOptions): Promise<{ run: StoredRun; state: JobState<number>; done: Promise<number> }> {
  const run = await reserveRun(deps.store, options);
  const { state, done } = deps.jobs.enqueue<number>(
    'recompute',
    async (report) => (await executeRun(deps.store, run.runId, { onProgress: (fraction, stage) => report(fraction, stage), offThread: true })).run.runId,
    { runId: run.runId },
  );
  return { run, state, done };
}

/** Ids of the runs a queue is computing or has queued: the runs that are live in this process. */
export function liveRunIds(jobs: JobQueue): number[] {
  return jobs.pending().flatMap((j) => (typeof j.meta.runId === 'number' ? [j.meta.runId] : []));
}

/** The job of a run id, if it is still known to the queue. */
function jobOfRun(deps: ResolvedDeps, runId: number): JobState | null {
  return [...deps.jobs.pending(), ...deps.jobs.recent(100)].find((j) => j.meta.runId === runId) ?? null;
}

/**
 * The API view of a stored run (runs cut off by an earlier stop were marked failed in the table at start). Per-zone
 * peaks in the stats are for admins only (other roles read them from the k-suppressed zones).
 */
function viewOfRun(run: Omit<StoredRun, 'stats'> & { stats?: StoredRun['stats']; summary?: unknown }, job: JobState | null, admin: boolean): RunView {
  const live = job && job.status === 'running';
  const waiting = job && job.status === 'queued';
  let stats = run.stats;
  if (stats && !admin) {
    const { peakParked: _peaks, ...rest } = stats;
    stats = rest as StoredRun['stats'];
  }
  return {
    runId: run.runId,
    jobId: job?.jobId ?? null,
    // A run reads done only once its job has let go of the queue.
    status: live ? 'running' : run.status,
    progress: live ? Math.max(job.progress, run.progress) : run.progress,
    stage: live ? job.stage : run.stage,
    queuePosition: waiting ? job.queuePosition : 0,
    createdAt: run.createdAt,
    params: run.params,
    filter: run.filter,
    ...(stats !== undefined ? { stats } : {}),
    ...(run.summary !== undefined ? { summary: run.summary } : {}),
    error: run.error,
  };
}

/** Unknown providers in a run filter are a bad request, as for /api/cells. */
async function checkProviders(deps: ResolvedDeps, options: ZoneOptions): Promise<void> {
  const providers = options.filter?.providers;
  if (!Array.isArray(providers)) return;
  const known = new Set(await deps.cache.providers());
  const unknown = providers.filter((p) => !known.has(p));
  if (unknown.length) throw new ParkzonesError('BAD_OPTION', `filter.providers: unknown provider ${unknown.map((u) => `"${u}"`).join(', ')}`, { option: 'filter.providers' });
}

async function doneRun(deps: ResolvedDeps, runId: number): Promise<StoredRun> {
  const run = await getRun(deps.store, runId);
  if (run.status !== 'done') throw new ParkzonesError('CONFLICT', `run ${runId} is ${run.status}; its zones exist once it is done`);
  return run;
}

/** A run's zones as the caller may see them: k-suppressed (zones, hours, catchment cells) for all but admins. */
async function visibleZones(deps: ResolvedDeps, req: Request, run: StoredRun): Promise<ZoneRecord[]> {
  const zones = await getRunZones(deps.store, run.runId);
  if (principalOf(req).role === 'admin') return zones;
  const k = deps.kAnonymity;
  const cells = await deps.cache.demand(run.params.res, run.filter, null);
  return suppressZones(zones, k, visibleCellSet(cells, k));
}

function sendExport(res: Response, type: string, fileName: string, body: string | Buffer, attachment = false): void {
  res.set('Content-Disposition', `${attachment ? 'attachment' : 'inline'}; filename="${fileName}"`).type(type).send(body);
}

/**
 * The API view of a run with its label (name, note, parent, author role, a plan's edits) and whether it is the run
 * the city marked current.
 */
export async function runViewOf(deps: ResolvedDeps, req: Request, run: Parameters<typeof viewOfRun>[0], job: JobState | null = jobOfRun(deps, run.runId)): Promise<RunView> {
  const [labels, current] = await Promise.all([runLabels(deps.store), currentRunId(deps.store)]);
  return { ...viewOfRun(run, job, principalOf(req).role === 'admin'), ...labelView(labels.get(run.runId), current === run.runId) };
}

/** Runs: POST /api/runs (a run reserved at once, computed in the queue), GET /api/runs, GET /api/runs/compare, GET /api/runs/:id, GET /api/runs/:id/zones. */
export function registerRuns(app: Express, deps: ResolvedDeps): void {
  const view = (req: Request, run: Parameters<typeof viewOfRun>[0]) => runViewOf(deps, req, run);
  app.post('/api/runs', allowRecompute(deps), express.json({ limit: '2mb' }), async (req, res) => {
    const { name, note, ...options } = jsonBody(req) as ZoneOptions & { name?: unknown; note?: unknown };
    const label = checkRunLabel({ name, note });
    resolveZoneOptions(options);
    await checkProviders(deps, options);
    const { run, state } = await startRun(deps, options);
    await labelRun(deps.store, run.runId, { ...label, authorRole: principalOf(req).role });
    res.status(202).location(`/api/runs/${run.runId}`).json(await runViewOf(deps, req, run, state));
  });

  app.get('/api/runs', allow('runs:read'), async (req, res) => {
    const limit = qInt(req, 'limit', { min: 1, max: 1000, def: 100 });
    const runs = await listRuns(deps.store, { limit });
    const [labels, current] = await Promise.all([runLabels(deps.store), currentRunId(deps.store)]);
    const admin = principalOf(req).role === 'admin';
    res.json({ runs: runs.map((r) => ({ ...viewOfRun(r, jobOfRun(deps, r.runId), admin), ...labelView(labels.get(r.runId), current === r.runId) })), currentRunId: current });
  });

  app.get('/api/runs/compare', allow('runs:read'), async (req, res) => {
    const a = qInt(req, 'a', { min: 1, max: Number.MAX_SAFE_INTEGER });
    const b = qInt(req, 'b', { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (a === undefined || b === undefined) throw new ParkzonesError('BAD_OPTION', `${a === undefined ? 'a' : 'b'}: give both run ids, e.g. ?a=1&b=2`, { option: a === undefined ? 'a' : 'b' });
    const cmp = await compareRuns(deps.store, a, b);
    res.json(principalOf(req).role === 'admin' ? cmp : suppressComparison(cmp, deps.kAnonymity));
  });

  app.get('/api/runs/:id', allow('runs:read'), async (req, res) => {
    const runId = pathId(req, 'id');
    res.json(await view(req, await getRun(deps.store, runId)));
  });

  app.get('/api/runs/:id/zones', allow('runs:read'), async (req, res) => {
    const format = qChoice(req, 'format', ZONE_FORMATS, 'geojson');
    const run = await doneRun(deps, pathId(req, 'id'));
    const zones = await visibleZones(deps, req, run);
    const base = `run-${run.runId}`;
    if (format === 'geojson') {
      const fc = zonesToGeoJson(zones, { runId: run.runId, summary: run.stats?.summary, curve: run.stats?.curve });
      return sendExport(res, 'application/geo+json', `${base}-zones.geojson`, JSON.stringify(fc));
    }
    const records = zones.map((z) => exportZoneFromRow({ ...z, runId: run.runId }));
    if (format === 'csv') return sendExport(res, 'text/csv; charset=utf-8', `${base}-zones.csv`, zonesToCsv(records), true);
    if (format === 'parquet') return sendExport(res, 'application/vnd.apache.parquet', `${base}-zones.parquet`, await zonesToParquet(deps.store, records), true);
    const ctx: ExportContext = {
      runId: run.runId,
      publishedMs: Date.parse(run.createdAt),
      vehicleTypeShares: await vehicleTypeShares(deps.store, run.filter),
    };
    const mds = 'application/vnd.mds+json; version=2.0';
    switch (format) {
      case 'mds-geography':
        return sendExport(res, mds, `${base}-mds-geographies.json`, JSON.stringify(zonesToMdsGeographies(records, ctx)));
      case 'mds-stops':
        return sendExport(res, mds, `${base}-mds-stops.json`, JSON.stringify(zonesToMdsStops(records, ctx)));
      case 'mds-policy':
        if (records.length === 0) throw new ParkzonesError('EMPTY_INPUT', `run ${run.runId} has no zones to make a policy of`);
        return sendExport(res, mds, `${base}-mds-policy.json`, JSON.stringify(zonesToMdsPolicy(records, ctx)));
      case 'gbfs':
        return sendExport(res, 'application/json', `${base}-station_information.json`, JSON.stringify(zonesToGbfsStationInformation(records, ctx)));
      case 'ngsi-ld':
        return sendExport(res, 'application/ld+json', `${base}-ngsi-ld.jsonld`, JSON.stringify(zonesToNgsiLd(records, ctx)));
    }
  });
}
