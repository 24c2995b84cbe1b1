import { demandCells } from '../bin/index.ts';
import { ParkzonesError, requireOption } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { sortDemandByCell } from './demand.ts';
import { evaluateZoneSet, type ZoneSite } from './evaluate-zone-set.ts';
import { parseExclusions } from './exclusions.ts';
import { resolveZoneOptions } from './options.ts';
import { demandDigest, storePeaks, type ZoneRecord, type ZoneSummary } from './propose-zones.ts';
import { getRun, getRunZones, saveZones, type StoredRun } from './runs.ts';

/** One edit of a plan. Zone ids are those of the parent run's zones (or of zones an earlier edit added). */
export type PlanEdit =
  | { op: 'move'; zone_id: string; lat: number; lng: number }
  | { op: 'delete'; zone_id: string }
  | { op: 'add'; lat: number; lng: number; capacity?: number | null }
  | { op: 'capacity'; zone_id: string; capacity: number | null };

/** What a run is called and where it came from (table `run_labels`). */
export interface RunLabel {
  runId: number;
  name: string | null;
  note: string | null;
  /** The run a plan was made from, or a recompute was started from; null for a fresh run. */
  parentRunId: number | null;
  /** Role of the key that made it. */
  authorRole: string | null;
  /** `plan` for a hand-edited zone set, `run` for a computed one. */
  kind: 'run' | 'plan';
  /** A plan's edits, in order; null for a run. */
  edits: PlanEdit[] | null;
}

/** Input of {@link createPlan}. */
export interface PlanInput {
  /** Shown in lists; 1–200 characters. */
  name: string;
  /** Free text, up to 4000 characters. Default none. */
  note?: string | null;
  /** Applied in order to the parent's zones. Default none. */
  edits?: PlanEdit[];
  /** Areas to avoid (GeoJSON polygons), added to the parent's: a recompute from the plan keeps zone centres out. Default none. */
  exclusions?: unknown;
  /** Role of the author. Default null. */
  authorRole?: string | null;
}

/** What a plan stores in its stats besides a run's: the capacities the planner fixed, by zone id. */
export interface PlanStats {
  fixedCapacity: Record<string, number>;
}

const MAX_EDITS = 10000;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks a list of plan edits, naming the bad field (`edits[2].lat`).
 * @throws ParkzonesError BAD_OPTION for anything that is not a list of {@link PlanEdit}
 */
export function checkPlanEdits(value: unknown): PlanEdit[] {
  if (value === undefined || value === null) return [];
  requireOption(Array.isArray(value), 'edits', `must be a list of edits, got ${JSON.stringify(value)?.slice(0, 60)}`);
  requireOption(value.length <= MAX_EDITS, 'edits', `at most ${MAX_EDITS} edits, got ${value.length}`);
  return value.map((e: unknown, i): PlanEdit => {
    const at = `edits[${i}]`;
    requireOption(e !== null && typeof e === 'object' && !Array.isArray(e), at, 'must be an object with an op');
    const o = e as Record<string, unknown>;
    const zoneId = (): string => {
      requireOption(typeof o.zone_id === 'string' && o.zone_id.length > 0, `${at}.zone_id`, `must be a zone id, got ${JSON.stringify(o.zone_id)}`);
      return o.zone_id as string;
    };
    const latLng = (): { lat: number; lng: number } => {
      requireOption(isNum(o.lat) && o.lat >= -90 && o.lat <= 90, `${at}.lat`, `must be a latitude in [-90, 90], got ${JSON.stringify(o.lat)}`);
      requireOption(isNum(o.lng) && o.lng >= -180 && o.lng <= 180, `${at}.lng`, `must be a longitude in [-180, 180], got ${JSON.stringify(o.lng)}`);
      return { lat: o.lat as number, lng: o.lng as number };
    };
    const capacity = (required: boolean): number | null => {
      if (o.capacity === undefined || o.capacity === null) {
        requireOption(!required, `${at}.capacity`, 'give a whole number of slots, or null to size it from parked-vehicle peaks');
        return null;
      }
      requireOption(Number.isInteger(o.capacity) && (o.capacity as number) >= 0 && (o.capacity as number) <= 100000, `${at}.capacity`, `must be a whole number of slots 0–100000, got ${JSON.stringify(o.capacity)}`);
      return o.capacity as number;
    };
    switch (o.op) {
      case 'move':
        return { op: 'move', zone_id: zoneId(), ...latLng() };
      case 'delete':
        return { op: 'delete', zone_id: zoneId() };
      case 'add':
        return { op: 'add', ...latLng(), capacity: capacity(false) };
      case 'capacity':
        return { op: 'capacity', zone_id: zoneId(), capacity: o.capacity === null ? null : capacity(true) };
      default:
        throw new ParkzonesError('BAD_OPTION', `${at}.op: must be 'move', 'delete', 'add' or 'capacity', got ${JSON.stringify(o.op)}`, { option: `${at}.op` });
    }
  });
}

