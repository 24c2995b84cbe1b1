import type { CellNeighbourIndex } from './cell-neighbours.ts';
import type { CoverageGraph } from './coverage-graph.ts';
import { dbscanCells } from './dbscan.ts';
import type { ZoneDemand } from './demand.ts';
import { mclpGreedy, type GreedyStop } from './mclp-greedy.ts';
import { lagrangianSearch } from './mclp-lagrangian.ts';
import { improveZones } from './mclp-local-search.ts';
import { decayGreedy, decayValues, improveDecay } from './mclp-decay.ts';
import type { CandidateSites } from './candidate-sites.ts';
import { selectConstrained } from './constrained-selection.ts';
import type { District, DistrictReport } from './districts.ts';
import type { SpacingIndex } from './mclp-greedy.ts';
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
  /** With a candidate layer: each zone's site (position and stable id), aligned with `centre` (which then indexes sites). */
  site?: { lat: Float64Array; lng: Float64Array; id: string[] };
  /** With a districts layer: the per-district report. */
  districts?: DistrictReport[];
  /** What the run did differently from the plain method, in words (phases skipped …). */
  notes?: string[];
}

/**
 * mclp with a candidate layer and/or district minimums: engine/zones/constrained-selection.ts over the bipartite
 * site graph (candidates) or the symmetric cell graph (districts only). The local search and Lagrangian phases are
 * skipped: they need the symmetric graph (a row must also list the sites covering a cell) and could move a zone
 * out of the district it stands in for; the notes say so.
 * @param rows position of each graph row's site; `sites` given when rows are candidate sites
 */
