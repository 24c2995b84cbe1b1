import type { CellNeighbourIndex } from './cell-neighbours.ts';
import type { CoverageGraph } from './coverage-graph.ts';
import { dbscanCells } from './dbscan.ts';
import type { DemandPoints, ZoneDemand } from './demand.ts';
import { haversineM } from './geo.ts';
import { mclpGreedy, type GreedyStop } from './mclp-greedy.ts';
import { lagrangianSearch } from './mclp-lagrangian.ts';
import { improveZones } from './mclp-local-search.ts';
import { decayGreedy, decayValues, improveDecay } from './mclp-decay.ts';
import { AUTO_LAGRANGIAN_MAX_ENTRIES, decayScaleOf, type ResolvedZoneOptions } from './options.ts';

/** Where zones go, before they are sized and drawn: the common output of both methods. */
export interface ZoneSelection {
  /** Centre cell (index into the demand) of each zone, in rank order. */
  centre: Int32Array;
  /** Zone of each demand cell (index into `centre`), or -1 when no zone serves it. */
  group: Int32Array;
  /** Distance from each demand cell's point (mean trip-end position) to its zone's centre, metres (NaN when none). */
  distM: Float64Array;
  /** Covered share of trip ends after 1, 2, … zones. */
  curve: Float64Array;
  /** Why selection stopped. */
  stop: GreedyStop;
  /** Method-specific figures for the summary. */
  detail: Record<string, number>;
}

/**
 * Zones by maximal covering location (greedy CELF), then every covered cell served by its nearest zone (ties: better rank).
 * @param demand demand cells in cell-id order
 * @param graph coverage graph at the walking radius
 * @param candidate 1 where a zone centre may go
 * @param onProgress fraction 0–1 of the selection done
 */
export function selectMclp(
  demand: ZoneDemand,
  graph: CoverageGraph,
  index: CellNeighbourIndex,
  candidate: Uint8Array,
  options: ResolvedZoneOptions,
  onProgress?: (fraction: number) => void,
): ZoneSelection {
  if (options.objective === 'decay') return selectDecay(demand, graph, index, candidate, options, onProgress);
  const spacing = options.minSpacingM > 0 ? { index, minSpacingM: options.minSpacingM } : null;
  const greedy = mclpGreedy(graph, demand.trips, { k: options.k, coverage: options.coverage, minGain: options.minTrips, candidate, spacing });
  let result = greedy;
  const detail: Record<string, number> = { evaluations: greedy.evaluations, graphEntries: graph.targets.length, greedyCoveredTrips: greedy.coveredWeight };
  const effort = options.optimize === 'auto' ? (graph.targets.length <= AUTO_LAGRANGIAN_MAX_ENTRIES ? 'lagrangian' : 'local') : options.optimize;
  let upperBound: number | null = null;
  onProgress?.(0.1);
  if (effort !== 'greedy' && greedy.selected.length > 0) {
    const improved = improveZones(graph, demand.trips, greedy.selected, { candidate, spacing, index });
    detail.swaps = improved.swaps;
    detail.pairMoves = improved.pairMoves;
    detail.localCoveredTrips = improved.coveredWeight;
    let set = improved.selected;
    onProgress?.(0.3);
    if (effort === 'lagrangian') {
      const onIteration = onProgress ? (f: number) => onProgress(0.3 + 0.7 * f) : undefined;
      const lagrangian = lagrangianSearch(graph, demand.trips, set, { k: set.length, candidate, spacing, index, onIteration });
      set = lagrangian.selected;
      upperBound = lagrangian.upperBound;
      detail.lagrangianIterations = lagrangian.iterations;
      detail.lagrangianImprovements = lagrangian.improvements;
    }
    // Rank the improved set by greedy order within it (this also drops zones the coverage target no longer needs).
    const inSet = new Uint8Array(demand.count);
    for (const s of set) inSet[s] = 1;
    result = mclpGreedy(graph, demand.trips, { k: set.length, coverage: options.coverage, minGain: options.minTrips, candidate: inSet });
    if (result.selected.length !== set.length) upperBound = null; // the bound was for more zones
  }
  if (upperBound !== null) detail.upperBoundTrips = upperBound;
  const stop: GreedyStop = result === greedy || result.stop === 'k' || result.stop === 'exhausted' ? greedy.stop : result.stop;
  return { centre: result.selected, ...nearestZone(graph, result.selected), curve: result.curve, stop, detail };
}

/** Every covered cell served by its nearest zone (ties: better rank). */
function nearestZone(graph: CoverageGraph, centres: Int32Array): { group: Int32Array; distM: Float64Array } {
  const n = graph.count;
  const group = new Int32Array(n).fill(-1);
  const distM = new Float64Array(n).fill(NaN);
  const { offsets, targets } = graph;
  for (let z = 0; z < centres.length; z++) {
    const c = centres[z]!;
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
      const t = targets[e]!;
      const d = graph.distM[e]!;
      if (group[t] === -1 || d < distM[t]!) {
        group[t] = z;
        distM[t] = d;
      }
    }
  }
  return { group, distM };
}

