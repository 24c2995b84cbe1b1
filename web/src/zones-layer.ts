/**
 * Proposed zones of the selected run: footprints, a circle per zone sized by capacity, and the
 * capacity written on it (DOM labels, so no glyph server is needed).
 */
import * as maplibregl from 'maplibre-gl';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { ZoneCollection, ZoneProperties } from './api-types.ts';
import { getZones } from './api-client.ts';
import { onStyleReady } from './map-view.ts';

/** Source ids. */
export const ZONES_SOURCE = 'zones';
export const ZONE_CENTERS_SOURCE = 'zone-centers';
/** Layer ids (query these for clicks and tests). */
export const ZONES_FILL_LAYER = 'zones-fill';
export const ZONES_CIRCLE_LAYER = 'zones-circle';
const ZONES_LINE_LAYER = 'zones-line';
const ZONES_SELECTED_LAYER = 'zones-selected';

/** Colour of proposed zones. */
export const ZONE_COLOR = '#1d4ed8';
const MAX_LABELS = 500; // DOM labels beyond this many would slow panning; the largest zones in view get them
const LABEL_MIN_ZOOM = 12.8; // capacity numbers appear from this zoom on (circles are big enough to hold them)

const EMPTY: ZoneCollection = { type: 'FeatureCollection', features: [] };

/**
 * Circle radius in pixels growing with the square root of capacity (area ∝ slots), and with zoom.
 * @param extraPx - pixels added at every zoom (for a ring around the circle)
 */
export function capacityRadius(extraPx = 0): maplibregl.ExpressionSpecification {
  const base: maplibregl.ExpressionSpecification = ['+', 6, ['*', 2.2, ['sqrt', ['max', 1, ['to-number', ['get', 'capacity'], 1]]]]];
  return ['interpolate', ['linear'], ['zoom'], 10, ['+', extraPx, ['*', 0.3, base]], 12, ['+', extraPx, ['*', 0.55, base]], 14, ['+', extraPx, base], 17, ['+', extraPx, ['*', 1.5, base]]];
}

/** Zone centres as points, from the zones' center_lat / center_lng properties. */
export function zoneCenters(zones: ZoneCollection): FeatureCollection<Point, ZoneProperties> {
  return {
    type: 'FeatureCollection',
    features: zones.features
      .filter((f) => Number.isFinite(Number(f.properties?.center_lng)) && Number.isFinite(Number(f.properties?.center_lat)))
      .map((f) => ({
        type: 'Feature' as const,
        properties: f.properties,
        geometry: { type: 'Point' as const, coordinates: [Number(f.properties.center_lng), Number(f.properties.center_lat)] },
      })),
  };
}

/** The zones of one run on the map. */
export class ZonesLayer {
  private readonly map: maplibregl.Map;
  private data: ZoneCollection = EMPTY;
  private readonly byId = new Map<string, ZoneProperties>();
  private readonly markers = new Map<string, maplibregl.Marker>(); // zone id → capacity label in view
  private loadToken = 0;
  private selectedId: string | null = null;
  private visible = true;
  private prefetched: { runId: string; zones: Promise<ZoneCollection> } | null = null;

  constructor(map: maplibregl.Map) {
    this.map = map;
    onStyleReady(map, () => this.install());
    map.on('moveend', () => this.drawLabels());
  }

