/**
 * The plan routes of the API: make a plan from a run, name and annotate runs, mark the city's current run,
 * recompute from a plan, and an upload's rejects grouped by reason.
 */
import type { RunInfo } from './api-types.ts';
import { apiFetch, apiJson, normaliseRun } from './api-client.ts';

/** One edit of a plan, as POST /api/runs/:id/plans takes it. */
export type PlanEdit =
  | { op: 'move'; zone_id: string; lat: number; lng: number }
  | { op: 'delete'; zone_id: string }
  | { op: 'add'; lat: number; lng: number; capacity?: number | null }
  | { op: 'capacity'; zone_id: string; capacity: number | null };

/** A polygon area to avoid, GeoJSON. */
export interface AreaFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

const jsonInit = (method: string, body: unknown): RequestInit => ({ method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** POST /api/runs/:id/plans: the stored plan, with its figures recomputed. */
export async function createPlan(parentRunId: string, body: { name: string; note?: string; edits: PlanEdit[]; exclusions?: { type: 'FeatureCollection'; features: AreaFeature[] } }): Promise<RunInfo> {
  return normaliseRun(await apiJson<RunInfo>(`/api/runs/${encodeURIComponent(parentRunId)}/plans`, jsonInit('POST', body)));
}

/** PATCH /api/runs/:id: a new name and/or note. */
export async function labelRun(runId: string, label: { name?: string | null; note?: string | null }): Promise<RunInfo> {
  return normaliseRun(await apiJson<RunInfo>(`/api/runs/${encodeURIComponent(runId)}`, jsonInit('PATCH', label)));
}

/** PUT /api/runs/:id/current: the city uses this run or plan. */
export async function markCurrent(runId: string): Promise<RunInfo> {
  return normaliseRun(await apiJson<RunInfo>(`/api/runs/${encodeURIComponent(runId)}/current`, { method: 'PUT' }));
}

/** POST /api/runs/:id/recompute: a new run from the run's options, filter and areas to avoid. */
export async function recomputeFrom(runId: string): Promise<RunInfo> {
  return normaliseRun(await apiJson<RunInfo>(`/api/runs/${encodeURIComponent(runId)}/recompute`, { method: 'POST' }));
}

/** One reason's rejects. */
export interface RejectGroup {
  reason: string;
  field: string;
  count: number;
  rows: { rowNumber: number; field: string; reason: string; raw: string | null }[];
}

/** GET /api/uploads/:id/reject-groups */
export async function getRejectGroups(uploadId: number | string): Promise<{ total: number; groups: RejectGroup[] }> {
  return apiJson(`/api/uploads/${encodeURIComponent(String(uploadId))}/reject-groups`);
}

/** GET /api/uploads/:id/rejects.csv, as a blob (the request needs the key, so a plain link would not do). */
export async function getRejectsCsv(uploadId: number | string): Promise<Blob> {
  return (await apiFetch(`/api/uploads/${encodeURIComponent(String(uploadId))}/rejects.csv`)).blob();
}
