import { isParkzonesError, ParkzonesError, requireOption } from '../errors.ts';
import { validateFilter, type DemandFilter } from '../bin/index.ts';
import { parseExclusions } from './exclusions.ts';
import { parseCandidateSites } from './candidate-sites.ts';
import { parseDistricts } from './districts.ts';

/** How zones are found: maximal covering location (greedy, CELF) or density clusters of hot cells. */
export type ZoneMethod = 'mclp' | 'dbscan';

/**
 * How hard mclp works after the greedy: `greedy` (CELF only), `local` (+ single-swap and pair-move local search),
 * `lagrangian` (+ Lagrangian relaxation: an upper bound on the best possible, and restarts from its zone sets),
 * `auto` (`lagrangian` when the coverage graph has at most {@link AUTO_LAGRANGIAN_MAX_ENTRIES} entries, else `local`).
 */
export type ZoneOptimize = 'auto' | 'greedy' | 'local' | 'lagrangian';

/** `optimize: 'auto'` runs the Lagrangian phase up to this many coverage-graph entries (≈ 15,000 cells at 100 m, res 11). */
export const AUTO_LAGRANGIAN_MAX_ENTRIES = 300_000;

/**
 * What mclp maximises: `coverage`, the trip ends within the walking radius of a zone (all count alike), or `decay`,
 * each trip end weighted by how near its nearest zone is (engine/zones/mclp-decay.ts `decayWeight`: 1 at the zone,
 * 0 at the radius).
 */
export type ZoneObjective = 'coverage' | 'decay';

/** Which trips count as demand: engine/bin's filter. */
export type ZoneFilter = DemandFilter;

/** Options of a zone proposal. Every field is optional; {@link DEFAULT_ZONE_OPTIONS} lists the defaults. */
export interface ZoneOptions {
  /** H3 resolution of demand and candidate cells, 7–12. */
  res?: number;
  /** Walking radius in metres (great-circle, zone centre to a cell's mean trip-end position) within which a zone covers a trip end. */
  walkRadiusM?: number;
  /** Zone budget: at most this many zones. null = no budget. */
  k?: number | null;
  /** Stop once this share (0–1] of trip ends is covered. null = no target (default 0.8 when `k` is also null). */
  coverage?: number | null;
  /** Minimum great-circle distance between two zone centres, metres. */
  minSpacingM?: number;
  /**
   * Minimum trip ends a zone must cover (mclp: what it adds to the objective — trip ends newly covered, or with
   * `objective: 'decay'` decayed trip ends; dbscan: trip ends of its cluster it newly covers).
   */
  minTrips?: number;
  /** Areas where no zone centre may fall: GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection of them. */
  exclude?: unknown;
  /** `mclp` (maximal covering location, default) or `dbscan` (density clusters of hot cells). */
  method?: ZoneMethod;
  /** mclp: how hard to work after the greedy (see {@link ZoneOptimize}). */
  optimize?: ZoneOptimize;
  /** mclp: what to maximise (see {@link ZoneObjective}). */
  objective?: ZoneObjective;
  /** Scale of the walking-distance decay, metres. null = half the walking radius. */
  decayScaleM?: number | null;
  /** Percentile of daily parked-vehicle peaks that sizes a zone, in (0, 1]. */
  capacityPercentile?: number;
  /** Multiplier on the percentile peak before rounding up to whole slots. */
  safetyFactor?: number;
  /** Smallest capacity of a zone, slots. */
  minCapacity?: number;
  /** Largest capacity of a zone, slots. null = none. */
  maxCapacity?: number | null;
  /** Width of a parked-vehicle counting slot, minutes. */
  slotMinutes?: number;
  /** A vehicle parked longer than this is counted as parked for this long, hours. */
  parkedCapHours?: number;
  /** dbscan: neighbourhood radius, metres. null = `walkRadiusM`. */
  dbscanEpsM?: number | null;
  /** dbscan: trip ends within `dbscanEpsM` that make a cell a core (hot) cell. null = the 75th percentile over cells. */
  dbscanMinTrips?: number | null;
  /**
   * mclp: a candidate layer, GeoJSON (FeatureCollection) of Point/MultiPoint sites or LineString/MultiLineString
   * lines sampled every `candidateSpacingM`; zones stand only at those sites. null = demand cells are the candidates.
   */
  candidates?: unknown;
  /** Spacing of the sites sampled along candidate lines, metres. */
  candidateSpacingM?: number;
  /**
   * mclp: an equity layer, a GeoJSON FeatureCollection of district polygons with `properties.min_zones` and/or
   * `properties.min_share`, met first within the greedy (engine/zones/constrained-selection.ts). null = none.
   */
  districts?: unknown;
  /** Which trips are demand. */
  filter?: ZoneFilter;
}

