import { demandCells, parkedPeaks, fetchParkedSpells, peaksOfSpells, type CellSpells } from '../bin/index.ts';
import { ParkzonesError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { capacityFromPeak } from './capacity.ts';
import { CellNeighbourIndex, type GridDiskFn, type NeighbourMode } from './cell-neighbours.ts';
import { buildCoverageGraph, type CoverageGraph } from './coverage-graph.ts';
import { demandPoints, sortDemandByCell, type DemandPoints, type ZoneDemand } from './demand.ts';
import { excludedMask, parseExclusions } from './exclusions.ts';
import { hexHull, hexOutline, type FootprintGeometry } from './footprint.ts';
import { weightedMedian } from './geo.ts';
import { zoneMedianWalks } from './zone-walk.ts';
import type { GreedyStop } from './mclp-greedy.ts';
import { proposeZonesOffThread } from './propose-off-thread.ts';
import { decayWeight } from './mclp-decay.ts';
import { decayScaleOf, resolveZoneOptions, type ResolvedZoneOptions, type ZoneFilter, type ZoneOptions } from './options.ts';
import { selectDbscan, selectMclp, selectWithLayers, type ZoneSelection } from './zone-selection.ts';
import { parseCandidateSites } from './candidate-sites.ts';
import { parseDistricts, type DistrictReport } from './districts.ts';
import { buildSiteGraph, SiteIndex } from './site-graph.ts';
import { latLngToCell } from '../h3/h3-js.ts';

/** Stages reported to a progress callback, in order. */
export type ZoneStage = 'demand' | 'candidates' | 'solve' | 'capacity' | 'zones' | 'done';

/** Progress callback: fraction done 0–1 (never decreasing) and the stage being worked on. */
export type ZoneProgress = (fraction: number, stage: ZoneStage) => void;

/**
 * Sizes zones: given the zone of every demand cell (-1 = none), returns per zone the chosen percentile of daily
 * peaks of vehicles parked at once. {@link proposeZones} uses engine/bin's `parkedPeaks`.
 */
export type PeaksFn = (demand: ZoneDemand, groups: Int32Array, groupCount: number, options: ResolvedZoneOptions) => Promise<Float64Array>;

/** One proposed parking zone. */
export interface ZoneRecord {
  /**
   * Stable id: the centre cell's hex id (the same site gets the same id in every run); with a candidate layer
   * `site:<lat>,<lng>` from the site's coordinates (engine/zones/candidate-sites.ts).
   */
  zoneId: string;
  /** 1 = chosen first (covers most). */
  rank: number;
  /** Centre cell, 15-hex-digit H3 id. */
  cell: string;
  /** Centre latitude, degrees: the mean position of the centre cell's trip ends (its centroid below 5 trip ends). */
  centerLat: number;
  /** Centre longitude, degrees. */
  centerLng: number;
  /** Parking slots. */
  capacity: number;
  /** The percentile of daily peaks of vehicles parked at once in the catchment, before the safety factor. */
  peakParked: number;
  /** Trip ends served by this zone (each covered trip end counts for its nearest zone only). */
  coveredTrips: number;
  /** `coveredTrips` / all trip ends of the input. */
  share: number;
  /** Catchment outline: the convex hull of the catchment hexagons (mclp) or the catchment's hexagons (dbscan). */
  footprint: FootprintGeometry;
  /** Cells served by this zone, hex ids in ascending id order. */
  catchment: string[];
  /** Trip ends of the catchment per local hour 0–23. */
  profile: number[];
  /** Trip-weighted median walk of the zone's served trip ends, metres (engine/zones/zone-walk.ts); absent in runs stored before it. */
  medianWalkM?: number | null;
}

/** Figures of a whole proposal. */
export interface ZoneSummary {
  method: 'mclp' | 'dbscan';
  /** Number of zones. */
  zones: number;
  /** Sum of capacities, slots. */
  totalSlots: number;
  /** Trip ends in the input. */
  totalTrips: number;
  /** Trip ends served by a zone. */
  coveredTrips: number;
  /** `coveredTrips / totalTrips` (0 when there are none). */
  coveredShare: number;
  /**
   * Served trip ends weighted by walking-distance decay (engine/zones/mclp-decay.ts `decayWeight` of the walk to their
   * zone, at the run's decay scale): what the `decay` objective maximises. Reported for every run.
   */
  decayedTrips: number;
  /** `decayedTrips / totalTrips` (0 when there are none). */
  decayedShare: number;
  /**
   * mclp with `optimize: 'lagrangian'` (or `auto` on smaller inputs): an upper bound on the trip ends any set of this
   * many zones could cover (Lagrangian relaxation); null when not computed.
   */
  upperBoundTrips: number | null;
  /** `coveredTrips / upperBoundTrips`: the proposal covers at least this share of the best possible; null without a bound. */
  shareOfBound: number | null;
  /** Trip-weighted median walk from a served cell's trip ends (their mean position) to its zone centre, metres; null without zones. */
  medianWalkM: number | null;
  /** Demand cells in the input. */
  demandCells: number;
  /** Demand cells that may host a zone (not excluded); with a candidate layer, the layer's sites not excluded. */
  candidateCells: number;
  /** Demand cells whose point (see `centerLat`) lies in an exclusion polygon. */
  excludedCells: number;
  /** Why zone selection stopped. */
  stop: GreedyStop;
  /** Why there are no zones (or fewer than asked), in words; null when the budget or target was met. */
  reason: string | null;
  /** Whether capacities come from parked-vehicle accumulation (false: every zone got `minCapacity`). */
  capacitySized: boolean;
  /** How neighbours were found: `local-ij` (H3 IJ grid disks, hashed) or `grid-disk` (h3 gridDisk per cell). */
  neighbourMode: string;
  /** A digest of the demand cells (ids and trip ends): equal digests, equal input. */
  inputDigest: string;
  /** Method-specific figures (CELF evaluations, clusters …). */
  detail: Record<string, number>;
  /** What the run did differently (a candidate layer, district minimums, phases skipped), in words; absent when nothing. */
  notes?: string[];
  /** With a districts layer: per district its zones, covered trips and share, and whether its minimum is met (and why not). */
  districts?: DistrictReport[];
}

/** A complete proposal: options used, zones in rank order, coverage curve and summary. */
export interface ZoneProposal {
  options: ResolvedZoneOptions;
  zones: ZoneRecord[];
  /** Covered share of trip ends after 1, 2, … zones. */
  curve: number[];
  summary: ZoneSummary;
  /** Milliseconds per stage (not part of the result's identity). */
  timingsMs: Record<string, number>;
}

/** Hooks of {@link proposeZonesFromDemand}. */
export interface ProposeHooks {
  /** Sizes zones; without it every zone gets `minCapacity` and the summary says so. */
  peaks?: PeaksFn;
  /** Progress callback. */
  onProgress?: ZoneProgress;
  /** Grid disk function for the `grid-disk` neighbour mode (default engine/h3 `gridDisk`). */
  gridDisk?: GridDiskFn;
  /** Force a neighbour mode (benchmarks compare them); by default local IJ when safe. */
  neighbourMode?: NeighbourMode;
}

const STAGE_START: Record<ZoneStage, number> = { demand: 0, candidates: 0.3, solve: 0.55, capacity: 0.7, zones: 0.9, done: 1 };

/**
 * Proposes zones from demand cells already in memory — the store-free core of {@link proposeZones}, used by it,
 * the benchmarks and the tests. Deterministic: the same demand and options give the same zones.
 * @param demand demand cells (any order; sorted by cell id internally)
 * @param options zone options (defaults applied; see DEFAULT_ZONE_OPTIONS)
 * @throws ParkzonesError BAD_OPTION for impossible options, or when the demand's resolution differs from `res`
 * @example
 * const proposal = await proposeZonesFromDemand(demand, { k: 50, walkRadiusM: 150 });
 * proposal.zones[0].centerLat;
 */
export async function proposeZonesFromDemand(
  demand: ZoneDemand,
  options: ZoneOptions | ResolvedZoneOptions = {},
  hooks: ProposeHooks = {},
): Promise<ZoneProposal> {
  const opts = resolveZoneOptions(options);
  const progress = progressReporter(hooks.onProgress);
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timingsMs[name] = Math.round((now - t) * 10) / 10;
    t = now;
  };
  if (demand.count > 0 && demand.res !== opts.res) {
    throw new ParkzonesError('BAD_OPTION', `res: demand cells are at resolution ${demand.res}, options ask for ${opts.res}`, { option: 'res' });
  }
  const d = sortDemandByCell(demand);
  for (let i = 1; i < d.count; i++) {
    if (d.cell[i - 1] === d.cell[i]) throw new ParkzonesError('INTERNAL', `demand cells repeat cell ${d.cell[i]!.toString(16)}`);
  }

  progress(STAGE_START.candidates, 'candidates');
  const graphSpan = STAGE_START.solve - STAGE_START.candidates;
  const { points, index, graph } = buildZoneModel(d, opts.walkRadiusM, {
    gridDisk: hooks.gridDisk,
    mode: hooks.neighbourMode,
    onRow: (f) => progress(STAGE_START.candidates + graphSpan * f, 'candidates'),
  });
  const exclusions = parseExclusions(opts.exclude);
  const excluded = excludedMask(exclusions, points.lat, points.lng, d.count);
  const sites = opts.candidates !== null ? parseCandidateSites(opts.candidates, opts.candidateSpacingM) : null;
  const districts = opts.districts !== null ? parseDistricts(opts.districts) : [];
  const siteGraph = sites ? buildSiteGraph(index, sites, opts.walkRadiusM) : null;
  const rowExcluded = sites ? excludedMask(exclusions, sites.lat, sites.lng, sites.count) : excluded;
  const candidate = new Uint8Array(rowExcluded.length);
  let candidateCells = 0;
  for (let i = 0; i < rowExcluded.length; i++) if (!rowExcluded[i]) (candidate[i] = 1), candidateCells++;
  lap('graph');

  progress(STAGE_START.solve, 'solve');
  let selection: ZoneSelection;
  if (opts.method === 'mclp' && (sites || districts.length > 0)) {
    selection = selectWithLayers(d, siteGraph ?? graph, points, sites ?? points, sites ? new SiteIndex(sites) : index, candidate, opts, { sites, districts });
    if (sites) selection.detail.excludedSites = candidate.length - candidateCells;
  } else if (opts.method === 'mclp') {
    const span = STAGE_START.capacity - STAGE_START.solve;
    selection = selectMclp(d, graph, index, candidate, opts, (f) => progress(STAGE_START.solve + span * f, 'solve'));
  } else {
    const eps = opts.dbscanEpsM ?? opts.walkRadiusM;
    const epsGraph: CoverageGraph = eps === opts.walkRadiusM ? graph : buildCoverageGraph(index, eps);
    selection = selectDbscan(d, epsGraph, graph, index, candidate, opts);
  }
  lap('solve');

  progress(STAGE_START.capacity, 'capacity');
  const zoneCount = selection.centre.length;
  let peaks: Float64Array = new Float64Array(zoneCount);
  const capacitySized = hooks.peaks !== undefined;
  if (hooks.peaks && zoneCount > 0) {
    peaks = await hooks.peaks(d, selection.group, zoneCount, opts);
    if (peaks.length !== zoneCount) throw new ParkzonesError('INTERNAL', `parked peaks: expected ${zoneCount} values, got ${peaks.length}`);
  }
  lap('capacity');

  progress(STAGE_START.zones, 'zones');
  const proposal = assemble(d, points, opts, selection, peaks, { excluded, candidateCells, capacitySized, neighbourMode: index.mode });
  lap('zones');
  proposal.timingsMs = timingsMs;
  progress(1, 'done');
  return proposal;
}

