import { describe, expect, it } from 'vitest';
import { syntheticDemand } from '../bench/zones-synth.ts';
import { buildZoneModel } from '../engine/zones/propose-zones.ts';
import { decayGreedy, decayValues, improveDecay } from '../engine/zones/mclp-decay.ts';
import { Random } from '../fixtures/random.ts';
import { improveDecayReference } from './helpers/improve-decay-reference.ts';

describe('decay moves skip zones nothing changed near', () => {
  // Differential: the moves with skipping against every zone looked at in every pass, on seeded random cities, with
  // and without spacing and excluded sites, and without a neighbour index (moves within a zone's own row). Same moves,
  // same set, same objective to the last bit.
  const cases = [
    { seed: 3, cells: 1500, k: 60, radius: 150, spacing: 0, excluded: 0 },
    { seed: 4, cells: 2500, k: 120, radius: 100, spacing: 60, excluded: 0.1 },
    { seed: 5, cells: 2000, k: 40, radius: 200, spacing: 0, excluded: 0.3 },
    { seed: 6, cells: 3000, k: 200, radius: 150, spacing: 120, excluded: 0 },
    { seed: 7, cells: 2000, k: 300, radius: 150, spacing: 0, excluded: 0.05 },
    { seed: 8, cells: 4000, k: 400, radius: 100, spacing: 0, excluded: 0 },
    { seed: 9, cells: 2000, k: 150, radius: 150, spacing: 80, excluded: 0.1, withoutIndex: true },
  ];
  for (const c of cases) {
    it(`gives the reference's moves (seed ${c.seed}, ${c.cells} cells, K ${c.k}, ${c.radius} m, spacing ${c.spacing} m)`, () => {
      const { demand } = syntheticDemand({ cells: c.cells, res: 11, seed: c.seed, hotspots: 6 });
      const { index, graph } = buildZoneModel(demand, c.radius);
      const value = decayValues(graph, c.radius / 2);
      const rnd = new Random(c.seed);
      const candidate = new Uint8Array(graph.count).map(() => (rnd.next() < c.excluded ? 0 : 1));
      const spacing = c.spacing > 0 ? { index, minSpacingM: c.spacing } : null;
      const greedy = decayGreedy(graph, demand.trips, value, { k: c.k, coverage: null, minGain: 1, candidate, spacing });
      const options = { candidate, spacing, index: 'withoutIndex' in c ? null : index };
      const fast = improveDecay(graph, demand.trips, value, greedy.selected, options);
      const ref = improveDecayReference(graph, demand.trips, value, greedy.selected, options);
      expect(ref.moves).toBeGreaterThan(0);
      expect(fast.moves).toBe(ref.moves);
      expect(Array.from(fast.selected)).toEqual(Array.from(ref.selected));
      expect(fast.decayedWeight).toBe(ref.decayedWeight);
    });
  }
});