/** Options after defaults are applied: every field present. This is what a run stores as its parameters. */
export interface ResolvedZoneOptions {
  res: number;
  walkRadiusM: number;
  k: number | null;
  coverage: number | null;
  minSpacingM: number;
  minTrips: number;
  exclude: unknown;
  method: ZoneMethod;
  optimize: ZoneOptimize;
  objective: ZoneObjective;
  decayScaleM: number | null;
  capacityPercentile: number;
  safetyFactor: number;
  minCapacity: number;
  maxCapacity: number | null;
  slotMinutes: number;
  parkedCapHours: number;
  dbscanEpsM: number | null;
  dbscanMinTrips: number | null;
  candidates: unknown;
  candidateSpacingM: number;
  districts: unknown;
  filter: ZoneFilter;
}

/** Coverage target used when neither `k` nor `coverage` is given. */
export const DEFAULT_COVERAGE = 0.8;

/** Defaults of {@link ZoneOptions}. */
export const DEFAULT_ZONE_OPTIONS: Readonly<ResolvedZoneOptions> = Object.freeze({
  res: 11, // H3 resolution (edge ≈ 29 m, centroid spacing ≈ 50 m)
  walkRadiusM: 100, // metres, great-circle from a zone centre to a cell's mean trip-end position
  k: null, // zones; null = no budget
  coverage: null, // share of trip ends 0–1; null = none, or 0.8 when k is null too
  minSpacingM: 0, // metres between zone centres
  minTrips: 1, // trip ends a zone must cover
  exclude: null, // GeoJSON polygons; null = none
  method: 'mclp' as ZoneMethod, // 'mclp' | 'dbscan'
  optimize: 'auto' as ZoneOptimize, // 'auto' | 'greedy' | 'local' | 'lagrangian'
  objective: 'decay' as ZoneObjective, // 'decay' | 'coverage'; decay puts zones where riders park (README)
  decayScaleM: null, // metres; null = walkRadiusM / 2
  capacityPercentile: 0.85, // of daily peaks of vehicles parked at once
  safetyFactor: 1.2, // × percentile peak
  minCapacity: 2, // slots
  maxCapacity: null, // slots; null = no ceiling
  slotMinutes: 15, // minutes per accumulation slot
  parkedCapHours: 24, // hours; longer stays count as this long
  dbscanEpsM: null, // metres; null = walkRadiusM
  dbscanMinTrips: null, // trip ends within eps; null = 75th percentile over cells
  candidates: null, // GeoJSON points / lines; null = zones at demand cells
  candidateSpacingM: 25, // metres between sites sampled along candidate lines
  districts: null, // GeoJSON district polygons with min_zones / min_share; null = none
  filter: {}, // all trips
});

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Applies defaults and checks every option, so that impossible requests fail before any work starts.
 * @param options the caller's options (unknown keys are rejected, to catch typos)
 * @returns options with every field present
 * @throws ParkzonesError BAD_OPTION naming the option, e.g. `walkRadiusM: must be a number of metres > 0, got -5`
 * @example
 * resolveZoneOptions({ k: 50 }) // → { res: 11, walkRadiusM: 100, k: 50, coverage: null, … }
 */
