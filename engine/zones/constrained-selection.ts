import type { CoverageGraph } from './coverage-graph.ts';
import type { ZoneDemand } from './demand.ts';
import { districtMask, type District, type DistrictReport } from './districts.ts';
import { decayGreedy, decayValues } from './mclp-decay.ts';
import { mclpGreedy, type GreedyStop, type SpacingIndex } from './mclp-greedy.ts';
import { decayScaleOf, type ResolvedZoneOptions } from './options.ts';

/** Input of {@link selectConstrained}. */
export interface ConstrainedInput {
  demand: ZoneDemand;
  /** Symmetric (rows = demand cells) or bipartite (rows = candidate sites) coverage graph. */
  graph: CoverageGraph;
  /** Position of each row's site (the demand points, or the candidate sites). */
  rowLat: Float64Array;
  rowLng: Float64Array;
  /** Position of each demand cell's point. */
  cellLat: Float64Array;
  cellLng: Float64Array;
  /** 1 where a zone may stand (not excluded). */
  candidate: Uint8Array;
  /** Sites within a distance of a site, for `minSpacingM`. */
  spacingIndex: SpacingIndex;
  options: ResolvedZoneOptions;
  /** Equity minimums; empty = none. */
  districts: District[];
}

/** Result of {@link selectConstrained}: chosen rows in rank order and the per-district report. */
export interface ConstrainedResult {
  selected: Int32Array;
  curve: Float64Array;
  stop: GreedyStop;
  evaluations: number;
  /** Zones placed to meet district minimums (the first ones in rank order). */
  districtZones: number;
  districts: DistrictReport[];
}

/**
 * The greedy (plain or decayed, as `options.objective` says) over any coverage graph, with district minimums met
 * first: while some district's minimum (zones standing in it, or covered share of its trip ends) is unmet and the
 * budget allows, the greedy picks the best site — the one adding most to the objective — among the allowed sites
 * standing in an unmet district; then it continues unconstrained from those zones up to the budget or coverage
 * target. A district whose minimum no further site can help (no allowed site left in it adding `minTrips`) or that
 * the budget `k` cuts short is reported unmet, with the reason. Deterministic (ties to the lower row).
 */
export function selectConstrained(input: ConstrainedInput): ConstrainedResult {
  const { demand, graph, options, candidate } = input;
  const cells = graph.targetCount ?? graph.count;
  const spacing = options.minSpacingM > 0 ? { index: input.spacingIndex, minSpacingM: options.minSpacingM } : null;
  const value = options.objective === 'decay' ? decayValues(graph, decayScaleOf(options)) : null;
  let evaluations = 0;
  const greedy = (o: { k: number | null; coverage: number | null; candidate: Uint8Array; fixed: Int32Array }) => {
    const base = { ...o, minGain: options.minTrips, spacing };
    const r = value ? decayGreedy(graph, demand.trips, value, base) : mclpGreedy(graph, demand.trips, base);
    evaluations += r.evaluations;
    return r;
  };
  const siteIn = input.districts.map((d) => districtMask(d, input.rowLat, input.rowLng, graph.count));
  const cellIn = input.districts.map((d) => districtMask(d, input.cellLat, input.cellLng, cells));
  const reasons: (string | null)[] = input.districts.map(() => null);
  const status = (chosen: Int32Array) => {
    const covered = new Uint8Array(cells);
    for (const s of chosen) for (let e = graph.offsets[s]!; e < graph.offsets[s + 1]!; e++) covered[graph.targets[e]!] = 1;
    return input.districts.map((d, i) => {
      let zones = 0;
      for (const s of chosen) zones += siteIn[i]![s]!;
      let total = 0;
      let cov = 0;
      for (let c = 0; c < cells; c++) {
        if (!cellIn[i]![c]) continue;
        total += demand.trips[c]!;
        if (covered[c]) cov += demand.trips[c]!;
      }
      const share = total > 0 ? cov / total : 0;
      const met = zones >= d.minZones && (d.minShare === 0 || share >= d.minShare * (1 - 1e-12));
      return { zones, coveredTrips: cov, totalTrips: total, share, met };
    });
  };

  let fixed: Int32Array = new Int32Array(0);
  const kLimit = options.k ?? Infinity;
  for (;;) {
    const now = status(fixed);
    const unmet = input.districts.map((_, i) => !now[i]!.met && reasons[i] === null);
    if (!unmet.some(Boolean)) break;
    if (fixed.length >= kLimit) {
      unmet.forEach((u, i) => u && (reasons[i] = `the zone budget k (${options.k}) ran out before this minimum was met`));
      break;
    }
    const allowed = new Uint8Array(graph.count);
    for (let s = 0; s < graph.count; s++) if (candidate[s] && unmet.some((u, i) => u && siteIn[i]![s])) allowed[s] = 1;
    const r = greedy({ k: fixed.length + 1, coverage: null, candidate: allowed, fixed });
    if (r.selected.length > fixed.length) {
      fixed = r.selected;
      continue;
    }
    unmet.forEach((u, i) => {
      if (!u) return;
      let sites = 0;
      for (let s = 0; s < graph.count; s++) sites += siteIn[i]![s]! & candidate[s]!;
      reasons[i] =
        sites === 0
          ? 'no allowed zone site stands in the district'
          : `no further allowed site in the district covers minTrips (${options.minTrips}) more trip ends (${sites} allowed sites)`;
    });
  }
  const districtZones = fixed.length;
  const result = greedy({ k: options.k, coverage: options.coverage, candidate, fixed });
  const final = status(result.selected);
  const districts: DistrictReport[] = input.districts.map((d, i) => ({
    name: d.name,
    minZones: d.minZones,
    minShare: d.minShare,
    ...final[i]!,
    reason: final[i]!.met ? null : reasons[i] ?? 'not met',
  }));
  return { selected: result.selected, curve: result.curve, stop: result.stop, evaluations, districtZones, districts };
}
