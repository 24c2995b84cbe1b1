import express, { type Express, type Request } from 'express';
import {
  getPublication, getRun, getRunZones, listPublications, ParkzonesError, PUBLICATION_STATES, publicationHistory, suppressZones, transitionRun,
  visibleCellSet, zonesToGeoJson, type Publication, type PublicationState,
} from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import { pathId } from '../params.ts';
import { jsonBody } from './json-body.ts';

/** A time in a request body: ISO 8601 text or ms since epoch; undefined when absent. */
function bodyTime(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new ParkzonesError('BAD_OPTION', `${field}: must be an ISO 8601 time or ms since epoch, got ${JSON.stringify(v)}`, { field, option: field });
  return ms;
}

/** Operators see plans once proposed to them; drafts stay the city's. */
function visibleTo(req: Request, p: Publication): boolean {
  return principalOf(req).role !== 'operator' || p.state !== 'draft';
}

/**
 * Plan lifecycle: GET /api/publications (plans proposed, published, retired), GET /api/runs/:id/publication (state
 * and history), POST /api/runs/:id/publication (move it), GET /api/runs/:id/publication/zones (the zones operators check).
 */
export function registerPublications(app: Express, deps: ResolvedDeps): void {
  app.get('/api/publications', allow('publications:read'), async (_req, res) => {
    const publications = await listPublications(deps.store);
    res.json({ publications });
  });

  app.get('/api/runs/:id/publication', allow('publications:read'), async (req, res) => {
    const runId = pathId(req, 'id');
    const publication = await getPublication(deps.store, runId);
    if (!visibleTo(req, publication)) throw new ParkzonesError('NOT_FOUND', `run ${runId} is not a proposed or published plan`, { option: 'id' });
    const history = await publicationHistory(deps.store, runId);
    // Key ids are the city's internal business; operators see roles and times only.
    const shown = principalOf(req).role === 'operator' ? history.map((e) => ({ ...e, actorKeyId: null })) : history;
    res.json({ publication, history: shown });
  });

  app.post('/api/runs/:id/publication', allow('publications:propose'), express.json({ limit: '64kb' }), async (req, res) => {
    const runId = pathId(req, 'id');
    const body = jsonBody(req);
    const state = body.state;
    if (typeof state !== 'string' || !(PUBLICATION_STATES as readonly string[]).includes(state)) {
      throw new ParkzonesError('BAD_OPTION', `state: must be one of ${PUBLICATION_STATES.join(', ')}, got ${JSON.stringify(state)}`, { field: 'state', option: 'state' });
    }
    if (body.requiredParking !== undefined && typeof body.requiredParking !== 'boolean') {
      throw new ParkzonesError('BAD_OPTION', `requiredParking: must be true or false, got ${JSON.stringify(body.requiredParking)}`, { field: 'requiredParking', option: 'requiredParking' });
    }
    if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 500)) {
      throw new ParkzonesError('BAD_OPTION', 'note: must be text of at most 500 characters', { field: 'note', option: 'note' });
    }
    const p = principalOf(req);
    const publication = await transitionRun(deps.store, runId, state as PublicationState, {
      actor: { role: p.role, keyId: p.keyId },
      effectiveMs: bodyTime(body, 'effectiveDate'),
      retireMs: bodyTime(body, 'retireDate'),
      requiredParking: body.requiredParking as boolean | undefined,
      note: body.note as string | undefined,
    });
    res.json({ publication, history: await publicationHistory(deps.store, runId) });
  });

  app.get('/api/runs/:id/publication/zones', allow('publications:read'), async (req, res) => {
    const runId = pathId(req, 'id');
    const publication = await getPublication(deps.store, runId);
    if (!visibleTo(req, publication)) throw new ParkzonesError('NOT_FOUND', `run ${runId} is not a proposed or published plan`, { option: 'id' });
    const run = await getRun(deps.store, runId);
    if (run.status !== 'done') throw new ParkzonesError('CONFLICT', `run ${runId} is ${run.status}`);
    let zones = await getRunZones(deps.store, runId);
    if (principalOf(req).role !== 'admin') {
      const cells = await deps.cache.demand(run.params.res, run.filter, null);
      zones = suppressZones(zones, deps.kAnonymity, visibleCellSet(cells, deps.kAnonymity));
    }
    res.type('application/geo+json').send(JSON.stringify(zonesToGeoJson(zones, { runId, summary: run.stats?.summary, curve: run.stats?.curve })));
  });
}
