import type { Express } from 'express';
import { providerName, providerScope } from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';

/**
 * GET /api/providers: the provider ids the caller may see — an operator only its own (no count), other roles every
 * provider in the store with its stored trips (k-suppressed for all but admins: a count below k is left out).
 */
export function registerProviders(app: Express, deps: ResolvedDeps): void {
  app.get('/api/providers', allow('aggregates:read'), async (req, res) => {
    const p = principalOf(req);
    const own = providerScope(p);
    if (own !== null) {
      const name = await providerName(deps.store, own);
      res.json({ providers: [name === null ? { id: own } : { id: own, name }] });
      return;
    }
    res.json({ providers: await deps.cache.providerTrips(p.role === 'admin' ? null : deps.kAnonymity, deps.tz) });
  });
}
