/** Exports of zones (GeoJSON, CSV, MDS 2.0 Geography/Stops/Policy, GBFS, NGSI-LD) and of demand cells (GeoJSON, Arrow). */
export {
  exportZoneFromRow, footprintPolygons, stableUuid, mdsVehicleType, capacityByVehicleType, zoneName, MDS_VEHICLE_TYPES,
  type ExportZone, type ExportContext, type GeoJsonPolygon, type GeoJsonMultiPolygon, type GeoJsonFootprint, type MdsVehicleType,
} from './zone-record.ts';
export { exportZonesToGeoJson, type ExportZonesFeatureCollection } from './zones-geojson.ts';
export { zonesToCsv, polygonToWkt, ZONES_CSV_HEADER } from './zones-csv.ts';
export { zonesToMdsGeographies, zoneToMdsGeography, zoneGeographyId, MDS_VERSION, type MdsGeography } from './mds-geography.ts';
export { zonesToMdsStops, zoneToMdsStop, zoneStopId, type MdsStop } from './mds-stops.ts';
export { zonesToMdsPolicy, type MdsPolicy, type MdsCountRule, type MdsPolicyOptions } from './mds-policy.ts';
export { zonesToGbfsStationInformation, zoneStationId, GBFS_VERSION, type GbfsStation } from './gbfs-station-information.ts';
export { zonesToNgsiLd, zoneEntityId, NGSI_LD_CONTEXT, type NgsiLdEntity } from './ngsi-ld.ts';
export { cellsToGeoJson, cellsToArrow, type CellsMeta } from './cells.ts';
export { vehicleTypeShares } from './vehicle-type-shares.ts';
export { zonesToParquet } from './zones-parquet.ts';
export { exportTripsParquet, exportTripsSql, EXPORTED_TRIP_COLUMNS, type ExportTripsOptions, type ExportTripsResult } from './trips-parquet.ts';
