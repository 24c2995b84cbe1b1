/**
 * A small PMTiles archive in the Protomaps basemap schema (layers earth, water, landuse, roads with `kind`), cut from
 * an OSM extract: stands in for the archive a city brings (e.g. a Protomaps extract of its area).
 */
import { gzipSync } from 'node:zlib';
import type { Feature, Geometry } from 'geojson';
import { GeoJSONVT } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { latToTileY, lngToTileX, readOsmExtract, writePmtiles, type ArchiveTile } from '../../engine/index.ts';

const KIND: Record<string, string> = { motorway: 'highway', primary: 'major_road', secondary: 'major_road', tertiary: 'medium_road', minor: 'minor_road', service: 'minor_road', path: 'path', rail: 'rail' };

/** Builds the archive's bytes from `extractFile` at zooms `minZoom`–`maxZoom`. */
export async function protomapsArchive(extractFile: string, minZoom = 13, maxZoom = 15): Promise<Uint8Array> {
  const extract = await readOsmExtract(extractFile);
  const [west, south, east, north] = extract.boundsLngLat;
  const earth: Feature<Geometry, Record<string, string>> = { type: 'Feature', properties: { kind: 'earth' }, geometry: { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] } };
  const layers: Record<string, Feature<Geometry, Record<string, string>>[]> = {
    earth: [earth],
    water: extract.layers.water.map((f) => ({ ...f, properties: { kind: 'water' } })),
    landuse: extract.layers.parks.map((f) => ({ ...f, properties: { kind: 'park' } })),
    roads: extract.layers.roads.map((f) => ({ ...f, properties: { kind: KIND[f.properties.class!] ?? 'other', ...(f.properties.name ? { name: f.properties.name } : {}) } })),
  };
  const indexes = Object.entries(layers).map(([name, features]) => [name, new GeoJSONVT({ type: 'FeatureCollection', features }, { maxZoom, indexMaxZoom: minZoom })] as const);
  const tiles: ArchiveTile[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    for (let x = Math.floor(lngToTileX(west, z)); x <= Math.floor(lngToTileX(east, z)); x++) {
      for (let y = Math.floor(latToTileY(north, z)); y <= Math.floor(latToTileY(south, z)); y++) {
        const tileLayers: Record<string, NonNullable<ReturnType<GeoJSONVT['getTile']>>> = {};
        for (const [name, index] of indexes) {
          const t = index.getTile(z, x, y);
          if (t && t.features.length) tileLayers[name] = t;
        }
        if (Object.keys(tileLayers).length) tiles.push({ z, x, y, data: gzipSync(fromGeojsonVt(tileLayers, { version: 2 })) });
      }
    }
  }
  return writePmtiles(tiles, {
    boundsLngLat: extract.boundsLngLat,
    metadata: {
      name: 'Protomaps Basemap (test extract)',
      attribution: '<a href="https://openstreetmap.org/copyright">© OpenStreetMap</a>',
      vector_layers: Object.keys(layers).map((id) => ({ id, fields: { kind: 'String', name: 'String' } })),
    },
  });
}
