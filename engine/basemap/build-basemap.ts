/**
 * `parkzones basemap build`: an OSM extract becomes a PMTiles archive of vector tiles (layers roads, water, parks,
 * buildings) that the server serves with its built-in street style.
 */
import { gzipSync } from 'node:zlib';
import { GeoJSONVT } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { requireOption } from '../errors.ts';
import { latToTileY, lngToTileX } from '../tiles/tile-math.ts';
import { BASEMAP_LAYERS, ROAD_CLASSES } from './osm-layers.ts';
import { readOsmExtract } from './read-osm-extract.ts';
import { writePmtiles, type ArchiveTile } from './write-pmtiles.ts';

/** Options of {@link buildBasemap}. */
export interface BuildBasemapOptions {
  /** Lowest zoom written. Default 12 (a whole city on a screen). */
  minZoom?: number;
  /** Highest zoom written; the map overzooms past it. Default 16 (street corners). */
  maxZoom?: number;
}

/** Default build options. */
export const BASEMAP_BUILD_DEFAULTS: Required<BuildBasemapOptions> = {
  minZoom: 12, // whole city
  maxZoom: 16, // street corners; MapLibre overzooms beyond
};

/** Service roads and paths are left out of tiles below this zoom: a city-wide view needs the streets, not every alley. */
export const DETAIL_MIN_ZOOM = 14;
const DETAIL_CLASSES = new Set(['service', 'path']);

/** Schema name written into the archive's metadata, so the server picks the built-in style for it. */
export const PARKZONES_BASEMAP_SCHEMA = 'parkzones-basemap-1';

/** The archive and what went into it. */
export interface BuiltBasemap {
  archive: Uint8Array;
  tiles: number;
  features: Record<string, number>;
  boundsLngLat: [number, number, number, number];
}

/**
 * Builds a basemap archive from an OSM extract.
 * @param extractFile - an .osm.pbf file
 * @example
 * const { archive } = await buildBasemap('portland.osm.pbf');
 * fs.writeFileSync('portland.pmtiles', archive);
 */
export async function buildBasemap(extractFile: string, options: BuildBasemapOptions = {}): Promise<BuiltBasemap> {
  const minZoom = options.minZoom ?? BASEMAP_BUILD_DEFAULTS.minZoom;
  const maxZoom = options.maxZoom ?? BASEMAP_BUILD_DEFAULTS.maxZoom;
  requireOption(Number.isInteger(minZoom) && minZoom >= 0 && minZoom <= 20, 'minZoom', `a whole number 0–20, got ${minZoom}`);
  requireOption(Number.isInteger(maxZoom) && maxZoom >= minZoom && maxZoom <= 20, 'maxZoom', `a whole number from minZoom to 20, got ${maxZoom}`);
  const extract = await readOsmExtract(extractFile);
  const vt = (features: typeof extract.layers.roads) => new GeoJSONVT({ type: 'FeatureCollection', features }, { maxZoom, indexMaxZoom: minZoom, tolerance: 2, buffer: 64 });
  const indexes = BASEMAP_LAYERS.filter((l) => extract.layers[l].length).map((l) => {
    const all = extract.layers[l];
    const detail = l === 'roads' ? all.filter((f) => DETAIL_CLASSES.has(f.properties.class!)) : [];
    const main = detail.length ? all.filter((f) => !DETAIL_CLASSES.has(f.properties.class!)) : all;
    return { name: l, main: vt(main), detail: detail.length ? vt(detail) : null };
  });
  const [west, south, east, north] = extract.boundsLngLat;
  const tiles: ArchiveTile[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const last = 2 ** z - 1;
    const x0 = Math.max(0, Math.floor(lngToTileX(west, z))), x1 = Math.min(last, Math.floor(lngToTileX(east, z)));
    const y0 = Math.max(0, Math.floor(latToTileY(north, z))), y1 = Math.min(last, Math.floor(latToTileY(south, z)));
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const layers: Record<string, NonNullable<ReturnType<GeoJSONVT['getTile']>>> = {};
        for (const { name, main, detail } of indexes) {
          let t = main.getTile(z, x, y);
          const d = detail && z >= DETAIL_MIN_ZOOM ? detail.getTile(z, x, y) : null;
          if (d && d.features.length) t = t ? { ...t, features: [...t.features, ...d.features] } : d;
          if (t && t.features.length) layers[name] = t;
        }
        if (Object.keys(layers).length) tiles.push({ z, x, y, data: gzipSync(fromGeojsonVt(layers, { version: 2, extent: 4096 })) });
      }
    }
  }
  const features = Object.fromEntries(BASEMAP_LAYERS.map((l) => [l, extract.layers[l].length]));
  const metadata = {
    name: 'parkzones basemap',
    format: 'pbf',
    schema: PARKZONES_BASEMAP_SCHEMA,
    attribution: '© OpenStreetMap contributors',
    license: 'ODbL-1.0',
    description: `Built by parkzones basemap build from ${extractFile.split(/[\\/]/).pop()}`,
    vector_layers: BASEMAP_LAYERS.filter((l) => extract.layers[l].length).map((l) => ({
      id: l,
      fields: l === 'roads' ? { class: `String: ${ROAD_CLASSES.join(', ')}`, name: 'String' } : { class: 'String', name: 'String' },
      minzoom: minZoom,
      maxzoom: maxZoom,
    })),
  };
  const archive = writePmtiles(tiles, { metadata, boundsLngLat: extract.boundsLngLat, center: { lng: (west + east) / 2, lat: (south + north) / 2, zoom: Math.min(maxZoom, minZoom + 2) } });
  return { archive, tiles: tiles.length, features, boundsLngLat: extract.boundsLngLat };
}
