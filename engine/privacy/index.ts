/** Privacy: k-anonymity suppression of every aggregate served to anyone but an admin. */
export { suppressCells, visibleCellSet, suppressProfile, checkK, DEFAULT_K, type CellColumns, type SuppressionInfo } from './suppress-cells.ts';
export { suppressZones, type SuppressibleZone } from './suppress-zones.ts';
export { suppressComparison, type SuppressibleComparison } from './suppress-comparison.ts';
export { providerTrips, providerName, PROVIDER_TRIPS_SQL, type ProviderTrips } from './provider-trips.ts';
export { releaseFilter } from './release-filter.ts';
export { releaseZones, type ReleasableZone, type ReleasedRunFigures } from './release-zones.ts';