/**
 * Applies edits to a run's zones: the zone sites of the plan (in the parent's rank order, added zones last) with
 * the capacities fixed by the planner (earlier fixes carried over). Added zones get id `add-N` (N counts the adds of
 * the edit list), so later edits of the same list can name them.
 * @param zones the parent's zones
 * @param fixed capacities the parent's author fixed, by zone id
 * @throws ParkzonesError NOT_FOUND naming `edits[i].zone_id` for a zone that is not (or no longer) in the set
 */
export function applyPlanEdits(zones: readonly Pick<ZoneRecord, 'zoneId' | 'centerLat' | 'centerLng'>[], fixed: Record<string, number>, edits: readonly PlanEdit[]): { sites: ZoneSite[]; fixedCapacity: Record<string, number> } {
  const sites = new Map<string, ZoneSite>();
  for (const z of zones) sites.set(z.zoneId, { zoneId: z.zoneId, lat: z.centerLat, lng: z.centerLng, capacity: fixed[z.zoneId] ?? null });
  let adds = 0;
  edits.forEach((e, i) => {
    if (e.op === 'add') {
      let id = `add-${++adds}`;
      while (sites.has(id)) id = `add-${++adds}`;
      sites.set(id, { zoneId: id, lat: e.lat, lng: e.lng, capacity: e.capacity ?? null });
      return;
    }
    const site = sites.get(e.zone_id);
    if (!site) throw new ParkzonesError('NOT_FOUND', `edits[${i}].zone_id: no zone "${e.zone_id}" in the plan at this edit`, { option: `edits[${i}].zone_id` });
    if (e.op === 'delete') sites.delete(e.zone_id);
    else if (e.op === 'move') (site.lat = e.lat), (site.lng = e.lng);
    else site.capacity = e.capacity;
  });
  const fixedCapacity: Record<string, number> = {};
  for (const s of sites.values()) if (s.capacity !== null && s.capacity !== undefined) fixedCapacity[s.zoneId!] = s.capacity;
  return { sites: [...sites.values()], fixedCapacity };
}

/** GeoJSON areas as a list of Features (for merging exclusion sets). */
function features(geojson: unknown): unknown[] {
  if (geojson === null || geojson === undefined) return [];
  const o = geojson as { type?: string; features?: unknown[] };
  if (o.type === 'FeatureCollection') return o.features ?? [];
  if (o.type === 'Feature') return [o];
  return [{ type: 'Feature', properties: {}, geometry: o }];
}

/**
 * Turns a done run into a plan: applies the edits to its zones, evaluates the edited set at once over the same demand
 * (same resolution, filter and walking radius; engine/zones `evaluateZoneSet`, capacity from parked-vehicle peaks
 * unless fixed) and stores it as a new done run that names its parent, with the edits, the author's role and the
 * parent's options plus the new areas to avoid (so a recompute from the plan excludes them).
 * @param store an open store
 * @param parentRunId a done run or plan
 * @returns the stored plan
 * @throws ParkzonesError NOT_FOUND for an unknown parent or zone id; CONFLICT when the parent is not done; BAD_OPTION naming the field for bad input
 * @example
 * const plan = await createPlan(store, 3, { name: 'Old town, v2', edits: [{ op: 'delete', zone_id: '8b28…' }] });
 */
