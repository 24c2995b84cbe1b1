import type { Express } from 'express';
import { mdsMonthlyReport, ParkzonesError, providerScope } from '../../engine/index.ts';
import { allow, authenticate, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';

/**
 * GET /reports/{YYYY-MM}.csv: the MDS 2.0 monthly report of published geographies (models/report.yaml), for the
 * city's records. Needs a key, as MDS reports do; an operator gets its own rows only.
 */
export function registerReports(app: Express, deps: ResolvedDeps): void {
  app.get('/reports/:filename', authenticate(deps.store), allow('compliance:read'), async (req, res) => {
    const m = /^(\d{4}-\d{2})\.csv$/.exec(String(req.params.filename));
    if (!m) throw new ParkzonesError('BAD_OPTION', `filename: must be YYYY-MM.csv, got "${req.params.filename}"`, { option: 'filename' });
    const own = providerScope(principalOf(req));
    const { csv } = await mdsMonthlyReport(deps.store, { month: m[1]!, tz: deps.tz, providers: own === null ? undefined : [own], k: deps.kAnonymity });
    res.set({ 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${m[1]}.csv"` }).type('text/csv; charset=utf-8').send(csv);
  });
}
