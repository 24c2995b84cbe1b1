import type { Express } from 'express';
import type { ResolvedDeps } from '../deps.ts';

/**
 * GET /api/config: what the page needs before it draws — basemap style, k, the city's time zone (of hours of day,
 * dates and weekdays), and who the caller is (role and provider, or null without a valid key: a bad key answers as no
 * key, and counts towards the failed-authentication limit).
 */
export function registerConfig(app: Express, deps: ResolvedDeps): void {
  app.get('/api/config', (req, res) => {
    res.json({
      basemapStyleUrl: deps.basemapStyleUrl,
      kAnonymity: deps.kAnonymity,
      tz: deps.tz,
      role: req.principal?.role ?? null,
      providerId: req.principal?.providerId ?? null,
    });
  });
}
