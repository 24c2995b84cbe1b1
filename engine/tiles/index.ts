/** Mapbox Vector Tiles of demand cells: tile arithmetic, the MVT encoder and a per-cells tile source. */
export { DemandTileSource, type DemandTileOptions } from './demand-tile-source.ts';
export { encodeMvt, polygonCommands, ringArea2, type MvtLayer, type MvtPolygonFeature, type MvtValue } from './encode-mvt.ts';
export { resForZoom, isValidTile, tileBoundsLngLat, lngToTileX, latToTileY, MAX_ZOOM } from './tile-math.ts';
