/**
 * MapLibre styles for the basemaps the server serves: its own archives (`parkzones basemap build`), and a city's
 * Protomaps or OpenMapTiles archive. Each names the server's own tile and glyph URLs only, so the page loads
 * nothing from outside.
 */
import { ParkzonesError, PARKZONES_BASEMAP_SCHEMA } from '../engine/index.ts';

/** The vector-tile schemas the server has a style for. */
export type BasemapSchema = 'parkzones' | 'protomaps' | 'openmaptiles';

/** Always credited: every schema here is built from OpenStreetMap. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/**
 * Which schema an archive's metadata describes, from `schema` (ours) or the ids of its `vector_layers`.
 * @throws ParkzonesError BAD_FORMAT naming the file and the layers found when none fits
 */
export function detectBasemapSchema(metadata: Record<string, unknown>, file: string): BasemapSchema {
  if (metadata.schema === PARKZONES_BASEMAP_SCHEMA) return 'parkzones';
  const layers = Array.isArray(metadata.vector_layers) ? (metadata.vector_layers as { id?: unknown }[]).map((l) => String(l?.id)) : [];
  const has = (id: string) => layers.includes(id);
  if (has('transportation')) return 'openmaptiles';
  if (has('roads') && (has('earth') || has('places') || has('pois') || has('landuse'))) return 'protomaps';
  throw new ParkzonesError(
    'BAD_FORMAT',
    `${file}: basemap layers [${layers.join(', ') || 'none'}] match no known schema (a parkzones basemap, Protomaps with roads+earth, or OpenMapTiles with transportation)`,
    { file },
  );
}

/** Where the style finds the server's tiles and glyphs. */
export interface StyleUrls {
  /** Tile URL template, e.g. http://127.0.0.1:8080/basemap/tiles/{z}/{x}/{y}.mvt */
  tiles: string;
  /** Glyph URL template with {fontstack} and {range}. */
  glyphs: string;
  minzoom: number;
  maxzoom: number;
  boundsLngLat: [number, number, number, number];
  attribution: string;
  /** Where the map opens before the page knows the data's extent (the style's `center` and `zoom`). */
  view?: { centerLngLat: [number, number]; zoom: number };
}

/** Zoom of a city-wide first view: at most this, and never below the archive's first zoom with tiles. */
const CITY_VIEW_ZOOM = 12;

/**
 * Where a basemap's map opens: the archive's centre at a city-wide zoom (≤ 12), not below its first zoom with tiles,
 * so the tiles the planner will see after signing in load while they sign in.
 */
export function basemapView(header: { centerLon: number; centerLat: number; centerZoom: number; minZoom: number; maxZoom: number }): { centerLngLat: [number, number]; zoom: number } {
  const zoom = Math.min(header.maxZoom, Math.max(header.minZoom, Math.min(header.centerZoom, CITY_VIEW_ZOOM)));
  return { centerLngLat: [header.centerLon, header.centerLat], zoom };
}

type Layer = Record<string, unknown>;
type Paint = Record<string, unknown>;

const FONT_REGULAR = ['Noto Sans Regular'];
const COLORS = { land: '#f4f1ea', water: '#a9cce3', park: '#cfe5c2', building: '#dcd6cc', casing: '#c9c2b4', major: '#ffffff', minor: '#ffffff', path: '#b8b1a4', rail: '#9a9a9a', label: '#3d3a35', halo: '#ffffff' };

/** Line width by zoom (px) for a road drawn `base` wide at z12 and `top` at z18. */
function width(base: number, top: number): unknown {
  return ['interpolate', ['exponential', 1.6], ['zoom'], 12, base, 18, top];
}

