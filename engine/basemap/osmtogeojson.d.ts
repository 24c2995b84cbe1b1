declare module 'osmtogeojson' {
  import type { FeatureCollection } from 'geojson';
  /** OSM JSON (Overpass style) to GeoJSON; closed ways and multipolygon relations become polygons. */
  function osmtogeojson(data: { elements: unknown[] }, options?: { flatProperties?: boolean }): FeatureCollection;
  export default osmtogeojson;
}