/** mclp with the walking-distance decay objective: CELF greedy, then moves (`optimize` ≠ greedy), ranked by greedy order. */
function selectDecay(
  demand: ZoneDemand,
  graph: CoverageGraph,
  index: CellNeighbourIndex,
  candidate: Uint8Array,
  options: ResolvedZoneOptions,
  onProgress?: (fraction: number) => void,
): ZoneSelection {
  const spacing = options.minSpacingM > 0 ? { index, minSpacingM: options.minSpacingM } : null;
  const value = decayValues(graph, decayScaleOf(options));
  const base = { coverage: options.coverage, minGain: options.minTrips, candidate, spacing };
  const greedy = decayGreedy(graph, demand.trips, value, { k: options.k, ...base });
  const detail: Record<string, number> = { evaluations: greedy.evaluations, graphEntries: graph.targets.length, greedyDecayedTrips: greedy.decayedWeight };
  onProgress?.(0.2);
  let result = greedy;
  if (options.optimize !== 'greedy' && greedy.selected.length > 0) {
    const improved = improveDecay(graph, demand.trips, value, greedy.selected, { candidate, spacing, index });
    detail.moves = improved.moves;
    const inSet = new Uint8Array(demand.count);
    for (const s of improved.selected) inSet[s] = 1;
    result = decayGreedy(graph, demand.trips, value, { ...base, k: improved.selected.length, candidate: inSet, spacing: null });
  }
  const stop: GreedyStop = result === greedy || result.stop === 'k' || result.stop === 'exhausted' ? greedy.stop : result.stop;
  return { centre: result.selected, ...nearestZone(graph, result.selected), curve: result.curve, stop, detail };
}

/**
 * Zones from DBSCAN clusters of hot cells: one zone per cluster, centred on the allowed member cell nearest the
 * cluster's trip-weighted centroid, ranked by the cluster's trip ends; clusters are taken in rank order until the zone
 * budget or coverage target is met. Clusters below `minTrips`, with no allowed centre, or whose centre is closer than
 * `minSpacingM` to an earlier zone are skipped.
 * @param demand demand cells in cell-id order
 * @param graph neighbourhood graph at the DBSCAN radius
 * @param candidate 1 where a zone centre may go
 */
export function selectDbscan(
  demand: ZoneDemand,
  points: DemandPoints,
  graph: CoverageGraph,
  index: CellNeighbourIndex,
  candidate: Uint8Array,
  options: ResolvedZoneOptions,
): ZoneSelection {
  const n = demand.count;
  const clusters = dbscanCells(graph, demand.trips, options.dbscanMinTrips);
  const m = clusters.clusterCount;
  const trips = new Float64Array(m);
  const sLat = new Float64Array(m);
  const sLng = new Float64Array(m);
  for (let c = 0; c < n; c++) {
    const l = clusters.label[c]!;
    if (l < 0) continue;
    const w = demand.trips[c]!;
    trips[l] += w;
    sLat[l] += w * points.lat[c]!;
    sLng[l] += w * points.lng[c]!;
  }
  const centreOf = new Int32Array(m).fill(-1);
  const bestD = new Float64Array(m).fill(Infinity);
  for (let c = 0; c < n; c++) {
    const l = clusters.label[c]!;
    if (l < 0 || !candidate[c] || !(trips[l]! > 0)) continue;
    const d = haversineM(sLat[l]! / trips[l]!, sLng[l]! / trips[l]!, points.lat[c]!, points.lng[c]!);
    if (d < bestD[l]!) {
      bestD[l] = d;
      centreOf[l] = c;
    }
  }
  const order = Array.from({ length: m }, (_, l) => l).sort((a, b) => trips[b]! - trips[a]! || centreOf[a]! - centreOf[b]!);

  let total = 0;
  for (let c = 0; c < n; c++) total += demand.trips[c]!;
  const kLimit = options.k ?? Infinity;
  const target = options.coverage === null ? Infinity : options.coverage * total * (1 - 1e-12);
  const blocked = new Uint8Array(n);
  const scratch = options.minSpacingM > 0 ? new Int32Array(index.maxResults(options.minSpacingM)) : null;
  const scratchD = scratch ? new Float64Array(scratch.length) : null;
  const zoneOfCluster = new Int32Array(m).fill(-1);
  const centres: number[] = [];
  const curve: number[] = [];
  let covered = 0;
  let stop: GreedyStop = n === 0 || total === 0 ? 'empty' : 'exhausted';
  let skippedMin = 0;
  let skippedExcluded = 0;
  let skippedSpacing = 0;
  for (const l of order) {
    if (stop === 'empty') break;
    if (centres.length >= kLimit) {
      stop = 'k';
      break;
    }
    if (covered >= target) {
      stop = 'coverage';
      break;
    }
    if (!(trips[l]! >= options.minTrips && trips[l]! > 0)) {
      skippedMin++;
      continue;
    }
    const c = centreOf[l]!;
    if (c < 0) {
      skippedExcluded++;
      continue;
    }
    if (blocked[c]) {
      skippedSpacing++;
      continue;
    }
    zoneOfCluster[l] = centres.length;
    centres.push(c);
    covered += trips[l]!;
    curve.push(covered / total);
    if (scratch) {
      const k = index.within(c, options.minSpacingM, scratch, scratchD!);
      for (let q = 0; q < k; q++) if (scratchD![q]! < options.minSpacingM) blocked[scratch[q]!] = 1;
    }
  }
  if (stop === 'exhausted' && skippedMin > 0) stop = 'min-trips';

  const group = new Int32Array(n).fill(-1);
  const distM = new Float64Array(n).fill(NaN);
  for (let c = 0; c < n; c++) {
    const l = clusters.label[c]!;
    if (l < 0) continue;
    const z = zoneOfCluster[l]!;
    if (z < 0) continue;
    const centre = centres[z]!;
    group[c] = z;
    distM[c] = c === centre ? 0 : haversineM(points.lat[centre]!, points.lng[centre]!, points.lat[c]!, points.lng[c]!);
  }
  return {
    centre: Int32Array.from(centres),
    group,
    distM,
    curve: Float64Array.from(curve),
    stop,
    detail: {
      clusters: m,
      coreCells: clusters.core.reduce((a, b) => a + b, 0),
      coreMinTrips: clusters.minWeight,
      skippedSmall: skippedMin,
      skippedExcluded,
      skippedSpacing,
    },
  };
}
