/**
 * Short descriptions of runs for people: what was asked and what came out.
 */
import type { RunInfo } from './api-types.ts';
import { formatDateTime, formatInt, formatMetres, formatShare } from './format.ts';

const METHOD_NAMES: Record<string, string> = { mclp: 'best coverage', dbscan: 'demand clusters' };

/** "best coverage · walk 100 m · up to 40 zones · spacing 150 m" */
export function runParamsText(run: RunInfo): string {
  const p = run.params ?? {};
  const parts: string[] = [];
  const radius = p.walkRadiusM ?? p.radiusM;
  const minTrips = p.minTrips ?? p.minDemand;
  if (p.method) parts.push(METHOD_NAMES[String(p.method)] ?? String(p.method));
  if (radius !== undefined && radius !== null) parts.push(`walk ${formatMetres(Number(radius))}`);
  if (p.k !== undefined && p.k !== null) parts.push(`up to ${p.k} zones`);
  if (p.coverage !== undefined && p.coverage !== null) parts.push(`target ${formatShare(Number(p.coverage), 0)}`);
  if (p.minSpacingM !== undefined && p.minSpacingM !== null && Number(p.minSpacingM) > 0) parts.push(`spacing ${formatMetres(Number(p.minSpacingM))}`);
  if (minTrips !== undefined && minTrips !== null && Number(minTrips) > 1) parts.push(`zones cover ≥ ${minTrips} trips`);
  if (p.exclude ?? p.exclusions) parts.push('with areas to avoid');
  const f = p.filter;
  if (f && typeof f === 'object') {
    // The API's `to` is exclusive; people read the last day included.
    if (f.from || f.to) parts.push(`${f.from ?? '…'} to ${f.to ? lastDayIncluded(f.to) : '…'}`);
    if (f.days && f.days !== 'all') parts.push(`${f.days}s`);
    if (Array.isArray(f.hours) && f.hours.length > 0 && f.hours.length < 24) parts.push(`hours ${hoursText(f.hours)}${f.tz ? ` (${f.tz})` : ''}`);
  }
  return parts.join(' · ');
}

/** "38 zones · 81.2 % covered · 412 slots · median walk 57 m", or the status. */
export function runResultText(run: RunInfo): string {
  if (run.status === 'failed') return `Failed: ${run.error ?? 'unknown error'}`;
  if (run.status === 'queued') return `Waiting for another run to finish${run.queuePosition ? ` (position ${run.queuePosition} in the queue)` : ''}`;
  if (run.status !== 'done') return `Computing${run.stage ? ` (${run.stage})` : ''} ${formatShare(run.progress ?? 0, 0)}`;
  const s = run.stats;
  if (!s) return 'Done';
  const parts = [`${formatInt(s.zones)} zones`, `${formatShare(s.coveredShare)} of trip ends covered`];
  if (s.totalSlots !== undefined) parts.push(`${formatInt(s.totalSlots)} slots`);
  if (s.medianWalkM !== undefined && s.medianWalkM !== null) parts.push(`median walk ${formatMetres(s.medianWalkM)}`);
  return parts.join(' · ');
}

/** Title of a run: its name, else "Run 4" (a plan: "Plan 5"), with its date: "Old town v2 · 12 Mar 2025, 14:05". */
export function runTitle(run: RunInfo): string {
  const name = run.name || `${run.kind === 'plan' ? 'Plan' : 'Run'} ${run.runId}`;
  return `${name}${run.createdAt ? ` · ${formatDateTime(run.createdAt)}` : ''}`;
}

/** Where a run came from and who made it: "plan of run 3 · by planner · current". */
export function runLineageText(run: RunInfo): string {
  const parts: string[] = [];
  if (run.parentRunId !== null && run.parentRunId !== undefined) parts.push(`${run.kind === 'plan' ? 'plan of' : 'recomputed from'} run ${run.parentRunId}`);
  else if (run.kind === 'plan') parts.push('plan');
  if (run.authorRole) parts.push(`by ${run.authorRole}`);
  if (run.kind === 'plan' && run.edits) parts.push(`${run.edits.length} edit${run.edits.length === 1 ? '' : 's'}`);
  if (run.current) parts.push('current');
  return parts.join(' · ');
}

/** The API's exclusive `to` date → the last day included (date-times are shown as they are). */
function lastDayIncluded(to: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) return to;
  const d = new Date(`${to}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** [7,8,9,17,18] → "7–9, 17–18" (hours of day). */
export function hoursText(hours: readonly number[]): string {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}h` : `${sorted[i]}–${sorted[j]! + 1}h`);
    i = j;
  }
  return ranges.join(', ');
}
