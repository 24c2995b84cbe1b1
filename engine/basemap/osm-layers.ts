/**
 * Which basemap layer an OpenStreetMap feature belongs to, from its tags: roads (by class), water, parks, buildings.
 * The classes are the ones the built-in style draws (server/basemap-styles.ts).
 */

/** The layers of a parkzones basemap archive. */
export const BASEMAP_LAYERS = ['water', 'parks', 'buildings', 'roads'] as const;
/** One of {@link BASEMAP_LAYERS}. */
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

/** Road classes, widest first. */
export const ROAD_CLASSES = ['motorway', 'primary', 'secondary', 'tertiary', 'minor', 'service', 'path', 'rail'] as const;
/** One of {@link ROAD_CLASSES}. */
export type RoadClass = (typeof ROAD_CLASSES)[number];

const HIGHWAY_CLASS: Record<string, RoadClass> = {
  motorway: 'motorway', motorway_link: 'motorway', trunk: 'motorway', trunk_link: 'motorway',
  primary: 'primary', primary_link: 'primary',
  secondary: 'secondary', secondary_link: 'secondary',
  tertiary: 'tertiary', tertiary_link: 'tertiary',
  residential: 'minor', unclassified: 'minor', living_street: 'minor', road: 'minor',
  service: 'service',
  pedestrian: 'path', footway: 'path', cycleway: 'path', path: 'path', steps: 'path', track: 'path', bridleway: 'path',
};

const PARK_LEISURE = new Set(['park', 'garden', 'playground', 'pitch', 'nature_reserve', 'golf_course', 'recreation_ground', 'common']);
const PARK_LANDUSE = new Set(['grass', 'recreation_ground', 'cemetery', 'forest', 'meadow', 'village_green']);
const WATER_LINES = new Set(['river', 'stream', 'canal']);

/** A feature's layer and the properties it keeps there (`class`, and `name` when it has one). */
export interface LayerAssignment {
  layer: BasemapLayer;
  properties: { class: string; name?: string };
}

/**
 * Sorts an OSM feature into a basemap layer.
 * @param tags - the feature's OSM tags
 * @param isArea - true for polygons (closed ways that are areas, multipolygons)
 * @returns its layer and properties, or null for features the basemap leaves out
 */
export function assignLayer(tags: Readonly<Record<string, string>>, isArea: boolean): LayerAssignment | null {
  const name = tags.name || undefined;
  const withName = (layer: BasemapLayer, cls: string): LayerAssignment => ({ layer, properties: name ? { class: cls, name } : { class: cls } });
  if (isArea) {
    if (tags.natural === 'water' || tags.waterway === 'riverbank' || tags.landuse === 'reservoir' || tags.landuse === 'basin') return withName('water', 'water');
    if (tags.building && tags.building !== 'no') return { layer: 'buildings', properties: { class: 'building' } };
    if ((tags.leisure && PARK_LEISURE.has(tags.leisure)) || (tags.landuse && PARK_LANDUSE.has(tags.landuse)) || tags.natural === 'wood') return withName('parks', tags.leisure ?? tags.landuse ?? 'wood');
    if (tags.highway === 'pedestrian') return withName('roads', 'path');
    return null;
  }
  const cls = tags.highway ? HIGHWAY_CLASS[tags.highway] : undefined;
  if (cls) return withName('roads', cls);
  if (tags.railway === 'rail' || tags.railway === 'light_rail' || tags.railway === 'tram') return withName('roads', 'rail');
  if (tags.waterway && WATER_LINES.has(tags.waterway)) return withName('water', tags.waterway);
  return null;
}