export async function createPlan(store: Store, parentRunId: number, input: PlanInput): Promise<StoredRun> {
  const name = checkName(input.name, true)!;
  const note = checkNote(input.note);
  const edits = checkPlanEdits(input.edits);
  if (input.exclusions !== undefined && input.exclusions !== null) {
    try {
      parseExclusions(input.exclusions);
    } catch (e) {
      throw new ParkzonesError('BAD_OPTION', String((e as Error).message).replace(/^exclude:/, 'exclusions:'), { option: 'exclusions' });
    }
  }
  const parent = await getRun(store, parentRunId);
  if (parent.status !== 'done' || !parent.stats) throw new ParkzonesError('CONFLICT', `run ${parentRunId} is ${parent.status}; a plan starts from a done run`);
  const parentZones = await getRunZones(store, parentRunId);
  const parentFixed = (parent.stats as unknown as { plan?: PlanStats }).plan?.fixedCapacity ?? {};
  const { sites, fixedCapacity } = applyPlanEdits(parentZones, parentFixed, edits);
  const excluded = [...features(parent.params.exclude), ...features(input.exclusions)];
  const params = { ...parent.params, exclude: excluded.length ? { type: 'FeatureCollection', features: excluded } : null };
  const opts = resolveZoneOptions({ ...params, filter: parent.filter });

  const started = performance.now();
  const demand = await demandCells(store, { res: opts.res, filter: opts.filter, parkedTime: false, distinct: false });
  const evaluation = await evaluateZoneSet(demand, sites, opts, { peaks: storePeaks(store) });
  const f = evaluation.figures;
  const summary: ZoneSummary = {
    ...parent.stats.summary,
    zones: f.zones,
    totalSlots: f.totalSlots,
    totalTrips: f.totalTrips,
    coveredTrips: f.coveredTrips,
    coveredShare: f.coveredShare,
    medianWalkM: f.medianWalkM,
    capacitySized: f.capacitySized,
    upperBoundTrips: null,
    shareOfBound: null,
    reason: null,
    inputDigest: demandDigest(sortDemandByCell(demand)),
    detail: { edits: edits.length },
  };
  const timingsMs = { evaluate: Math.round((performance.now() - started) * 10) / 10 };

  const [row] = await store.query(
    `INSERT INTO runs (run_id, created_at, params, input_filter, status, progress, stage)
     VALUES (nextval('run_id_seq'), now(), $params, $filter, 'running', 0, 'zones') RETURNING run_id`,
    { params: JSON.stringify(params), filter: JSON.stringify(parent.filter) },
  );
  const runId = Number(row!.run_id);
  await labelRun(store, runId, { name, note, parentRunId, authorRole: input.authorRole ?? null, kind: 'plan', edits });
  const conn = await store.connect();
  try {
    await saveZones(conn, runId, { zones: evaluation.zones, summary, curve: evaluation.curve, timingsMs });
    await conn.run(`UPDATE runs SET stats = json_merge_patch(stats, $plan) WHERE run_id = $id`, { plan: JSON.stringify({ plan: { fixedCapacity } }), id: runId });
  } catch (e) {
    await conn.run("UPDATE runs SET status = 'failed', error = $e WHERE run_id = $id", { e: (e as Error).message, id: runId });
    throw e;
  } finally {
    conn.closeSync();
  }
  return getRun(store, runId);
}

function checkName(name: unknown, required: boolean): string | null | undefined {
  if (name === undefined && !required) return undefined;
  if (name === null && !required) return null;
  requireOption(typeof name === 'string' && name.trim().length >= 1 && name.length <= 200, 'name', `must be text of 1–200 characters, got ${JSON.stringify(name)?.slice(0, 60)}`);
  return (name as string).trim();
}

function checkNote(note: unknown): string | null {
  if (note === undefined || note === null) return null;
  requireOption(typeof note === 'string' && note.length <= 4000, 'note', `must be text of at most 4000 characters`);
  return note as string;
}

