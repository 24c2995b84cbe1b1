import type { Request } from 'express';
import { ParkzonesError, providerScope, releaseFilter, type DemandFilter, type Principal } from '../../engine/index.ts';
import type { DemandCache } from '../demand-cache.ts';
import { demandFilterOf } from '../params.ts';

/**
 * The filter a caller may see demand for: an operator's is pinned to its own provider (asking for another is 403);
 * providers named by others must exist (400 otherwise). Also returns k: null for admins (no suppression). For everyone
 * else the filter is snapped to whole atoms (engine/privacy `releaseFilter`: whole local months, the city's time zone).
 */
export async function scopedFilter(req: Request, cache: DemandCache, p: Principal, kAnonymity: number, cityTz: string): Promise<{ filter: DemandFilter; k: number | null }> {
  const filter = demandFilterOf(req);
  const own = providerScope(p);
  if (own !== null) {
    if (filter.providers && filter.providers.some((x) => x !== own)) {
      throw new ParkzonesError('FORBIDDEN', `an operator key of ${own} may see only its own provider's aggregates`);
    }
    filter.providers = [own];
  } else if (filter.providers) {
    const known = new Set(await cache.providers());
    const unknown = filter.providers.filter((x) => !known.has(x));
    if (unknown.length) throw new ParkzonesError('BAD_OPTION', `providers: unknown provider ${unknown.map((u) => `"${u}"`).join(', ')}`, { option: 'providers' });
  }
  if (p.role === 'admin') return { filter, k: null };
  return { filter: releaseFilter(filter, cityTz), k: kAnonymity };
}
