import express, { type Express, type Request, type Response } from 'express';
import {
  checkRunLabel, compareRuns, currentRunId, executeRun, labelRun, runLabels, exportZoneFromRow, getRun, getRunZones, listRuns, ParkzonesError, releaseFilter, releaseZones,
  reserveRun, resolveZoneOptions, suppressComparison, vehicleTypeShares, zonesToCsv, zonesToGbfsStationInformation, zonesToGeoJson, zonesToMdsGeographies,
  zonesToMdsPolicy, zonesToMdsStops, zonesToNgsiLd, zonesToParquet, type ExportContext, type ReleasedRunFigures, type StoredRun, type ZoneOptions, type ZoneRecord, type ZoneSummary,
} from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import type { JobQueue, JobState } from '../jobs.ts';
import { pathId, qChoice, qInt } from '../params.ts';
import { jsonBody } from './json-body.ts';
import { allowRecompute, labelView } from './plans.ts';

/** `layers` of GET /api/runs and GET /api/runs/:id: the GeoJSON layers of a run's options as given, or only their size. */
export const RUN_LAYER_VIEWS = ['full', 'count'] as const;
/** Options of a run that hold GeoJSON layers (a demo run's candidate corners are ~0.5 MB). */
const LAYER_OPTIONS = ['candidates', 'districts'] as const;

/** A run view whose candidate and district layers are replaced by `{type: 'FeatureCollection', featureCount}`. */
function withLayerCounts(view: RunView): RunView {
  const params = view.params;
  if (!params || typeof params !== 'object') return view;
  const out: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  for (const key of LAYER_OPTIONS) {
    const layer = out[key] as { features?: unknown } | null | undefined;
    if (layer && Array.isArray(layer.features)) out[key] = { type: 'FeatureCollection', featureCount: layer.features.length };
  }
  return { ...view, params: out };
}

/** The `layers` query parameter: 'count' → {@link withLayerCounts}, else the view as it is. */
function layersView(req: Request): (view: RunView) => RunView {
  return qChoice(req, 'layers', RUN_LAYER_VIEWS, 'full') === 'count' ? withLayerCounts : (view) => view;
}

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
function viewOfRun(
  run: Omit<StoredRun, 'stats'> & { stats?: StoredRun['stats']; summary?: ZoneSummary | null },
  job: JobState | null,
  admin: boolean,
  released?: ReleasedRunFigures | null,
): RunView {
  const live = job && job.status === 'running';
  const waiting = job && job.status === 'queued';
  let stats = run.stats;
  let summary = run.summary;
  if (!admin) {
    // Counts come from shown atoms only (releasedFigures); raw-count bounds and per-zone peaks are for admins.
    if (stats) {
      const { peakParked: _peaks, ...rest } = stats;
      stats = { ...rest, summary: releasedSummary(rest.summary, released), curve: released?.curve ?? [] } as StoredRun['stats'];
    }
    if (summary) summary = releasedSummary(summary, released);
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
    ...(summary !== undefined ? { summary } : {}),
    error: run.error,
  };
}