/**
 * The zone model of a demand set: each cell's point (its mean trip-end position, {@link demandPoints}), the neighbour
 * index over those points and the coverage graph at the walking radius — what both methods solve on, and what the
 * exact-optimum comparison (bench/zones-ilp.ts) must use too.
 * @param demand demand cells in cell-id order
 * @param radiusM walking radius, metres
 */
export function buildZoneModel(
  demand: ZoneDemand,
  radiusM: number,
  options: { gridDisk?: GridDiskFn; mode?: NeighbourMode; onRow?: (fraction: number) => void } = {},
): { points: DemandPoints; index: CellNeighbourIndex; graph: CoverageGraph } {
  const points = demandPoints(demand);
  const index = CellNeighbourIndex.build(points, { gridDisk: options.gridDisk, mode: options.mode, maxOffsetM: points.maxOffsetM });
  return { points, index, graph: buildCoverageGraph(index, radiusM, options.onRow) };
}

/** Hooks of {@link proposeZones}. */
export interface ProposeZonesHooks {
  /** Progress callback: fraction 0–1 and stage. */
  onProgress?: ZoneProgress;
  /** Run zone selection in a worker thread (engine/zones/propose-off-thread.ts), so this event loop stays free. */
  offThread?: boolean;
}

/**
 * Proposes parking zones from the trips in the store: bins trip ends into demand cells (engine/bin `demandCells`),
 * chooses zone sites (`mclp` or `dbscan`), sizes each zone from parked-vehicle accumulation (engine/bin
 * `parkedPeaks`) and draws footprints. Deterministic for the same stored trips and options.
 * @param store an open store
 * @param options zone options; see {@link resolveZoneOptions} for defaults and checks
 * @returns zones in rank order, coverage curve and summary; zero zones with `summary.reason` when nothing matches
 * @throws ParkzonesError BAD_OPTION naming the option for impossible options
 * @example
 * const p = await proposeZones(store, { k: 100, walkRadiusM: 100, filter: { days: 'weekday' } });
 * console.log(p.summary.coveredShare, p.zones[0].capacity);
 */
