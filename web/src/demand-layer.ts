/**
 * Demand hexes on the map, coloured by trip ends. Two ways to get them, as fits the zoom and the data:
 * - automatic (default): vector tiles from /api/tiles whose hexes get finer as you zoom in, so a month
 *   of a large city (100,000+ cells) stays fluid — only visible tiles travel; a clicked hex's hourly
 *   profile comes from the GeoJSON cells of its resolution, fetched once when first needed;
 * - a chosen hex size: all cells at that resolution as GeoJSON, unless the answer is too large to
 *   draw (then tiles).
 */
import type * as maplibregl from 'maplibre-gl';
import type { CellCollection, CellProperties, DemandFilter, MapFilter } from './api-types.ts';
import { ApiError, apiFetch, filterParams, tileUrlTemplate } from './api-client.ts';
import { demandClasses, stepColor, SUPPRESSED_COLOR, type ScaleClass } from './color-scale.ts';
import { bboxLngLat } from './geo.ts';
import { onStyleReady } from './map-view.ts';

/** Layer id of the hex fills, whichever source feeds them (query this one for clicks and tests). */
export const DEMAND_FILL_LAYER = 'demand-fill';
const DEMAND_LINE_LAYER = 'demand-line';
const DEMAND_SELECTED_LAYER = 'demand-selected';
const GEOJSON_SOURCE = 'demand';
const TILES_SOURCE = 'demand-tiles';
/** Layer name inside the server's demand vector tiles. */
export const TILE_SOURCE_LAYER = 'demand';
const TILES_MAX_ZOOM = 16; // the server's finest hexes (res 11) start at zoom 15; MapLibre overzooms beyond
const GEOJSON_MAX_BYTES = 40 * 1024 * 1024; // larger answers are not drawn as GeoJSON: tiles instead
const OVERVIEW_RES = 7; // coarse resolution asked first for totals and extent (~5 km² hexes)
const DETAIL_CACHE = 4; // resolutions whose GeoJSON cells are kept for hex details

/** How the hexes currently reach the map. */
export type DemandMode = 'tiles' | 'geojson';

/** What a load produced, for the legend and the panel. */
export interface DemandSummary {
  mode: DemandMode;
  cells: number | null; // hexes shown (null with tiles: depends on the view)
  suppressed: number | null; // hexes hidden by k-anonymity, when known
  trips: number | null; // trip ends in the shown hexes, when known
  res: number | null; // H3 resolution (null with tiles: follows the zoom)
  classes: ScaleClass[];
  bboxLngLat: [number, number, number, number] | null;
  fellBackToTiles: boolean; // a chosen hex size was too large to draw as GeoJSON
}

const EMPTY: CellCollection = { type: 'FeatureCollection', features: [] };

