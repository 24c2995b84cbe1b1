/** Binning: trip ends → H3 cells with demand, time profiles and parked-vehicle accumulation. */
export { demandCells, demandCellsSql, storeLocalSecondsSql, type DemandSqlParts, demandByProvider, listProviders, validateRes, type DemandCells, type DemandColumns, type DemandOptions } from './demand-cells.ts';
export { parkedPeaks, cellParkedPeaks, fetchParkedSpells, peaksOfSpells, type ParkedPeaks, type ParkedPeaksOptions, type CellParkedPeaksOptions, type CellSpells, type CellSpellsOptions } from './parked-peaks.ts';
export { tripFilterSql, validateFilter, type DemandFilter, type FilterSql } from './trip-filter.ts';
export { parkedTripsSql } from './parked-sql.ts';
export { tripDateRange, tripDateRangeSql, localDate, type TripDateRange, type TripDateRangeOptions } from './trip-date-range.ts';
export { registerH3Functions } from './register-h3.ts';
export { writeDemandCells, demandCellsToGeoJSON, cellFileFormat, type CellFileFormat } from './write-cells.ts';
export { localSecondsSql, isoDowSql, offsetChanges } from './local-time-sql.ts';
export { cellsInBbox, pickCells, checkBbox, bboxContains, CellBboxIndex, DEFAULT_BBOX_NODE_SIZE, type BboxLngLat, type BboxRun } from './cells-in-bbox.ts';