export async function proposeZones(store: Store, options: ZoneOptions = {}, hooks: ProposeZonesHooks = {}): Promise<ZoneProposal> {
  const opts = resolveZoneOptions(options);
  const started = performance.now();
  hooks.onProgress?.(0, 'demand');
  const demand = await demandCells(store, { res: opts.res, filter: opts.filter, parkedTime: false, distinct: false });
  const demandMs = Math.round((performance.now() - started) * 10) / 10;
  const core = { onProgress: hooks.onProgress, peaks: await prefetchedStorePeaks(store, demand, opts) };
  const proposal = hooks.offThread ? await proposeZonesOffThread(demand, opts, core) : await proposeZonesFromDemand(demand, opts, core);
  proposal.timingsMs = { demand: demandMs, ...proposal.timingsMs };
  return proposal;
}

/** Zone sizing from the store: the percentile of daily peaks of vehicles parked at once in each zone's catchment. */
export function storePeaks(store: Store): PeaksFn {
  return async (demand, groups, groupCount, opts) => {
    const result = await parkedPeaks(store, {
      res: opts.res,
      filter: opts.filter,
      cells: demand.cell,
      groups,
      groupCount,
      percentile: opts.capacityPercentile,
      slotMinutes: opts.slotMinutes,
      capHours: opts.parkedCapHours,
    });
    return result.percentilePeak;
  };
}