  private install(): void {
    const map = this.map;
    if (map.getSource(ZONES_SOURCE)) return;
    const visibility = this.visible ? 'visible' : 'none';
    map.addSource(ZONES_SOURCE, { type: 'geojson', data: this.data });
    map.addSource(ZONE_CENTERS_SOURCE, { type: 'geojson', data: zoneCenters(this.data) });
    // Footprints matter close up; at city scale they would only blur the demand colours.
    map.addLayer({ id: ZONES_FILL_LAYER, type: 'fill', source: ZONES_SOURCE, minzoom: 13, layout: { visibility }, paint: { 'fill-color': ZONE_COLOR, 'fill-opacity': 0.06 } });
    map.addLayer({
      id: ZONES_LINE_LAYER,
      type: 'line',
      source: ZONES_SOURCE,
      minzoom: 13,
      layout: { visibility },
      paint: { 'line-color': ZONE_COLOR, 'line-opacity': 0.7, 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 0.8, 16, 1.8], 'line-dasharray': [2, 1] },
    });
    map.addLayer({
      id: ZONES_CIRCLE_LAYER,
      type: 'circle',
      source: ZONE_CENTERS_SOURCE,
      // Small zones drawn over large ones, so every circle stays visible and clickable.
      layout: { visibility, 'circle-sort-key': ['-', 0, ['to-number', ['get', 'capacity'], 0]] },
      paint: {
        'circle-color': ZONE_COLOR,
        'circle-opacity': 0.9,
        'circle-radius': capacityRadius(),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 10, 0.7, 14, 1.5],
      },
    });
    map.addLayer({
      id: ZONES_SELECTED_LAYER,
      type: 'circle',
      source: ZONE_CENTERS_SOURCE,
      layout: { visibility },
      filter: this.selectedFilter(),
      paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': capacityRadius(4), 'circle-stroke-color': '#f59e0b', 'circle-stroke-width': 3 },
    });
  }

  private selectedFilter(): maplibregl.FilterSpecification {
    return ['==', ['to-string', ['get', 'zone_id']], this.selectedId ?? '\u0000'];
  }

  /**
   * Starts fetching a run's zones before the page asks for them (at sign-in, the run the city marked current: the
   * page opens on it); the next {@link load} of that run uses this answer.
   */
  prefetch(runId: string): void {
    const zones = getZones(runId);
    zones.catch(() => {}); // load() reports the error
    this.prefetched = { runId, zones };
  }

  /**
   * Loads and draws the zones of a run (null clears them).
   * @returns the zones, or null when superseded by a newer call
   */
  async load(runId: string | null): Promise<ZoneCollection | null> {
    const token = ++this.loadToken;
    if (runId === null) {
      this.setData(EMPTY);
      return EMPTY;
    }
    const early = this.prefetched;
    this.prefetched = null;
    const zones = await (early?.runId === runId ? early.zones : getZones(runId));
    if (token !== this.loadToken) return null;
    this.setData(zones && Array.isArray(zones.features) ? zones : EMPTY);
    return this.data;
  }

  private setData(zones: ZoneCollection): void {
    this.data = zones;
    this.byId.clear();
    for (const f of zones.features) if (f.properties) this.byId.set(String(f.properties.zone_id), f.properties);
    (this.map.getSource(ZONES_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(zones);
    (this.map.getSource(ZONE_CENTERS_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(zoneCenters(zones));
    this.select(null);
    this.clearLabels();
    this.drawLabels();
  }

  /** Puts capacity labels on the zones in view (from {@link LABEL_MIN_ZOOM} on, at most {@link MAX_LABELS}). */
  private drawLabels(): void {
    const wanted = new Map<string, Feature<Point, ZoneProperties>>();
    if (this.visible && this.map.getZoom() >= LABEL_MIN_ZOOM) {
      const bounds = this.map.getBounds();
      const inView = zoneCenters(this.data).features.filter((f) => bounds.contains(f.geometry.coordinates as [number, number]));
      inView.sort((a, b) => Number(b.properties.capacity) - Number(a.properties.capacity));
      for (const f of inView.slice(0, MAX_LABELS)) wanted.set(String(f.properties.zone_id), f);
    }
    for (const [id, marker] of this.markers) {
      if (wanted.has(id)) continue;
      marker.remove();
      this.markers.delete(id);
    }
    for (const [id, f] of wanted) {
      if (this.markers.has(id)) continue;
      const el = document.createElement('div');
      el.className = 'zone-label';
      el.textContent = String(f.properties.capacity ?? '');
      const marker = new maplibregl.Marker({ element: el, anchor: 'center' }).setLngLat(f.geometry.coordinates as [number, number]).addTo(this.map);
      this.markers.set(id, marker);
    }
  }

  private clearLabels(): void {
    for (const marker of this.markers.values()) marker.remove();
    this.markers.clear();
  }

  /** Properties of a loaded zone by id. */
  zone(zoneId: string): ZoneProperties | undefined {
    return this.byId.get(zoneId);
  }

  /** The loaded zones. */
  get zones(): ZoneCollection {
    return this.data;
  }

  /** Rings one zone (or none). */
  select(zoneId: string | null): void {
    this.selectedId = zoneId;
    if (this.map.getLayer(ZONES_SELECTED_LAYER)) this.map.setFilter(ZONES_SELECTED_LAYER, this.selectedFilter());
  }

  /** Shows or hides the zones (hidden while two runs are compared). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const id of [ZONES_FILL_LAYER, ZONES_LINE_LAYER, ZONES_CIRCLE_LAYER, ZONES_SELECTED_LAYER]) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    }
    if (!visible) this.clearLabels();
    this.drawLabels();
  }
}
