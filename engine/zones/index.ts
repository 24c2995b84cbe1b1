/**
 * Zone proposal: where parking zones go and how big each must be. Maximal covering location (greedy with lazy
 * re-evaluation, then local search) or DBSCAN clusters over H3 demand cells; capacity from parked-vehicle peaks;
 * stored runs that recompute bit for bit and compare.
 */
export {
  proposeZones,
  proposeZonesFromDemand,
  buildZoneModel,
  storePeaks,
  demandDigest,
  type ZoneProposal,
  type ZoneRecord,
  type ZoneSummary,
  type ZoneStage,
  type ZoneProgress,
  type PeaksFn,
  type ProposeHooks,
  type ProposeZonesHooks,
} from './propose-zones.ts';
export {
  resolveZoneOptions,
  DEFAULT_ZONE_OPTIONS,
  DEFAULT_COVERAGE,
  AUTO_LAGRANGIAN_MAX_ENTRIES,
  decayScaleOf,
  type ZoneObjective,
  type ZoneOptimize,
  type ZoneOptions,
  type ResolvedZoneOptions,
  type ZoneFilter,
  type ZoneMethod,
} from './options.ts';
export {
  createRun,
  reserveRun,
  executeRun,
  getRun,
  listRuns,
  getRunZones,
  saveZones,
  recomputeRun,
  failInterruptedRuns,
  INTERRUPTED_RUN_ERROR,
  type StoredRun,
  type RunStats,
  type RunStatus,
  type RunListItem,
  type RecomputeResult,
  type CreateRunHooks,
  type ExecuteRunHooks,
} from './runs.ts';
export { compareRuns, compareZones, type RunComparison, type ZoneMove, type ZoneRef } from './compare-runs.ts';
export { zonesToGeoJson, type ZoneFeature, type ZoneFeatureCollection, type ZoneFeatureProperties } from './zones-geojson.ts';
export { parseExclusions, excludedMask, pointInPolygon, type Exclusions, type ExclusionPolygon } from './exclusions.ts';
export { capacityFromPeak, type CapacityOptions } from './capacity.ts';
export { CellNeighbourIndex, type CellPoints, type GridDiskFn, type NeighbourMode, type NeighbourIndexOptions } from './cell-neighbours.ts';
export { buildCoverageGraph, type CoverageGraph } from './coverage-graph.ts';
export { mclpGreedy, type GreedyOptions, type GreedyResult, type GreedyStop } from './mclp-greedy.ts';
export { improveZones, type LocalSearchOptions, type LocalSearchResult } from './mclp-local-search.ts';
export { lagrangianSearch, type LagrangianOptions, type LagrangianResult } from './mclp-lagrangian.ts';
export { CoverState } from './cover-state.ts';
export { dbscanCells, densityQuantile, type CellClusters } from './dbscan.ts';
export { hexHull, hexOutline, type FootprintGeometry, type PolygonGeometry, type MultiPolygonGeometry } from './footprint.ts';
export { emptyDemand, sortDemandByCell, demandPoints, MEAN_POSITION_MIN_TRIPS, type DemandPoints, type ZoneDemand } from './demand.ts';
export { evaluateZoneSet, type ZoneSite, type ZoneSetEvaluation, type ZoneSetFigures, type EvaluateZoneSetHooks } from './evaluate-zone-set.ts';
export {
  createPlan,
  applyPlanEdits,
  checkPlanEdits,
  labelRun,
  checkRunLabel,
  runLabels,
  setCurrentRun,
  currentRunId,
  openingRunId,
  type PlanEdit,
  type PlanInput,
  type PlanStats,
  type RunLabel,
} from './plans.ts';
export { decayWeight, decayValues, decayGreedy, improveDecay, type DecayGreedyOptions, type DecayResult, type DecayLocalSearchOptions } from './mclp-decay.ts';
export { parseCandidateSites, DEFAULT_CANDIDATE_SPACING_M, type CandidateSites } from './candidate-sites.ts';
export { parseDistricts, type District, type DistrictReport } from './districts.ts';