/**
 * Zone sizing like {@link storePeaks}, with the store's part started at once: the parked spells of every demand
 * cell are read while zones are selected (DuckDB's threads work while the selection runs in JavaScript), then
 * grouped by the chosen zones' catchments and swept. A proposal that fails first leaves the read to finish unused.
 */
async function prefetchedStorePeaks(store: Store, demand: ZoneDemand, opts: ResolvedZoneOptions): Promise<PeaksFn> {
  // Resolves once the spells' query runs in DuckDB's threads, before the selection takes the JavaScript thread (the
  // steps before it need the event loop).
  let spells!: Promise<CellSpells>;
  await new Promise<void>((queued) => {
    spells = fetchParkedSpells(store, { res: opts.res, filter: opts.filter, cells: demand.cell, slotMinutes: opts.slotMinutes, capHours: opts.parkedCapHours, onQueued: queued });
    spells.then(() => queued(), () => queued()); // awaited below; never an unhandled rejection when the proposal stops earlier
  });
  return async (d, groups, groupCount, o) => {
    const fetched = await spells;
    // Groups are given per cell of `d`, the demand sorted by cell; demandCells returns its cells sorted, so they are
    // the cells the spells were fetched for, in the same order.
    if (d.count !== demand.count || !d.cell.every((c, i) => c === demand.cell[i])) {
      throw new ParkzonesError('INTERNAL', 'parked peaks: the zones were chosen over other cells than the demand read from the store');
    }
    return peaksOfSpells(fetched, groups, groupCount, o.capacityPercentile).percentilePeak;
  };
}

