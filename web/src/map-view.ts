/**
 * The MapLibre map: creation, basemap choice with an offline fallback, and a hook to (re)install
 * the page's own layers whenever a style loads.
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { getApiKey } from './session.ts';
import { GRATICULE_SOURCE, graticuleLines, offlineStyle } from './offline-style.ts';
import { showNotice } from './messages.ts';
import { perfMark } from './perf-marks.ts';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The page's MapLibre map, exposed for end-to-end tests. */
    __map?: maplibregl.Map;
  }
}

const BASEMAP_TIMEOUT_MS = 8000; // give up on an external basemap style after this long

let currentStyleUrl: string | null = null;
let lastBoundsLngLat: [number, number, number, number] | null = null;

/** True when a URL points at this page's own server (only those requests carry the API key). */
function isOwnServer(url: string): boolean {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

/**
 * Creates the map in `container` with the offline style; call {@link useBasemap} to switch to a
 * configured basemap. Sets `window.__map`.
 */
export function createMap(container: HTMLElement): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: offlineStyle(),
    center: [2.35, 48.86],
    zoom: 11,
    attributionControl: false,
    maxPitch: 0,
    dragRotate: false,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    transformRequest: (url) => {
      const key = getApiKey();
      if (key && isOwnServer(url) && new URL(url, location.href).pathname.startsWith('/api/')) {
        return { url, headers: { Authorization: `Bearer ${key}` } };
      }
      return { url };
    },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
  // Compact (a button) only on narrow screens; the basemap's "© OpenStreetMap contributors" shows in full elsewhere.
  map.addControl(new maplibregl.AttributionControl({ compact: window.innerWidth < 640, customAttribution: 'parkzones' }), 'bottom-right');
  window.__map = map;
  onStyleReady(map, () => refreshGraticule(map));
  map.on('style.load', () => perfMark('style-load'));
  map.on('idle', () => perfMark('idle'));
  return map;
}

/**
 * Runs `install` now if the style is loaded, and again after every later style change
 * (switching basemaps drops all sources and layers).
 */
export function onStyleReady(map: maplibregl.Map, install: () => void): void {
  if (map.isStyleLoaded()) install();
  map.on('style.load', install);
}

/**
 * Switches to the configured basemap style, or back to the offline style when `styleUrl` is null.
 * If the external style fails to load (no network, bad URL, timeout) the offline style is used
 * and the person is told.
 */
export function useBasemap(map: maplibregl.Map, styleUrl: string | null): void {
  if (styleUrl === currentStyleUrl) return;
  currentStyleUrl = styleUrl;
  if (!styleUrl) {
    map.setStyle(offlineStyle(), { diff: false });
    return;
  }
  let settled = false;
  const fallBack = (why: string) => {
    if (settled) return;
    settled = true;
    map.off('style.load', onLoad);
    map.off('error', onError);
    currentStyleUrl = null;
    map.setStyle(offlineStyle(), { diff: false });
    showNotice(`The configured basemap could not be loaded (${why}); showing the built-in offline map.`);
  };
  const onLoad = () => {
    settled = true;
    clearTimeout(timer);
    map.off('error', onError);
    openOnStyleView(map);
  };
  const onError = (e: maplibregl.ErrorEvent & { sourceId?: string }) => {
    if (!settled && !e.sourceId) fallBack(e.error?.message ?? 'error');
  };
  const timer = setTimeout(() => fallBack('timed out'), BASEMAP_TIMEOUT_MS);
  map.once('style.load', onLoad);
  map.on('error', onError);
  // No diffing: a full reload fires 'style.load', which re-installs the page's own layers.
  map.setStyle(styleUrl, { diff: false });
}

/**
 * Until the data's extent is known (the person is signing in), shows the view the basemap style names (the server's
 * archive: its city at a city-wide zoom), so its tiles load while the person signs in rather than after.
 */
function openOnStyleView(map: maplibregl.Map): void {
  const { center, zoom } = map.getStyle() as { center?: [number, number]; zoom?: number };
  if (lastBoundsLngLat || !Array.isArray(center) || typeof zoom !== 'number') return;
  map.jumpTo({ center, zoom });
}

const pushed = new WeakMap<object, string>(); // GeoJSON source → the data last given to it, as JSON

/**
 * Gives a GeoJSON source new data unless it holds the same already: each setData costs the map's (single) worker a
 * re-index and the source's tiles, and a frame, which delay whatever waits behind them (the first zones after sign-in).
 * For small layers (areas, comparisons): the check serialises `data`.
 */
export function setGeoJsonIfChanged(map: maplibregl.Map, sourceId: string, data: GeoJSON.GeoJSON): void {
  const source = map.getSource(sourceId) as maplibregl.GeoJSONSource | undefined;
  if (!source) return;
  const json = JSON.stringify(data);
  const last = pushed.get(source) ?? JSON.stringify((source.serialize() as { data?: unknown }).data ?? null); // first time: what it was made with
  if (last === json) return;
  pushed.set(source, json);
  source.setData(data);
}

/** Remembers the data extent and redraws the offline graticule around it. */
export function setDataBounds(map: maplibregl.Map, bboxLngLat: [number, number, number, number]): void {
  lastBoundsLngLat = bboxLngLat;
  refreshGraticule(map);
}

function refreshGraticule(map: maplibregl.Map): void {
  const source = map.getSource(GRATICULE_SOURCE) as maplibregl.GeoJSONSource | undefined;
  if (source && lastBoundsLngLat) source.setData(graticuleLines(lastBoundsLngLat));
}