export function resolveZoneOptions(options: ZoneOptions = {}): ResolvedZoneOptions {
  requireOption(options !== null && typeof options === 'object', 'options', 'must be an object');
  for (const key of Object.keys(options)) {
    requireOption(key in DEFAULT_ZONE_OPTIONS, key, `unknown option (known: ${Object.keys(DEFAULT_ZONE_OPTIONS).join(', ')})`);
  }
  const o = { ...DEFAULT_ZONE_OPTIONS, ...stripUndefined(options) } as ResolvedZoneOptions;

  requireOption(Number.isInteger(o.res) && o.res >= 7 && o.res <= 12, 'res', `must be an H3 resolution from 7 to 12, got ${show(o.res)}`);
  requireOption(isNum(o.walkRadiusM) && o.walkRadiusM > 0, 'walkRadiusM', `must be a number of metres > 0, got ${show(o.walkRadiusM)}`);
  requireOption(o.walkRadiusM <= 5000, 'walkRadiusM', `must be at most 5000 m (a walk), got ${show(o.walkRadiusM)}`);
  if (o.k !== null) requireOption(Number.isInteger(o.k) && o.k >= 1, 'k', `must be a whole number of zones ≥ 1, got ${show(o.k)}`);
  if (o.coverage !== null) {
    requireOption(isNum(o.coverage) && o.coverage > 0 && o.coverage <= 1, 'coverage', `must be a share in (0, 1], got ${show(o.coverage)}`);
  }
  if (o.k === null && o.coverage === null) o.coverage = DEFAULT_COVERAGE;
  requireOption(isNum(o.minSpacingM) && o.minSpacingM >= 0, 'minSpacingM', `must be a number of metres ≥ 0, got ${show(o.minSpacingM)}`);
  requireOption(o.minSpacingM <= 5000, 'minSpacingM', `must be at most 5000 m, got ${show(o.minSpacingM)}`);
  requireOption(isNum(o.minTrips) && o.minTrips >= 0, 'minTrips', `must be a number of trip ends ≥ 0, got ${show(o.minTrips)}`);
  requireOption(o.method === 'mclp' || o.method === 'dbscan', 'method', `must be 'mclp' or 'dbscan', got ${show(o.method)}`);
  requireOption(
    ['auto', 'greedy', 'local', 'lagrangian'].includes(o.optimize),
    'optimize',
    `must be 'auto', 'greedy', 'local' or 'lagrangian', got ${show(o.optimize)}`,
  );
  requireOption(o.objective === 'coverage' || o.objective === 'decay', 'objective', `must be 'coverage' or 'decay', got ${show(o.objective)}`);
  if (o.decayScaleM !== null) {
    requireOption(isNum(o.decayScaleM) && o.decayScaleM > 0 && o.decayScaleM <= 5000, 'decayScaleM', `must be a number of metres in (0, 5000], got ${show(o.decayScaleM)}`);
  }
  requireOption(
    isNum(o.capacityPercentile) && o.capacityPercentile > 0 && o.capacityPercentile <= 1,
    'capacityPercentile',
    `must be a share in (0, 1], got ${show(o.capacityPercentile)}`,
  );
  requireOption(isNum(o.safetyFactor) && o.safetyFactor > 0, 'safetyFactor', `must be a number > 0, got ${show(o.safetyFactor)}`);
  requireOption(Number.isInteger(o.minCapacity) && o.minCapacity >= 0, 'minCapacity', `must be a whole number of slots ≥ 0, got ${show(o.minCapacity)}`);
  if (o.maxCapacity !== null) {
    requireOption(
      Number.isInteger(o.maxCapacity) && o.maxCapacity >= Math.max(1, o.minCapacity),
      'maxCapacity',
      `must be a whole number of slots ≥ minCapacity (${o.minCapacity}) and ≥ 1, got ${show(o.maxCapacity)}`,
    );
  }
  requireOption(
    Number.isInteger(o.slotMinutes) && o.slotMinutes >= 1 && 1440 % o.slotMinutes === 0,
    'slotMinutes',
    `must be a whole number of minutes that divides a day (1, 5, 15, 60 …), got ${show(o.slotMinutes)}`,
  );
  requireOption(isNum(o.parkedCapHours) && o.parkedCapHours > 0, 'parkedCapHours', `must be a number of hours > 0, got ${show(o.parkedCapHours)}`);
  if (o.dbscanEpsM !== null) {
    requireOption(isNum(o.dbscanEpsM) && o.dbscanEpsM > 0 && o.dbscanEpsM <= 5000, 'dbscanEpsM', `must be a number of metres in (0, 5000], got ${show(o.dbscanEpsM)}`);
  }
  if (o.dbscanMinTrips !== null) {
    requireOption(isNum(o.dbscanMinTrips) && o.dbscanMinTrips > 0, 'dbscanMinTrips', `must be a number of trip ends > 0, got ${show(o.dbscanMinTrips)}`);
  }
  if (o.exclude !== null) parseExclusions(o.exclude);
  requireOption(isNum(o.candidateSpacingM) && o.candidateSpacingM >= 1 && o.candidateSpacingM <= 5000, 'candidateSpacingM', `must be a number of metres in [1, 5000], got ${show(o.candidateSpacingM)}`);
  if (o.candidates !== null) {
    requireOption(o.method === 'mclp', 'candidates', `a candidate layer needs method 'mclp', got ${show(o.method)}`);
    parseCandidateSites(o.candidates, o.candidateSpacingM);
  }
  if (o.districts !== null) {
    requireOption(o.method === 'mclp', 'districts', `district minimums need method 'mclp', got ${show(o.method)}`);
    parseDistricts(o.districts);
  }
  o.filter = checkFilter(o.filter);
  return o;
}