/** Builds zone records and the summary from a selection and the zones' percentile peaks. */
function assemble(
  d: ZoneDemand,
  points: DemandPoints,
  opts: ResolvedZoneOptions,
  selection: ZoneSelection,
  peaks: Float64Array,
  info: { excluded: Uint8Array; candidateCells: number; capacitySized: boolean; neighbourMode: string },
): ZoneProposal {
  const zoneCount = selection.centre.length;
  const n = d.count;
  // Catchments by counting sort over cells (cells stay in ascending id order within a zone).
  const start = new Int32Array(zoneCount + 1);
  for (let c = 0; c < n; c++) if (selection.group[c]! >= 0) start[selection.group[c]! + 1]++;
  for (let z = 0; z < zoneCount; z++) start[z + 1] += start[z]!;
  const fill = start.slice(0, zoneCount);
  const members = new Int32Array(start[zoneCount]!);
  for (let c = 0; c < n; c++) {
    const z = selection.group[c]!;
    if (z >= 0) members[fill[z]!++] = c;
  }
  let totalTrips = 0;
  for (let c = 0; c < n; c++) totalTrips += d.trips[c]!;

  const zones: ZoneRecord[] = [];
  let coveredTrips = 0;
  let totalSlots = 0;
  const zoneWalks = zoneMedianWalks(selection.group, selection.distM, d.trips, zoneCount);
  for (let z = 0; z < zoneCount; z++) {
    const c = selection.centre[z]!;
    const catchment: string[] = [];
    const profile = new Float64Array(24);
    let trips = 0;
    for (let m = start[z]!; m < start[z + 1]!; m++) {
      const cell = members[m]!;
      catchment.push(d.cell[cell]!.toString(16));
      trips += d.trips[cell]!;
      for (let h = 0; h < 24; h++) profile[h] += d.profile[cell * 24 + h]!;
    }
    const capacity = capacityFromPeak(peaks[z]!, opts);
    coveredTrips += trips;
    totalSlots += capacity;
    const site = selection.site;
    const hex = site ? latLngToCell(site.lat[z]!, site.lng[z]!, opts.res) : d.cell[c]!.toString(16);
    zones.push({
      zoneId: site ? site.id[z]! : hex,
      rank: z + 1,
      cell: hex,
      centerLat: site ? site.lat[z]! : points.lat[c]!,
      centerLng: site ? site.lng[z]! : points.lng[c]!,
      capacity,
      peakParked: peaks[z]!,
      coveredTrips: trips,
      share: totalTrips > 0 ? trips / totalTrips : 0,
      footprint: opts.method === 'mclp' ? hexHull(catchment) : hexOutline(catchment),
      catchment,
      profile: Array.from(profile, Math.round),
      medianWalkM: zoneWalks[z]!,
    });
  }
  const walk = new Float64Array(members.length);
  const weight = new Float64Array(members.length);
  for (let m = 0; m < members.length; m++) {
    walk[m] = selection.distM[members[m]!]!;
    weight[m] = d.trips[members[m]!]!;
  }
  const median = weightedMedian(walk, weight);
  const scaleM = decayScaleOf(opts);
  let decayedTrips = 0;
  for (let m = 0; m < members.length; m++) decayedTrips += weight[m]! * decayWeight(walk[m]!, opts.walkRadiusM, scaleM);
  let excludedCells = 0;
  for (let c = 0; c < n; c++) excludedCells += info.excluded[c]!;
  return {
    options: opts,
    zones,
    curve: Array.from(selection.curve),
    summary: {
      method: opts.method,
      zones: zoneCount,
      totalSlots,
      totalTrips,
      coveredTrips,
      coveredShare: totalTrips > 0 ? coveredTrips / totalTrips : 0,
      decayedTrips: Math.round(decayedTrips * 1000) / 1000,
      decayedShare: totalTrips > 0 ? decayedTrips / totalTrips : 0,
      upperBoundTrips: selection.detail.upperBoundTrips ?? null,
      shareOfBound: selection.detail.upperBoundTrips ? coveredTrips / selection.detail.upperBoundTrips : null,
      medianWalkM: Number.isNaN(median) ? null : Math.round(median * 10) / 10,
      demandCells: n,
      candidateCells: info.candidateCells,
      excludedCells,
      stop: selection.stop,
      reason: explainStop(selection, opts, { n, totalTrips, candidateCells: info.candidateCells }),
      capacitySized: info.capacitySized,
      neighbourMode: info.neighbourMode,
      inputDigest: demandDigest(d),
      detail: selection.detail,
      ...(selection.notes && selection.notes.length > 0 ? { notes: selection.notes } : {}),
      ...(selection.districts ? { districts: selection.districts } : {}),
    },
    timingsMs: {},
  };
}

