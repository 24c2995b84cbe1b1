/**
 * The built-in basemap used when no BASEMAP_STYLE_URL is configured or it cannot be reached:
 * a plain paper background with a graticule around the data. It loads nothing from the network
 * (no glyphs, no sprites, no tiles), so the page works offline.
 */
import type { FeatureCollection, LineString } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';

/** Id of the GeoJSON source holding graticule lines. */
export const GRATICULE_SOURCE = 'offline-graticule';

const EMPTY: FeatureCollection<LineString> = { type: 'FeatureCollection', features: [] };

/** The offline style: background and (initially empty) graticule layers. */
export function offlineStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'parkzones offline',
    sources: {
      [GRATICULE_SOURCE]: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'offline-background', type: 'background', paint: { 'background-color': '#eef0eb' } },
      {
        id: 'offline-graticule-minor',
        type: 'line',
        source: GRATICULE_SOURCE,
        filter: ['==', ['get', 'major'], false],
        minzoom: 12,
        paint: { 'line-color': '#d9dcd4', 'line-width': 0.6 },
      },
      {
        id: 'offline-graticule-major',
        type: 'line',
        source: GRATICULE_SOURCE,
        filter: ['==', ['get', 'major'], true],
        paint: { 'line-color': '#c9cdc3', 'line-width': 1 },
      },
    ],
  };
}

/**
 * Graticule lines covering a bounding box, every `stepDeg` degrees (every fifth line is major).
 * @param bboxLngLat - [west, south, east, north] in degrees
 * @param stepDeg - spacing of minor lines in degrees (default 0.0025° ≈ 280 m of latitude)
 * @returns LineString features with a boolean `major` property
 */
export function graticuleLines(bboxLngLat: [number, number, number, number], stepDeg = 0.0025): FeatureCollection<LineString> {
  const [west, south, east, north] = bboxLngLat;
  if (![west, south, east, north].every(Number.isFinite) || west > east || south > north) return EMPTY;
  const margin = Math.max(east - west, north - south) * 0.75 + stepDeg * 10;
  const w = Math.floor((west - margin) / stepDeg);
  const e = Math.ceil((east + margin) / stepDeg);
  const s = Math.floor((Math.max(-85, south - margin)) / stepDeg);
  const n = Math.ceil((Math.min(85, north + margin)) / stepDeg);
  if ((e - w) + (n - s) > 4000) return EMPTY;
  const features: FeatureCollection<LineString>['features'] = [];
  for (let i = w; i <= e; i++) {
    const lng = i * stepDeg;
    features.push({ type: 'Feature', properties: { major: i % 5 === 0 }, geometry: { type: 'LineString', coordinates: [[lng, s * stepDeg], [lng, n * stepDeg]] } });
  }
  for (let j = s; j <= n; j++) {
    const lat = j * stepDeg;
    features.push({ type: 'Feature', properties: { major: j % 5 === 0 }, geometry: { type: 'LineString', coordinates: [[w * stepDeg, lat], [e * stepDeg, lat]] } });
  }
  return { type: 'FeatureCollection', features };
}