function stripUndefined(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Checks a filter with the binning stage's own rules, naming a bad field `filter.<field>`; drops undefined keys. */
function checkFilter(filter: unknown): ZoneFilter {
  requireOption(filter !== null && typeof filter === 'object' && !Array.isArray(filter), 'filter', 'must be an object');
  const f = stripUndefined(filter as object) as ZoneFilter;
  const known = ['from', 'to', 'hours', 'days', 'providers', 'tz'];
  for (const key of Object.keys(f)) requireOption(known.includes(key), `filter.${key}`, `unknown filter (known: ${known.join(', ')})`);
  if (f.hours !== undefined) requireOption(Array.isArray(f.hours), 'filter.hours', `must be a list of whole hours 0–23, got ${JSON.stringify(f.hours)}`);
  if (f.providers !== undefined) {
    requireOption(
      Array.isArray(f.providers) && f.providers.every((p) => typeof p === 'string' && p.length > 0),
      'filter.providers',
      `must be a list of provider ids, got ${JSON.stringify(f.providers)}`,
    );
  }
  for (const key of ['from', 'to', 'tz', 'days'] as const) {
    if (f[key] !== undefined) requireOption(typeof f[key] === 'string', `filter.${key}`, `must be a string, got ${JSON.stringify(f[key])}`);
  }
  try {
    validateFilter(f);
  } catch (e) {
    if (!isParkzonesError(e, 'BAD_OPTION')) throw e;
    const option = `filter.${e.location.option ?? ''}`;
    throw new ParkzonesError('BAD_OPTION', `filter.${e.message}`, { option });
  }
  return f;
}

/** The decay scale a run uses, metres: `decayScaleM`, or half the walking radius. */
export function decayScaleOf(options: ResolvedZoneOptions): number {
  return options.decayScaleM ?? options.walkRadiusM / 2;
}