/** A run's summary with its trip counts replaced by those of shown atoms (none known: 0), and no raw-count bound. */
function releasedSummary(summary: ZoneSummary, released: ReleasedRunFigures | null | undefined): ZoneSummary {
  return {
    ...summary,
    totalTrips: released?.totalTrips ?? 0,
    coveredTrips: released?.coveredTrips ?? 0,
    coveredShare: released?.coveredShare ?? 0,
    upperBoundTrips: null,
    shareOfBound: null,
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

/**
 * A done run's zones as a non-admin may see them, with the run's figures: covered trips, profiles, shares and the
 * coverage curve recomputed from the cells shown for the run's filter snapped to whole atoms (engine/privacy).
 */
async function releasedRun(deps: ResolvedDeps, run: Pick<StoredRun, 'runId' | 'params' | 'filter'>): Promise<{ zones: ZoneRecord[]; figures: ReleasedRunFigures }> {
  const zones = await getRunZones(deps.store, run.runId);
  const shown = await deps.cache.demand(run.params.res, releaseFilter(run.filter ?? {}, deps.tz), deps.kAnonymity);
  return releaseZones(zones, shown, deps.kAnonymity);
}

/** The released figures of a done run for a non-admin; null for admins and runs not done. */
async function figuresFor(deps: ResolvedDeps, req: Request, run: Pick<StoredRun, 'runId' | 'params' | 'filter' | 'status'>): Promise<ReleasedRunFigures | null> {
  if (principalOf(req).role === 'admin' || run.status !== 'done') return null;
  return (await releasedRun(deps, run)).figures;
}

/** A run's zones as the caller may see them: as stored for admins, released (see {@link releasedRun}) for all others. */
async function visibleZones(deps: ResolvedDeps, req: Request, run: StoredRun): Promise<ZoneRecord[]> {
  if (principalOf(req).role === 'admin') return getRunZones(deps.store, run.runId);
  return (await releasedRun(deps, run)).zones;
}

function sendExport(res: Response, type: string, fileName: string, body: string | Buffer, attachment = false): void {
  res.set('Content-Disposition', `${attachment ? 'attachment' : 'inline'}; filename="${fileName}"`).type(type).send(body);
}

/**
 * The API view of a run with its label (name, note, parent, author role, a plan's edits) and whether it is the run
 * the city marked current.
 */
export async function runViewOf(deps: ResolvedDeps, req: Request, run: Parameters<typeof viewOfRun>[0], job: JobState | null = jobOfRun(deps, run.runId)): Promise<RunView> {
  const [labels, current, figures] = await Promise.all([runLabels(deps.store), currentRunId(deps.store), figuresFor(deps, req, run)]);
  return { ...viewOfRun(run, job, principalOf(req).role === 'admin', figures), ...labelView(labels.get(run.runId), current === run.runId) };
}

/** Runs: POST /api/runs (a run reserved at once, computed in the queue), GET /api/runs, GET /api/runs/compare, GET /api/runs/:id, GET /api/runs/:id/zones. */
export function registerRuns(app: Express, deps: ResolvedDeps): void {
  const view = (req: Request, run: Parameters<typeof viewOfRun>[0]) => runViewOf(deps, req, run);
  app.post('/api/runs', allowRecompute(deps), express.json({ limit: '2mb' }), async (req, res) => {
    const { name, note, ...options } = jsonBody(req) as ZoneOptions & { name?: unknown; note?: unknown };
    const label = checkRunLabel({ name, note });
    resolveZoneOptions(options);
    // A non-admin's run selects whole atoms, as its cells would (whole local months, the city's time zone).
    if (principalOf(req).role !== 'admin' && options.filter) options.filter = releaseFilter(options.filter, deps.tz);
    await checkProviders(deps, options);
    const { run, state } = await startRun(deps, options);
    await labelRun(deps.store, run.runId, { ...label, authorRole: principalOf(req).role });
    res.status(202).location(`/api/runs/${run.runId}`).json(await runViewOf(deps, req, run, state));
  });

  app.get('/api/runs', allow('runs:read'), async (req, res) => {
    const limit = qInt(req, 'limit', { min: 1, max: 1000, def: 100 });
    const layers = layersView(req);
    const runs = await listRuns(deps.store, { limit });
    const [labels, current] = await Promise.all([runLabels(deps.store), currentRunId(deps.store)]);
    const admin = principalOf(req).role === 'admin';
    const views = await Promise.all(
      runs.map(async (r) => layers({ ...viewOfRun(r, jobOfRun(deps, r.runId), admin, await figuresFor(deps, req, r)), ...labelView(labels.get(r.runId), current === r.runId) })),
    );
    res.json({ runs: views, currentRunId: current });
  });

  app.get('/api/runs/compare', allow('runs:read'), async (req, res) => {
    const a = qInt(req, 'a', { min: 1, max: Number.MAX_SAFE_INTEGER });
    const b = qInt(req, 'b', { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (a === undefined || b === undefined) throw new ParkzonesError('BAD_OPTION', `${a === undefined ? 'a' : 'b'}: give both run ids, e.g. ?a=1&b=2`, { option: a === undefined ? 'a' : 'b' });
    const cmp = await compareRuns(deps.store, a, b);
    if (principalOf(req).role === 'admin') return void res.json(cmp);
    // Every covered-trip figure from shown atoms, as in the runs' zones; then zones below k (zeros) are left out.
    const [ra, rb] = await Promise.all([a, b].map(async (id) => releasedRun(deps, await getRun(deps.store, id))));
    const covered = (r: typeof ra, zoneId: string) => r!.zones.find((z) => z.zoneId === zoneId)?.coveredTrips ?? 0;
    const inA = <Z extends { zoneId: string }>(z: Z) => ({ ...z, coveredTrips: covered(ra, z.zoneId) });
    const inB = <Z extends { zoneId: string }>(z: Z) => ({ ...z, coveredTrips: covered(rb, z.zoneId) });
    const released = {
      ...cmp,
      kept: cmp.kept.map(inB),
      moved: cmp.moved.map((m) => ({ ...m, from: inA(m.from), to: inB(m.to) })),
      removed: cmp.removed.map(inA),
      added: cmp.added.map(inB),
      coverage: { a: ra!.figures.coveredShare, b: rb!.figures.coveredShare, difference: rb!.figures.coveredShare - ra!.figures.coveredShare },
    };
    res.json(suppressComparison(released, deps.kAnonymity));
  });

  app.get('/api/runs/:id', allow('runs:read'), async (req, res) => {
    const runId = pathId(req, 'id');
    const layers = layersView(req);
    res.json(layers(await view(req, await getRun(deps.store, runId))));
  });

  app.get('/api/runs/:id/zones', allow('runs:read'), async (req, res) => {
    const format = qChoice(req, 'format', ZONE_FORMATS, 'geojson');
    const run = await doneRun(deps, pathId(req, 'id'));
    const zones = await visibleZones(deps, req, run);
    const base = `run-${run.runId}`;
    if (format === 'geojson') {
      const shown = await view(req, run);
      const stats = shown.stats as StoredRun['stats'];
      const fc = zonesToGeoJson(zones, { runId: run.runId, summary: stats?.summary, curve: stats?.curve });
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
