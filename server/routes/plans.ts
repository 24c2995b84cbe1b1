import express, { type Express, type RequestHandler } from 'express';
import {
  checkRunLabel, createPlan, currentRunId, getRun, getUpload, labelRun, ParkzonesError, rejectGroups, rejectsCsv, setCurrentRun,
  can, type RunLabel,
} from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import { pathId, qInt } from '../params.ts';
import { jsonBody } from './json-body.ts';
import { runViewOf, startRun } from './runs.ts';

/** What a run's label adds to its API view. */
export interface LabelView {
  name: string | null;
  note: string | null;
  parentRunId: number | null;
  authorRole: string | null;
  kind: 'run' | 'plan';
  /** A plan's edits; null for a run. */
  edits: RunLabel['edits'];
  /** True for the run the city marked current. */
  current: boolean;
}

/** The label fields of a run's view (all null for a run that has no label). */
export function labelView(label: RunLabel | undefined, current: boolean): LabelView {
  return {
    name: label?.name ?? null,
    note: label?.note ?? null,
    parentRunId: label?.parentRunId ?? null,
    authorRole: label?.authorRole ?? null,
    kind: label?.kind ?? 'run',
    edits: label?.edits ?? null,
    current,
  };
}

/**
 * Guard of the recompute routes: analysts and admins; planners too when the server allows it
 * (`plannerRecompute`, env PARKZONES_PLANNER_RECOMPUTE=1). 401 without a key, 403 otherwise.
 */
export function allowRecompute(deps: ResolvedDeps): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req);
    if (can(p.role, 'runs:create') || (p.role === 'planner' && deps.plannerRecompute)) return next();
    const who = deps.plannerRecompute ? 'admin, analyst or planner' : 'admin or analyst; planners only where the server sets PARKZONES_PLANNER_RECOMPUTE=1';
    throw new ParkzonesError('FORBIDDEN', `role ${p.role} may not start a recompute (needs ${who})`);
  };
}

/**
 * Plans and run labels: POST /api/runs/:id/plans, PATCH /api/runs/:id, GET /api/runs/current, PUT /api/runs/:id/current,
 * POST /api/runs/:id/recompute; the grouped reject report of an upload and its CSV. Registered before the runs
 * routes (so `current` is not read as a run id).
 */
export function registerPlans(app: Express, deps: ResolvedDeps): void {
  app.get('/api/runs/current', allow('runs:read'), async (req, res) => {
    const id = await currentRunId(deps.store);
    if (id === null) throw new ParkzonesError('NOT_FOUND', 'no run is marked current (PUT /api/runs/:id/current marks one)');
    res.json(await runViewOf(deps, req, await getRun(deps.store, id)));
  });

  app.post('/api/runs/:id/plans', allow('plans:edit'), express.json({ limit: '8mb' }), async (req, res) => {
    const parentRunId = pathId(req, 'id');
    const body = jsonBody(req);
    const known = ['name', 'note', 'edits', 'exclusions'];
    for (const key of Object.keys(body)) {
      if (!known.includes(key)) throw new ParkzonesError('BAD_OPTION', `${key}: unknown field (known: ${known.join(', ')})`, { option: key });
    }
    const plan = await createPlan(deps.store, parentRunId, {
      name: body.name as string,
      note: body.note as string | undefined,
      edits: body.edits as never,
      exclusions: body.exclusions,
      authorRole: principalOf(req).role,
    });
    res.status(201).location(`/api/runs/${plan.runId}`).json(await runViewOf(deps, req, plan));
  });

  app.patch('/api/runs/:id', allow('plans:edit'), express.json({ limit: '64kb' }), async (req, res) => {
    const runId = pathId(req, 'id');
    const body = jsonBody(req);
    for (const key of Object.keys(body)) {
      if (key !== 'name' && key !== 'note') throw new ParkzonesError('BAD_OPTION', `${key}: unknown field (known: name, note)`, { option: key });
    }
    const run = await getRun(deps.store, runId);
    await labelRun(deps.store, runId, checkRunLabel(body));
    res.json(await runViewOf(deps, req, run));
  });

  app.put('/api/runs/:id/current', allow('runs:mark-current'), async (req, res) => {
    const runId = pathId(req, 'id');
    await setCurrentRun(deps.store, runId);
    res.json(await runViewOf(deps, req, await getRun(deps.store, runId)));
  });

  app.post('/api/runs/:id/recompute', allowRecompute(deps), async (req, res) => {
    const from = await getRun(deps.store, pathId(req, 'id'));
    const { run, state } = await startRun(deps, { ...from.params, filter: from.filter });
    await labelRun(deps.store, run.runId, { parentRunId: from.runId, authorRole: principalOf(req).role });
    res.status(202).location(`/api/runs/${run.runId}`).json(await runViewOf(deps, req, run, state));
  });

  const ownUpload = async (req: express.Request) => {
    const p = principalOf(req);
    const id = pathId(req, 'id');
    const upload = await getUpload(deps.store, id);
    if (!upload) throw new ParkzonesError('NOT_FOUND', `no upload with id ${id}`, { option: 'id' });
    if (p.role === 'operator' && upload.providerId !== p.providerId) throw new ParkzonesError('FORBIDDEN', `upload ${id} belongs to another provider`);
    return { upload, raw: can(p.role, 'rows:raw') };
  };

  app.get('/api/uploads/:id/reject-groups', allow('uploads:read'), async (req, res) => {
    const { upload, raw } = await ownUpload(req);
    const perGroup = qInt(req, 'rows', { min: 0, max: 100, def: 3 });
    const groups = await rejectGroups(deps.store, upload.uploadId, { perGroup });
    res.json({ uploadId: upload.uploadId, total: upload.rowsRejected, groups: raw ? groups : groups.map((g) => ({ ...g, rows: g.rows.map((r) => ({ ...r, raw: null })) })) });
  });

  app.get('/api/uploads/:id/rejects.csv', allow('uploads:read'), async (req, res) => {
    const { upload, raw } = await ownUpload(req);
    res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="upload-${upload.uploadId}-rejects.csv"`);
    for await (const piece of rejectsCsv(deps.store, upload.uploadId, { raw })) {
      if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });
}
