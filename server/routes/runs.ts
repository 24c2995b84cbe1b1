import express, { type Express, type Request, type Response } from 'express';
import {
  compareRuns, createRun, exportZoneFromRow, getRun, getRunZones, listRuns, ParkzonesError, resolveZoneOptions, suppressComparison,
  suppressZones, vehicleTypeShares, visibleCellSet, zonesToCsv, zonesToGbfsStationInformation, zonesToGeoJson, zonesToMdsGeographies,
  zonesToMdsPolicy, zonesToMdsStops, zonesToNgsiLd, zonesToParquet, type ExportContext, type StoredRun, type ZoneOptions, type ZoneRecord,
} from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import type { JobState } from '../jobs.ts';
import { pathId, qChoice, qInt } from '../params.ts';
import { jsonBody } from './json-body.ts';

/** Formats of GET /api/runs/:id/zones. */
export const ZONE_FORMATS = ['geojson', 'csv', 'parquet', 'mds-geography', 'mds-stops', 'mds-policy', 'gbfs', 'ngsi-ld'] as const;

/** A run as the API shows it: the stored run, overlaid with the live job state while it runs. */
interface RunView {
  runId: number | null;
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
 * Queues a recompute (engine/zones `createRun`) on the store's job queue. The job records its run id in
 * `state.meta.runId` as soon as the run row exists.
 */
export function startRun(deps: ResolvedDeps, options: ZoneOptions): { state: JobState<number>; done: Promise<number> } {
  return deps.jobs.enqueue<number>('recompute', async (report, state) => {
    const { run } = await createRun(deps.store, options, {
      onCreated: (runId) => (state.meta.runId = runId),
      onProgress: (fraction, stage) => report(fraction, stage),
    });
    return run.runId;
  });
}

/** The job of a run id, if it is still known to the queue. */
function jobOfRun(deps: ResolvedDeps, runId: number): JobState | null {
  return [...deps.jobs.pending(), ...deps.jobs.recent(100)].find((j) => j.meta.runId === runId) ?? null;
}

/**
 * The API view of a stored run. Only this process computes runs (the store file is locked), so a run that was
 * marked running when the server started was cut off by a restart: it shows as failed. Per-zone peaks in the stats
 * are for admins only (other roles read them from the k-suppressed zones).
 */
function viewOfRun(
  run: Omit<StoredRun, 'stats'> & { stats?: StoredRun['stats']; summary?: unknown },
  job: JobState | null,
  admin: boolean,
  interruptedRuns: ReadonlySet<number>,
): RunView {
  const live = job && job.status === 'running';
  const interrupted = run.status === 'running' && interruptedRuns.has(run.runId);
  let stats = run.stats;
  if (stats && !admin) {
    const { peakParked: _peaks, ...rest } = stats;
    stats = rest as StoredRun['stats'];
  }
  return {
    runId: run.runId,
    jobId: job?.jobId ?? null,
    // A run reads done only once its job has let go of the queue.
    status: interrupted ? 'failed' : live ? 'running' : run.status,
    progress: live ? Math.max(job.progress, run.progress) : run.progress,
    stage: live ? job.stage : run.stage,
    queuePosition: 0,
    createdAt: run.createdAt,
    params: run.params,
    filter: run.filter,
    ...(stats !== undefined ? { stats } : {}),
    ...(run.summary !== undefined ? { summary: run.summary } : {}),
    error: interrupted ? 'interrupted: the server stopped while this run was being computed' : run.error,
  };
}

function viewOfQueuedJob(job: JobState): RunView {
  return {
    runId: (job.meta.runId as number | undefined) ?? null, jobId: job.jobId, status: 'queued', progress: 0, stage: 'queued',
    queuePosition: job.queuePosition, createdAt: null, params: job.meta.options ?? null, filter: null, error: null,
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

/** Runs: POST /api/runs (queued recompute), GET /api/runs, GET /api/runs/compare, GET /api/runs/:id, GET /api/runs/:id/zones. */
export function registerRuns(app: Express, deps: ResolvedDeps): void {
  // Runs left 'running' by an earlier process (found once, lazily).
  let interruptedP: Promise<Set<number>> | null = null;
  const interrupted = () =>
    (interruptedP ??= deps.store.query("SELECT run_id FROM runs WHERE status = 'running'").then((rows) => new Set(rows.map((r) => Number(r.run_id)))));
  void interrupted();
  const view = async (req: Request, run: Parameters<typeof viewOfRun>[0]) =>
    viewOfRun(run, jobOfRun(deps, run.runId), principalOf(req).role === 'admin', await interrupted());
  app.post('/api/runs', allow('runs:create'), express.json({ limit: '2mb' }), async (req, res) => {
    const options = jsonBody(req) as ZoneOptions;
    resolveZoneOptions(options);
    await checkProviders(deps, options);
    const { state, done } = startRun(deps, options);
    state.meta.options = options;
    if (state.status === 'queued') {
      res.status(202).json(viewOfQueuedJob(state));
      return;
    }
    // The queue was free: answer with the run id as soon as its row exists (a few milliseconds).
    while (state.meta.runId === undefined && state.status === 'running') await new Promise((r) => setTimeout(r, 5));
    if (state.meta.runId === undefined) {
      await done; // failed before the row existed: rethrows the engine's error
    }
    const runId = state.meta.runId as number;
    res.status(202).location(`/api/runs/${runId}`).json(await view(req, await getRun(deps.store, runId)));
  });

  app.get('/api/runs', allow('runs:read'), async (req, res) => {
    const limit = qInt(req, 'limit', { min: 1, max: 1000, def: 100 });
    const runs = await listRuns(deps.store, { limit });
    const queued = deps.jobs.pending().filter((j) => j.status === 'queued').map(viewOfQueuedJob);
    res.json({ runs: await Promise.all(runs.map((r) => view(req, r))), queued });
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
