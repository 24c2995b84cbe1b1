import type { Express, Request, Response } from 'express';
import { complianceTable, occupancyTable, providerScope } from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import { pathId, qChoice } from '../params.ts';

function csvField(v: unknown): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of objects as RFC 4180 CSV with the given columns (`\r\n` line ends). */
export function rowsToCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
}

/** Who sees what: an operator only its own provider; k for all but admins. */
function scopeOf(req: Request, deps: ResolvedDeps): { providers?: string[]; k: number | null } {
  const p = principalOf(req);
  const own = providerScope(p);
  return { providers: own === null ? undefined : [own], k: p.role === 'admin' ? null : deps.kAnonymity };
}

function send(res: Response, format: 'json' | 'csv', name: string, key: string, columns: readonly string[], rows: readonly Record<string, unknown>[], meta: object): void {
  if (format === 'csv') {
    res.set('Content-Disposition', `attachment; filename="${name}.csv"`).type('text/csv; charset=utf-8').send(rowsToCsv(columns, rows));
    return;
  }
  res.json({ ...meta, [key]: rows });
}

const COMPLIANCE_COLUMNS = ['providerId', 'period', 'phase', 'tripEnds', 'inZone', 'nearZone', 'noParking', 'inZoneShare', 'nearZoneShare', 'noParkingShare'] as const;
const OCCUPANCY_COLUMNS = ['zoneId', 'rank', 'centerLat', 'centerLng', 'capacity', 'tripEnds', 'peak', 'percentilePeak', 'ratio', 'verdict', 'suggestedCapacity'] as const;

/** GET /api/runs/:id/compliance and /occupancy of a published plan (JSON or CSV); operators see their own figures only. */
export function registerCompliance(app: Express, deps: ResolvedDeps): void {
  app.get('/api/runs/:id/compliance', allow('compliance:read'), async (req, res) => {
    const runId = pathId(req, 'id');
    const period = qChoice(req, 'period', ['week', 'day'] as const, 'week');
    const format = qChoice(req, 'format', ['json', 'csv'] as const, 'json');
    const scope = scopeOf(req, deps);
    const rows = await complianceTable(deps.store, { runId, period, tz: deps.tz, ...scope });
    send(res, format, `run-${runId}-compliance-${period}`, 'rows', COMPLIANCE_COLUMNS, rows as never, { runId, period, tz: deps.tz, k: scope.k });
  });

  app.get('/api/runs/:id/occupancy', allow('compliance:read'), async (req, res) => {
    const runId = pathId(req, 'id');
    const format = qChoice(req, 'format', ['json', 'csv'] as const, 'json');
    const scope = scopeOf(req, deps);
    const rows = await occupancyTable(deps.store, { runId, tz: deps.tz, ...scope });
    send(res, format, `run-${runId}-occupancy`, 'zones', OCCUPANCY_COLUMNS, rows as never, { runId, tz: deps.tz, k: scope.k });
  });
}
