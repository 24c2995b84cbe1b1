import { describe, expect, it } from 'vitest';
import { syntheticDemand } from '../bench/zones-synth.ts';
import { solveDecayExact, solveMclpExact } from '../bench/zones-ilp.ts';
import { buildZoneModel, decayGreedy, decayValues, mclpGreedy, proposeZonesFromDemand } from '../engine/zones/index.ts';

/**
 * The same problem solved exactly by HiGHS (integer program) and by the engine, on the engine's own model: demand at
 * each cell's mean trip-end position (buildZoneModel). Plain coverage (`objective: 'coverage'`, greedy + local search
 * + Lagrangian restarts) must reach at least 99 % of the optimum; the walking-distance decay objective (the default:
 * greedy + single moves, no pair moves or bound yet) at least 98.5 % (98.9 % is the worst seen, on the 600-cell
 * instance: single moves cannot improve its greedy set). Instances: city-like synthetic demand at res 11.
 */
const COVERAGE: { cells: number; seed: number; k: number; radiusM: number }[] = [
  { cells: 300, seed: 1, k: 15, radiusM: 100 },
  { cells: 600, seed: 11, k: 8, radiusM: 150 },
  { cells: 1500, seed: 1600, k: 15, radiusM: 100 },
];
const DECAY: { cells: number; seed: number; k: number; radiusM: number }[] = [
  { cells: 300, seed: 1, k: 15, radiusM: 100 },
  { cells: 500, seed: 202, k: 15, radiusM: 100 },
  { cells: 600, seed: 11, k: 8, radiusM: 150 },
  { cells: 800, seed: 3, k: 20, radiusM: 100 },
];

describe('zones vs the exact optimum (HiGHS), on the mean-position model', () => {
  it.each(COVERAGE)('coverage: ≥ 99 % of the optimum: $cells cells, k = $k, $radiusM m (seed $seed)', async ({ cells, seed, k, radiusM }) => {
    const { demand } = syntheticDemand({ cells, seed, res: 11 });
    const proposal = await proposeZonesFromDemand(demand, { k, walkRadiusM: radiusM, objective: 'coverage' });
    const { graph } = buildZoneModel(demand, radiusM);
    const greedy = mclpGreedy(graph, demand.trips, { k, coverage: null, minGain: 1e-9 });
    const exact = await solveMclpExact(graph, demand.trips, k, null, 10, greedy.selected);
    // Unproved optimum: compare with HiGHS's upper bound instead, which is stricter.
    const best = exact.optimal ? exact.objective : exact.bound;
    const ratio = proposal.summary.coveredTrips / best;
    console.log(`coverage ${cells} cells k=${k} r=${radiusM}: engine ${proposal.summary.coveredTrips}, ${exact.optimal ? 'optimum' : 'bound'} ${best.toFixed(0)} → ${ratio.toFixed(4)}`);
    expect(ratio).toBeGreaterThanOrEqual(0.99);
    expect(proposal.summary.coveredTrips).toBeLessThanOrEqual(exact.bound + 1e-6);
    expect(proposal.summary.upperBoundTrips!).toBeGreaterThanOrEqual(exact.objective - 1e-6);
  });

  it.each(DECAY)('decay: ≥ 98.5 % of the optimum: $cells cells, k = $k, $radiusM m (seed $seed)', async ({ cells, seed, k, radiusM }) => {
    const { demand } = syntheticDemand({ cells, seed, res: 11 });
    const proposal = await proposeZonesFromDemand(demand, { k, walkRadiusM: radiusM });
    const { graph } = buildZoneModel(demand, radiusM);
    const value = decayValues(graph, radiusM / 2);
    const greedy = decayGreedy(graph, demand.trips, value, { k, coverage: null, minGain: 1e-9 });
    const exact = await solveDecayExact(graph, demand.trips, value, k, null, 30, greedy.selected);
    const best = exact.optimal ? exact.objective : exact.bound;
    const ratio = proposal.summary.decayedTrips / best;
    console.log(
      `decay ${cells} cells k=${k} r=${radiusM}: engine ${proposal.summary.decayedTrips.toFixed(1)}, greedy ${greedy.decayedWeight.toFixed(1)}, ` +
        `${exact.optimal ? 'optimum' : 'bound'} ${best.toFixed(1)} → ${ratio.toFixed(4)}, HiGHS ${exact.ms.toFixed(0)} ms`,
    );
    expect(ratio).toBeGreaterThanOrEqual(0.985);
    expect(proposal.summary.decayedTrips).toBeLessThanOrEqual(exact.bound + 1e-6);
  });
});
