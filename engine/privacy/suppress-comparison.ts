import { checkK, DEFAULT_K } from './suppress-cells.ts';

/** The parts of a run comparison (engine/zones' RunComparison) that name zones with their covered trips. */
export interface SuppressibleComparison {
  kept: { coveredTrips: number }[];
  moved: { from: { coveredTrips: number }; to: { coveredTrips: number } }[];
  removed: { coveredTrips: number }[];
  added: { coveredTrips: number }[];
}

/**
 * k-anonymity for a run comparison shown to anyone but an admin: zones covering fewer than k trip ends are left out
 * of kept/added/removed, and a move is left out when either end does (the coverage and slot totals stay).
 */
export function suppressComparison<C extends SuppressibleComparison>(comparison: C, k: number = DEFAULT_K): C {
  checkK(k);
  const ok = (z: { coveredTrips: number }) => z.coveredTrips >= k;
  return {
    ...comparison,
    kept: comparison.kept.filter(ok),
    moved: comparison.moved.filter((m) => ok(m.from) && ok(m.to)),
    removed: comparison.removed.filter(ok),
    added: comparison.added.filter(ok),
  };
}
