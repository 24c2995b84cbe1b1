import type { Express } from 'express';
import { can, openingRunId, providerName, tripDateRange } from '../../engine/index.ts';
import type { ResolvedDeps } from '../deps.ts';

/**
 * GET /api/config: what the page needs before it draws — basemap style (BASEMAP_STYLE_URL, else the server's own
 * /basemap/style.json when it serves one, else null), k, the city's time zone (of hours of day, dates and weekdays),
 * the first and last local date of the stored trips (`dataRange`, signed-in callers only; an operator's own provider's; dates,
 * never counts), and who the caller is (role and provider, or null without a valid key: a bad key answers as no key, and counts
 * towards the failed-authentication limit). Callers who may read runs also get `openingRunId` (the run the page opens on:
 * the one the city marked current, else the newest done run; null when none is done), so the page asks for its zones at
 * once rather than after the run list.
 */
export function registerConfig(app: Express, deps: ResolvedDeps): void {
  app.get('/api/config', async (req, res) => {
    const own = req.principal?.providerId ?? null;
    res.json({
      basemapStyleUrl: deps.basemapStyleUrl ?? (deps.basemap ? '/basemap/style.json' : null),
      kAnonymity: deps.kAnonymity,
      tz: deps.tz,
      role: req.principal?.role ?? null,
      providerId: own,
      // The name uploads gave the operator's provider, shown instead of its id.
      ...(own !== null ? { providerName: await providerName(deps.store, own) } : {}),
      // Planners may start recomputes only where the server allows it (PARKZONES_PLANNER_RECOMPUTE=1).
      plannerRecompute: deps.plannerRecompute,
      // Lets the date pickers offer the data's range. Only dates: no counts.
      dataRange: req.principal ? await tripDateRange(deps.store, { tz: deps.tz, providerId: own }) : null,
      ...(req.principal && can(req.principal.role, 'runs:read') ? { openingRunId: await openingRunId(deps.store) } : {}),
    });
  });
}