export function selectWithLayers(
  demand: ZoneDemand,
  graph: CoverageGraph,
  cellPoints: { lat: Float64Array; lng: Float64Array },
  rows: { lat: Float64Array; lng: Float64Array },
  spacingIndex: SpacingIndex,
  candidate: Uint8Array,
  options: ResolvedZoneOptions,
  layers: { sites: CandidateSites | null; districts: District[] },
): ZoneSelection {
  const r = selectConstrained({
    demand,
    graph,
    rowLat: rows.lat,
    rowLng: rows.lng,
    cellLat: cellPoints.lat,
    cellLng: cellPoints.lng,
    candidate,
    spacingIndex,
    options,
    districts: layers.districts,
  });
  const detail: Record<string, number> = { evaluations: r.evaluations, graphEntries: graph.targets.length, improvementSkipped: 1 };
  const notes: string[] = [];
  if (layers.sites) {
    detail.candidateSites = layers.sites.count;
    notes.push(`zones only at the ${layers.sites.count} sites of the candidate layer; local search and Lagrangian phases skipped (they need the symmetric cell graph)`);
  }
  if (layers.districts.length > 0) {
    detail.districtZones = r.districtZones;
    if (!layers.sites) notes.push('local search and Lagrangian phases skipped: they could move a zone out of the district it stands in for');
    notes.push(`${r.districtZones} zones placed first to meet district minimums`);
  }
  const selection: ZoneSelection = { centre: r.selected, ...nearestZone(graph, r.selected), curve: r.curve, stop: r.stop, detail, notes };
  if (layers.sites) {
    const s = layers.sites;
    selection.site = { lat: Float64Array.from(r.selected, (i) => s.lat[i]!), lng: Float64Array.from(r.selected, (i) => s.lng[i]!), id: Array.from(r.selected, (i) => s.id[i]!) };
  }
  if (layers.districts.length > 0) selection.districts = r.districts;
  return selection;
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

/** Every covered cell served by its nearest zone (ties: better rank); works on symmetric and bipartite graphs. */
function nearestZone(graph: CoverageGraph, centres: Int32Array): { group: Int32Array; distM: Float64Array } {
  const n = graph.targetCount ?? graph.count;
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
 * Zones from DBSCAN clusters of hot cells, with the same meaning of "covered" as mclp: trip ends within the walking
 * radius of a zone. Clusters are taken in order of their trip ends; each becomes as many zones as it takes to cover
 * its cells within the radius (a cluster wider than the radius is split): greedily, the allowed member cell covering
 * most of the cluster's trip ends no zone covers yet, until every member an allowed member can reach is covered. Zones are added
 * in that order until the zone budget or coverage target (plain coverage) is met. A zone covering fewer than
 * `minTrips` of its cluster's trip ends, or closer than `minSpacingM` to an earlier zone, is skipped. Every covered
 * cell is then served by its nearest zone, as with mclp, so covered share, curve and median walk mean the same.
 * @param demand demand cells in cell-id order
 * @param epsGraph neighbourhood graph at the DBSCAN radius
 * @param graph coverage graph at the walking radius
 * @param candidate 1 where a zone centre may go
 */
export function selectDbscan(
  demand: ZoneDemand,
  epsGraph: CoverageGraph,
  graph: CoverageGraph,
  index: CellNeighbourIndex,
  candidate: Uint8Array,
  options: ResolvedZoneOptions,
): ZoneSelection {
  const n = demand.count;
  const w = demand.trips;
  const clusters = dbscanCells(epsGraph, w, options.dbscanMinTrips);
  const m = clusters.clusterCount;
  const trips = new Float64Array(m);
  const firstCell = new Int32Array(m).fill(-1);
  // Members of each cluster, in cell order (counting sort).
  const start = new Int32Array(m + 1);
  for (let c = 0; c < n; c++) {
    const l = clusters.label[c]!;
    if (l < 0) continue;
    trips[l] += w[c]!;
    start[l + 1]++;
    if (firstCell[l] < 0) firstCell[l] = c;
  }
  for (let l = 0; l < m; l++) start[l + 1] += start[l]!;
  const members = new Int32Array(start[m]!);
  const fill = start.slice(0, m);
  for (let c = 0; c < n; c++) {
    const l = clusters.label[c]!;
    if (l >= 0) members[fill[l]!++] = c;
  }
  const order = Array.from({ length: m }, (_, l) => l).sort((a, b) => trips[b]! - trips[a]! || firstCell[a]! - firstCell[b]!);

  let total = 0;
  for (let c = 0; c < n; c++) total += w[c]!;
  const kLimit = options.k ?? Infinity;
  const target = options.coverage === null ? Infinity : options.coverage * total * (1 - 1e-12);
  const blocked = new Uint8Array(n);
  const scratch = options.minSpacingM > 0 ? new Int32Array(index.maxResults(options.minSpacingM)) : null;
  const scratchD = scratch ? new Float64Array(scratch.length) : null;
  const covered = new Uint8Array(n); // within the radius of a chosen zone
  const inCluster = new Int32Array(n).fill(-1);
  const centres: number[] = [];
  const curve: number[] = [];
  let plain = 0;
  let stop: GreedyStop = n === 0 || total === 0 ? 'empty' : 'exhausted';
  let skippedMin = 0;
  let skippedExcluded = 0;
  let skippedSpacing = 0;
  let splitClusters = 0;
  const { offsets, targets } = graph;
  outer: for (const l of order) {
    if (stop === 'empty') break;
    for (let q = start[l]!; q < start[l + 1]!; q++) inCluster[members[q]!] = l;
    let zonesHere = 0;
    let anyAllowed = false;
    for (;;) {
      if (centres.length >= kLimit) {
        stop = 'k';
        break outer;
      }
      if (plain >= target) {
        stop = 'coverage';
        break outer;
      }
      // The allowed member covering most of the cluster's uncovered trip ends (ties: lower index).
      let best = -1;
      let bestGain = 0;
      for (let q = start[l]!; q < start[l + 1]!; q++) {
        const c = members[q]!;
        if (!candidate[c] || blocked[c]) continue;
        anyAllowed = true;
        let g = 0;
        for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
          const t = targets[e]!;
          if (inCluster[t] === l && !covered[t]) g += w[t]!;
        }
        if (g > bestGain) {
          bestGain = g;
          best = c;
        }
      }
      if (best < 0) break;
      if (!(bestGain >= options.minTrips)) {
        skippedMin++;
        break;
      }
      centres.push(best);
      if (++zonesHere === 2) splitClusters++;
      for (let e = offsets[best]!; e < offsets[best + 1]!; e++) {
        const t = targets[e]!;
        if (!covered[t]) {
          covered[t] = 1;
          plain += w[t]!;
        }
      }
      curve.push(plain / total);
      if (scratch) {
        const k = index.within(best, options.minSpacingM, scratch, scratchD!);
        for (let q = 0; q < k; q++) if (scratchD![q]! < options.minSpacingM) blocked[scratch[q]!] = 1;
      }
    }
    if (zonesHere === 0) {
      if (!anyAllowed) {
        let allowedAtAll = false;
        for (let q = start[l]!; q < start[l + 1]!; q++) if (candidate[members[q]!]) allowedAtAll = true;
        if (allowedAtAll) skippedSpacing++;
        else skippedExcluded++;
      }
    }
  }
  if (stop === 'exhausted' && skippedMin > 0) stop = 'min-trips';
  const centre = Int32Array.from(centres);
  return {
    centre,
    ...nearestZone(graph, centre),
    curve: Float64Array.from(curve),
    stop,
    detail: {
      clusters: m,
      coreCells: clusters.core.reduce((a, b) => a + b, 0),
      coreMinTrips: clusters.minWeight,
      splitClusters,
      skippedSmall: skippedMin,
      skippedExcluded,
      skippedSpacing,
    },
  };
}