/** Extent of the cells' centres (`lat`/`lng` properties): tighter than their outlines at coarse resolutions. */
function centresBbox(data: CellCollection): [number, number, number, number] | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const f of data.features) {
    const p = f.properties as CellProperties & { lat?: unknown; lng?: unknown };
    const lat = Number(p?.lat);
    const lng = Number(p?.lng);
    if (p?.lat === undefined || p?.lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
    west = Math.min(west, lng);
    east = Math.max(east, lng);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return Number.isFinite(west) ? [west, south, east, north] : null;
}

function selectedExpr(cellId: string | null): maplibregl.FilterSpecification {
  return ['==', ['to-string', ['coalesce', ['get', 'cell'], ['get', 'h3'], '']], cellId ?? '\u0000'];
}

/** Demand hexes: loads cells for a filter and keeps what clicks need. */
export class DemandLayer {
  private readonly map: maplibregl.Map;
  private mode: DemandMode = 'tiles';
  private filter: DemandFilter = {};
  private data: CellCollection = EMPTY;
  private readonly byCell = new Map<string, CellProperties>();
  private classes: ScaleClass[] = demandClasses([]);
  private abort: AbortController | null = null;
  private selectedCell: string | null = null;
  private visible = true;
  private readonly detailCache = new Map<string, Promise<Map<string, CellProperties> | null>>();
  /** Called when the colour classes change on their own (tiles: after zooming to another resolution). */
  onClassesChange: ((classes: ScaleClass[]) => void) | null = null;

  constructor(map: maplibregl.Map) {
    this.map = map;
    onStyleReady(map, () => this.install());
    map.on('idle', () => {
      if (this.mode === 'tiles') this.rescaleFromTiles();
    });
  }

  private install(): void {
    const map = this.map;
    if (!map.getSource(GEOJSON_SOURCE)) map.addSource(GEOJSON_SOURCE, { type: 'geojson', data: this.data, tolerance: 0.2 });
    if (!map.getSource(TILES_SOURCE)) {
      map.addSource(TILES_SOURCE, { type: 'vector', tiles: [tileUrlTemplate(this.filter)], minzoom: 0, maxzoom: TILES_MAX_ZOOM });
    }
    this.addLayers();
  }

  private addLayers(): void {
    const map = this.map;
    for (const id of [DEMAND_SELECTED_LAYER, DEMAND_LINE_LAYER, DEMAND_FILL_LAYER]) if (map.getLayer(id)) map.removeLayer(id);
    const source = this.mode === 'tiles' ? { source: TILES_SOURCE, 'source-layer': TILE_SOURCE_LAYER } : { source: GEOJSON_SOURCE };
    const layout = { visibility: this.visible ? ('visible' as const) : ('none' as const) };
    // Insert below the first zone layer, if zones are already on the map.
    const before = map.getStyle().layers.find((l) => l.id.startsWith('zones-') || l.id.startsWith('compare-'))?.id;
    map.addLayer(
      { id: DEMAND_FILL_LAYER, type: 'fill', ...source, layout, paint: { 'fill-color': this.fillColor(), 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.82, 16, 0.62] } },
      before,
    );
    map.addLayer({ id: DEMAND_LINE_LAYER, type: 'line', ...source, minzoom: 12.5, layout, paint: { 'line-color': '#ffffff', 'line-opacity': 0.55, 'line-width': 0.6 } }, before);
    map.addLayer({ id: DEMAND_SELECTED_LAYER, type: 'line', ...source, layout, filter: selectedExpr(this.selectedCell), paint: { 'line-color': '#111827', 'line-width': 2.5 } }, before);
  }

  private fillColor(): maplibregl.ExpressionSpecification {
    return ['case', ['==', ['get', 'suppressed'], true], SUPPRESSED_COLOR, stepColor(this.classes)] as maplibregl.ExpressionSpecification;
  }

  private setMode(mode: DemandMode): void {
    if (mode === this.mode && this.map.getLayer(DEMAND_FILL_LAYER)) return;
    this.mode = mode;
    if (this.map.getSource(TILES_SOURCE)) this.addLayers();
  }

  private applyScale(classes: ScaleClass[]): void {
    this.classes = classes;
    if (this.map.getLayer(DEMAND_FILL_LAYER)) this.map.setPaintProperty(DEMAND_FILL_LAYER, 'fill-color', this.fillColor());
  }

  /** Recomputes the colour classes from the tiles in view (their resolution follows the zoom). */
  private rescaleFromTiles(): void {
    if (!this.map.getSource(TILES_SOURCE)) return;
    const trips = this.map.querySourceFeatures(TILES_SOURCE, { sourceLayer: TILE_SOURCE_LAYER }).map((f) => Number(f.properties?.trips) || 0);
    if (trips.length === 0) return;
    const next = demandClasses(trips);
    if (JSON.stringify(next) === JSON.stringify(this.classes)) return;
    this.applyScale(next);
    this.onClassesChange?.(next);
  }

  private loadTiles(filter: DemandFilter): void {
    const source = this.map.getSource(TILES_SOURCE) as maplibregl.VectorTileSource | undefined;
    source?.setTiles([tileUrlTemplate(filter)]);
    this.data = EMPTY;
    this.byCell.clear();
    (this.map.getSource(GEOJSON_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(EMPTY);
    this.setMode('tiles');
  }

  /** Fetches GeoJSON cells, or returns null when the answer is too large to draw (tiles then). */
  private async fetchCells(filter: DemandFilter, signal: AbortSignal): Promise<CellCollection | null> {
    const params = filterParams(filter);
    params.set('format', 'geojson');
    const res = await apiFetch(`/api/cells?${params}`, { signal, headers: { Accept: 'application/geo+json, application/json' } });
    const size = Number(res.headers.get('Content-Length'));
    if (size > GEOJSON_MAX_BYTES) {
      await res.body?.cancel();
      return null;
    }
    try {
      return (await res.json()) as CellCollection;
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(res.status, 'The server sent demand cells that are not valid GeoJSON.');
    }
  }

  /**
   * Shows demand for a filter: GeoJSON cells at `filter.res` when set, else (automatic) tiles whose
   * hexes follow the zoom. A newer call cancels an older one.
   * @returns counts (where known), the colour classes and the extent of the data
   * @throws ApiError when the server refuses or fails
   */
  async load(mapFilter: MapFilter): Promise<DemandSummary> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const { res, ...filter } = mapFilter;
    this.filter = filter;
    this.detailCache.clear();
    this.select(null);
    const superseded = () => {
      if (abort.signal.aborted) throw new DOMException('superseded', 'AbortError');
    };
    let data: CellCollection | null = null;
    if (res !== undefined) {
      data = await this.fetchCells({ ...filter, res }, abort.signal);
      superseded();
    }
    if (data === null) {
      // A coarse query (a few hundred hexes for a city) gives totals and the extent cheaply.
      const overview = (await this.fetchCells({ ...filter, res: OVERVIEW_RES }, abort.signal)) ?? EMPTY;
      superseded();
      this.loadTiles(filter);
      const totals = this.summarise(overview);
      return { mode: 'tiles', cells: null, suppressed: null, trips: totals.trips, res: null, classes: this.classes, bboxLngLat: totals.bboxLngLat, fellBackToTiles: res !== undefined };
    }
    this.data = Array.isArray(data.features) ? data : EMPTY;
    this.byCell.clear();
    const trips: number[] = [];
    for (const f of this.data.features) {
      const p = f.properties;
      if (!p) continue;
      p.cell = String(p.cell);
      this.byCell.set(p.cell, p);
      if (!p.suppressed) trips.push(Number(p.trips) || 0);
    }
    (this.map.getSource(GEOJSON_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(this.data);
    this.setMode('geojson');
    this.applyScale(demandClasses(trips));
    return { ...this.summarise(this.data), mode: 'geojson', res: res ?? null, classes: this.classes, fellBackToTiles: false };
  }

  /**
   * The full properties (with the hourly profile) of a hex seen in a tile, from the GeoJSON cells of
   * its resolution — fetched once per resolution and filter.
   * @returns the cell, or null when it is not available (too much data, or left out)
   */
  async details(cell: CellProperties & { res?: number }): Promise<CellProperties | null> {
    const known = this.byCell.get(cell.cell);
    if (known) return known;
    if (cell.res === undefined) return null;
    const key = `${cell.res}|${JSON.stringify(this.filter)}`;
    let entry = this.detailCache.get(key);
    if (!entry) {
      entry = this.fetchCells({ ...this.filter, res: cell.res }, new AbortController().signal).then((data) => {
        if (!data) return null;
        return new Map(data.features.filter((f) => f.properties).map((f) => [String(f.properties.cell), f.properties]));
      });
      entry.catch(() => this.detailCache.delete(key));
      this.detailCache.set(key, entry);
      if (this.detailCache.size > DETAIL_CACHE) this.detailCache.delete(this.detailCache.keys().next().value!);
    }
    return (await entry)?.get(cell.cell) ?? null;
  }

  private summarise(data: CellCollection): { cells: number; suppressed: number; trips: number; bboxLngLat: DemandSummary['bboxLngLat'] } {
    const top = data as CellCollection & { totalTrips?: number; suppressedCells?: number };
    let trips = 0;
    let flagged = 0;
    for (const f of data.features) {
      if (f.properties?.suppressed) flagged++;
      else trips += Number(f.properties?.trips) || 0;
    }
    return {
      cells: data.features.length - flagged,
      suppressed: typeof top.suppressedCells === 'number' ? top.suppressedCells : flagged,
      trips: typeof top.totalTrips === 'number' ? top.totalTrips : trips,
      bboxLngLat: centresBbox(data) ?? bboxLngLat(data),
    };
  }

  /** How hexes currently reach the map. */
  get currentMode(): DemandMode {
    return this.mode;
  }

  /**
   * What a click on a rendered hex should show: the full GeoJSON properties (with profile) when
   * loaded, else what the tile carries (trips, devices, days).
   */
  describe(feature: maplibregl.MapGeoJSONFeature): (CellProperties & { res?: number }) | null {
    const props = feature.properties as Record<string, unknown>;
    const id = String(props.cell ?? props.h3 ?? '');
    if (!id) return null;
    const full = this.byCell.get(id);
    if (full) return full;
    const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
    return { cell: id, trips: Number(props.trips) || 0, devices: num(props.devices), days: num(props.days), res: num(props.res), suppressed: props.suppressed === true || undefined };
  }

  /** True when some drawn hexes carry `suppressed: true` (drawn grey rather than left out). */
  hasFlaggedCells(): boolean {
    for (const p of this.byCell.values()) if (p.suppressed) return true;
    return false;
  }

  /** Id of any loaded GeoJSON cell (to learn the resolution the server used), or undefined. */
  sampleCellId(): string | undefined {
    return this.byCell.keys().next().value;
  }

  /** Outlines one cell (or none). */
  select(cellId: string | null): void {
    this.selectedCell = cellId;
    if (this.map.getLayer(DEMAND_SELECTED_LAYER)) this.map.setFilter(DEMAND_SELECTED_LAYER, selectedExpr(cellId));
  }

  /** Shows or hides the hexes. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const id of [DEMAND_FILL_LAYER, DEMAND_LINE_LAYER, DEMAND_SELECTED_LAYER]) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    }
  }
}
