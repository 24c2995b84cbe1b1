/** Street basemaps: build a PMTiles archive from an OSM extract; read archives to serve them. */
export { buildBasemap, BASEMAP_BUILD_DEFAULTS, PARKZONES_BASEMAP_SCHEMA, type BuildBasemapOptions, type BuiltBasemap } from './build-basemap.ts';
export { readOsmExtract, type OsmExtract } from './read-osm-extract.ts';
export { assignLayer, BASEMAP_LAYERS, ROAD_CLASSES, type BasemapLayer, type RoadClass, type LayerAssignment } from './osm-layers.ts';
export { writePmtiles, encodeDirectory, type ArchiveTile, type ArchiveInfo } from './write-pmtiles.ts';
export { openPmtiles, type PmtilesArchive } from './read-pmtiles.ts';