/** Why selection ended, in words, when the zone budget or coverage target was not what ended it. */
function explainStop(selection: ZoneSelection, opts: ResolvedZoneOptions, f: { n: number; totalTrips: number; candidateCells: number }): string | null {
  if (f.n === 0 || f.totalTrips === 0) return `no trip ends match the filter${describeFilter(opts.filter)}, so there is nothing to cover`;
  if (f.candidateCells === 0) {
    return selection.site
      ? 'every site of the candidate layer lies inside an exclusion polygon, so no zone centre is allowed'
      : 'every demand cell lies inside an exclusion polygon, so no zone centre is allowed';
  }
  const zones = selection.centre.length;
  switch (selection.stop) {
    case 'k':
    case 'coverage':
      return null;
    case 'min-trips':
      return zones === 0
        ? `no allowed zone would cover minTrips (${opts.minTrips}) trip ends`
        : `stopped after ${zones} zones: no further zone would cover minTrips (${opts.minTrips}) new trip ends`;
    case 'exhausted':
      return zones === 0
        ? 'no allowed zone centre can reach any trip end'
        : `stopped after ${zones} zones: every trip end an allowed zone can reach is covered${opts.minSpacingM > 0 ? ` (minSpacingM ${opts.minSpacingM} m)` : ''}`;
    default:
      return `no trip ends match the filter${describeFilter(opts.filter)}, so there is nothing to cover`;
  }
}

function describeFilter(filter: ZoneFilter): string {
  const parts = Object.entries(filter).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/** A 64-bit digest (two 32-bit FNV-style lanes) of the cell ids and trip ends, as 16 hex digits. */
export function demandDigest(d: ZoneDemand): string {
  const ids = new Uint32Array(BigUint64Array.from(d.cell.subarray(0, d.count)).buffer);
  const trips = new Uint32Array(Float64Array.from(d.trips.subarray(0, d.count)).buffer);
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const mix = (w: number): void => {
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ w, 0x5bd1e995);
    b ^= b >>> 15;
  };
  mix(d.count);
  for (let i = 0; i < d.count * 2; i++) {
    mix(ids[i]!);
    mix(trips[i]!);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function progressReporter(onProgress?: ZoneProgress): ZoneProgress {
  let last = -1;
  let lastStage: ZoneStage | null = null;
  return (fraction, stage) => {
    if (!onProgress) return;
    const f = Math.max(last, Math.min(1, fraction));
    if (stage === lastStage && f - last < 0.01 && f < 1) return;
    last = f;
    lastStage = stage;
    onProgress(f, stage);
  };
}