/**
 * Sets what a run is called and where it came from (inserting its label row, or changing the given fields of it).
 * @throws ParkzonesError BAD_OPTION naming `name` or `note` for text out of bounds
 */
export async function labelRun(
  store: Store,
  runId: number,
  label: { name?: string | null; note?: string | null; parentRunId?: number | null; authorRole?: string | null; kind?: 'run' | 'plan'; edits?: PlanEdit[] | null },
): Promise<void> {
  const name = checkName(label.name, false);
  const note = label.note === undefined ? undefined : checkNote(label.note);
  await store.query(
    `INSERT INTO run_labels (run_id, name, note, parent_run_id, author_role, kind, edits)
     VALUES ($id, $name, $note, $parent, $author, $kind, $edits)
     ON CONFLICT (run_id) DO UPDATE SET
       name = CASE WHEN $setName THEN excluded.name ELSE run_labels.name END,
       note = CASE WHEN $setNote THEN excluded.note ELSE run_labels.note END`,
    {
      id: runId,
      name: name ?? null,
      note: note ?? null,
      parent: label.parentRunId ?? null,
      author: label.authorRole ?? null,
      kind: label.kind ?? 'run',
      edits: label.edits ? JSON.stringify(label.edits) : null,
      setName: name !== undefined,
      setNote: note !== undefined,
    },
  );
}

/** Labels of runs, by run id (runs without a label are absent). */
export async function runLabels(store: Store): Promise<Map<number, RunLabel>> {
  const rows = await store.query('SELECT run_id, name, note, parent_run_id, author_role, kind, edits FROM run_labels');
  return new Map(
    rows.map((r) => [
      Number(r.run_id),
      {
        runId: Number(r.run_id),
        name: (r.name as string | null) ?? null,
        note: (r.note as string | null) ?? null,
        parentRunId: r.parent_run_id === null || r.parent_run_id === undefined ? null : Number(r.parent_run_id),
        authorRole: (r.author_role as string | null) ?? null,
        kind: r.kind === 'plan' ? 'plan' : 'run',
        edits: r.edits ? (JSON.parse(String(r.edits)) as PlanEdit[]) : null,
      },
    ]),
  );
}

/**
 * Marks a done run or plan as the one the city uses (the page opens on it); one at a time.
 * @throws ParkzonesError NOT_FOUND for an unknown run; CONFLICT when it is not done
 */
export async function setCurrentRun(store: Store, runId: number): Promise<void> {
  const run = await getRun(store, runId);
  if (run.status !== 'done') throw new ParkzonesError('CONFLICT', `run ${runId} is ${run.status}; only a done run can be marked current`);
  await store.query(`INSERT INTO meta VALUES ('current_run_id', $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, { v: String(runId) });
}

/** The run marked current with {@link setCurrentRun}, or null when none is. */
export async function currentRunId(store: Store): Promise<number | null> {
  const rows = await store.query(`SELECT value FROM meta WHERE key = 'current_run_id'`);
  return rows.length ? Number(rows[0]!.value) : null;
}

/** The run the planner's page opens on: the one marked current, else the newest done run; null when no run is done. */
export async function openingRunId(store: Store): Promise<number | null> {
  const current = await currentRunId(store);
  if (current !== null) return current;
  const rows = await store.query(`SELECT max(run_id)::BIGINT AS run_id FROM runs WHERE status = 'done'`);
  const id = rows[0]?.run_id;
  return id === null || id === undefined ? null : Number(id);
}

/**
 * Checks a run's name and note as given to POST /api/runs or PATCH /api/runs/:id (absent fields stay absent).
 * @throws ParkzonesError BAD_OPTION naming `name` or `note`
 */
export function checkRunLabel(label: { name?: unknown; note?: unknown }): { name?: string | null; note?: string | null } {
  const out: { name?: string | null; note?: string | null } = {};
  const name = checkName(label.name, false);
  if (name !== undefined) out.name = name;
  if (label.note !== undefined) out.note = checkNote(label.note);
  return out;
}
