/**
 * Reads an OpenStreetMap extract (.osm.pbf) into GeoJSON features sorted by basemap layer. Ways and relations
 * become lines and polygons with `osmtogeojson` (which assembles multipolygons); untagged nodes only place them.
 */
import fs from 'node:fs';
import type { Feature, Geometry } from 'geojson';
import { createOSMStream } from 'osm-pbf-parser-node';
import osmtogeojson from 'osmtogeojson';
import { ParkzonesError } from '../errors.ts';
import { assignLayer, BASEMAP_LAYERS, type BasemapLayer } from './osm-layers.ts';

/** An extract's features per layer and the extent they cover. */
export interface OsmExtract {
  layers: Record<BasemapLayer, Feature<Geometry, Record<string, string>>[]>;
  /** [west, south, east, north] of the ways' nodes, degrees. */
  boundsLngLat: [number, number, number, number];
  /** Count of ways read (all of them, kept or not). */
  ways: number;
}

interface OsmItem {
  type?: string;
  id: number;
  lat?: number;
  lon?: number;
  refs?: number[];
  members?: { type: string; ref: number; role: string }[];
  tags?: Record<string, string>;
}

/**
 * Reads `file` (an OSM PBF extract) and sorts its ways and multipolygons into roads, water, parks and buildings.
 * @throws ParkzonesError BAD_FILE naming the file when it is missing, not OSM PBF, or holds no ways
 */
export async function readOsmExtract(file: string): Promise<OsmExtract> {
  if (!fs.existsSync(file)) throw new ParkzonesError('BAD_FILE', `${file}: no such file`, { file });
  const nodes: OsmItem[] = [];
  const ways: OsmItem[] = [];
  const relations: OsmItem[] = [];
  try {
    for await (const raw of createOSMStream(file, { withTags: { node: false, way: true, relation: true } })) {
      const item = raw as OsmItem;
      if (item.type === 'node') nodes.push(item);
      else if (item.type === 'way') ways.push(item);
      else if (item.type === 'relation' && item.tags?.type === 'multipolygon') relations.push(item);
    }
  } catch (e) {
    throw new ParkzonesError('BAD_FILE', `${file}: not a readable OpenStreetMap PBF extract (${(e as Error).message})`, { file }, { cause: e });
  }
  if (!ways.length) throw new ParkzonesError('BAD_FILE', `${file}: no OpenStreetMap ways in the extract (is it an .osm.pbf file?)`, { file });
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (const n of nodes) {
    if (n.lon! < west) west = n.lon!;
    if (n.lon! > east) east = n.lon!;
    if (n.lat! < south) south = n.lat!;
    if (n.lat! > north) north = n.lat!;
  }
  const elements = [
    ...nodes.map((n) => ({ type: 'node', id: n.id, lat: n.lat, lon: n.lon })),
    ...ways.map((w) => ({ type: 'way', id: w.id, nodes: w.refs ?? [], tags: w.tags ?? {} })),
    ...relations.map((r) => ({ type: 'relation', id: r.id, members: r.members ?? [], tags: r.tags ?? {} })),
  ];
  const geojson = osmtogeojson({ elements });
  const layers = Object.fromEntries(BASEMAP_LAYERS.map((l) => [l, []])) as unknown as OsmExtract['layers'];
  for (const f of geojson.features) {
    const g = f.geometry;
    if (!g || g.type === 'Point' || g.type === 'MultiPoint' || g.type === 'GeometryCollection') continue;
    const tags = ((f.properties as { tags?: Record<string, string> } | null)?.tags ?? {}) as Record<string, string>;
    const a = assignLayer(tags, g.type === 'Polygon' || g.type === 'MultiPolygon');
    if (a) layers[a.layer].push({ type: 'Feature', geometry: g, properties: a.properties as Record<string, string> });
  }
  return { layers, boundsLngLat: [west, south, east, north], ways: ways.length };
}