function roadLayers(sourceLayer: string, classKey: string, classes: Record<'major' | 'medium' | 'minor' | 'path' | 'rail', string[]>, nameLayer = sourceLayer): Layer[] {
  const inClass = (names: string[]) => ['in', ['get', classKey], ['literal', names]];
  const line = (id: string, filter: unknown, paint: Paint, minzoom = 0): Layer => ({ id, type: 'line', source: 'basemap', 'source-layer': sourceLayer, filter, minzoom, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint });
  return [
    line('basemap-path', inClass(classes.path), { 'line-color': COLORS.path, 'line-width': width(0.4, 2), 'line-dasharray': [2, 1.5] }, 14),
    line('basemap-rail', inClass(classes.rail), { 'line-color': COLORS.rail, 'line-width': width(0.6, 2) }, 12),
    line('basemap-minor-casing', inClass(classes.minor), { 'line-color': COLORS.casing, 'line-width': width(1, 16) }, 12),
    line('basemap-medium-casing', inClass(classes.medium), { 'line-color': COLORS.casing, 'line-width': width(2, 22) }),
    line('basemap-major-casing', inClass(classes.major), { 'line-color': '#c7a56a', 'line-width': width(2.6, 26) }),
    line('basemap-minor', inClass(classes.minor), { 'line-color': COLORS.minor, 'line-width': width(0.5, 13) }, 12),
    line('basemap-medium', inClass(classes.medium), { 'line-color': COLORS.major, 'line-width': width(1.2, 18) }),
    line('basemap-major', inClass(classes.major), { 'line-color': '#fbe3b0', 'line-width': width(1.6, 22) }),
    {
      id: 'basemap-road-labels',
      type: 'symbol',
      source: 'basemap',
      'source-layer': nameLayer,
      filter: ['all', ['has', 'name'], inClass([...classes.major, ...classes.medium, ...classes.minor])],
      minzoom: 13,
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-font': FONT_REGULAR,
        'text-size': ['interpolate', ['linear'], ['zoom'], 13, 10, 18, 14],
        'text-max-angle': 30,
        'symbol-spacing': 300,
      },
      paint: { 'text-color': COLORS.label, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
    },
  ];
}

function fill(id: string, sourceLayer: string, color: string, filter?: unknown, minzoom = 0): Layer {
  return { id, type: 'fill', source: 'basemap', 'source-layer': sourceLayer, minzoom, ...(filter ? { filter } : {}), paint: { 'fill-color': color } };
}

/**
 * The MapLibre style (version 8) for an archive of `schema`, on the server's own tiles and glyphs.
 * @returns a style object ready for JSON
 */
export function basemapStyle(schema: BasemapSchema, urls: StyleUrls): Record<string, unknown> {
  const polygon = ['==', ['geometry-type'], 'Polygon'];
  let layers: Layer[];
  if (schema === 'parkzones') {
    layers = [
      fill('basemap-water', 'water', COLORS.water, polygon),
      { id: 'basemap-waterway', type: 'line', source: 'basemap', 'source-layer': 'water', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': COLORS.water, 'line-width': width(1, 6) } },
      fill('basemap-parks', 'parks', COLORS.park),
      fill('basemap-buildings', 'buildings', COLORS.building, undefined, 14),
      ...roadLayers('roads', 'class', { major: ['motorway', 'primary'], medium: ['secondary', 'tertiary'], minor: ['minor', 'service'], path: ['path'], rail: ['rail'] }),
    ];
  } else if (schema === 'protomaps') {
    layers = [
      fill('basemap-earth', 'earth', COLORS.land),
      fill('basemap-parks', 'landuse', COLORS.park, ['in', ['get', 'kind'], ['literal', ['park', 'garden', 'grass', 'playground', 'cemetery', 'forest', 'wood', 'nature_reserve', 'golf_course']]]),
      fill('basemap-water', 'water', COLORS.water, polygon),
      fill('basemap-buildings', 'buildings', COLORS.building, undefined, 14),
      ...roadLayers('roads', 'kind', { major: ['highway'], medium: ['major_road', 'medium_road'], minor: ['minor_road'], path: ['path'], rail: ['rail'] }),
    ];
  } else {
    layers = [
      fill('basemap-parks', 'park', COLORS.park),
      fill('basemap-landcover', 'landcover', COLORS.park, ['in', ['get', 'class'], ['literal', ['grass', 'wood']]]),
      fill('basemap-water', 'water', COLORS.water),
      { id: 'basemap-waterway', type: 'line', source: 'basemap', 'source-layer': 'waterway', paint: { 'line-color': COLORS.water, 'line-width': width(1, 6) } },
      fill('basemap-buildings', 'building', COLORS.building, undefined, 14),
      ...roadLayers('transportation', 'class', { major: ['motorway', 'trunk', 'primary'], medium: ['secondary', 'tertiary'], minor: ['minor', 'service'], path: ['path', 'track'], rail: ['rail', 'transit'] }, 'transportation_name'),
    ];
  }
  return {
    version: 8,
    name: `parkzones streets (${schema})`,
    ...(urls.view ? { center: urls.view.centerLngLat, zoom: urls.view.zoom } : {}),
    glyphs: urls.glyphs,
    sources: {
      basemap: { type: 'vector', tiles: [urls.tiles], minzoom: urls.minzoom, maxzoom: urls.maxzoom, bounds: urls.boundsLngLat, attribution: urls.attribution },
    },
    layers: [{ id: 'basemap-background', type: 'background', paint: { 'background-color': COLORS.land } }, ...layers],
  };
}
