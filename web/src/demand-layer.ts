/**
 * Demand hexes on the map, coloured by trip ends. Two ways to get them, as fits the zoom and the data:
 * - automatic (default): vector tiles from /api/tiles whose hexes get finer as you zoom in, so a month
 *   of a large city (100,000+ cells) stays fluid — only visible tiles travel; a clicked hex's hourly
 *   profile comes from the GeoJSON cells of its resolution, fetched once when first needed;
 * - a chosen hex size: the cells at that resolution in view (`bbox`, a little larger than the view) as
 *   GeoJSON, fetched again when the view leaves that box; tiles when the answer is too large to draw.
 * Totals and the data's extent come from a coarse whole-city query in both cases.
 */
import type * as maplibregl from 'maplibre-gl';
import type { BboxLngLat, CellCollection, CellProperties, DemandFilter, MapFilter } from './api-types.ts';
import { ApiError, apiFetch, filterParams, tileUrlTemplate } from './api-client.ts';
import { fixedClasses, stepColor, SUPPRESSED_COLOR, type DemandUnit, type ScaleClass } from './color-scale.ts';
import { bboxCovers, bboxLngLat, bboxUnion, paddedBboxLngLat, wrapBboxLngLat } from './geo.ts';
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
const TILE_RESOLUTIONS = [7, 8, 9, 10, 11]; // resolutions the server's tiles carry (by zoom)
const VIEW_PAD = 0.15; // share of the view's width and height fetched beyond each side, so small pans need nothing

/** How the hexes currently reach the map. */
export type DemandMode = 'tiles' | 'geojson';

/** What a load produced, for the legend and the panel. */
export interface DemandSummary {
  mode: DemandMode;
  cells: number | null; // hexes shown (null when they depend on the view: tiles, or GeoJSON of the view)
  suppressed: number | null; // hexes hidden by k-anonymity, when known
  trips: number | null; // trip ends in the shown hexes, when known
  res: number | null; // H3 resolution (null with tiles: follows the zoom)
  inView: boolean; // the hexes drawn are those of the view, fetched again as it moves
  classes: ScaleClass[];
  unit: DemandUnit; // what the colours measure
  classRes: number | null; // resolution whose classes the legend shows (null: none drawn yet)
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
  private classes: ScaleClass[] = fixedClasses(9, 'trips');
  private classRes: number | null = null;
  /** What the colours measure and over how many days of data; set before {@link load}. Default: trip ends over 1 day. */
  scale: { unit: DemandUnit; days: number } = { unit: 'trips', days: 1 };
  private abort: AbortController | null = null;
  private selectedCell: string | null = null;
  private visible = true;
  /** False until the first demand is set (signed in, the filter's tile URLs): hidden layers ask for no tiles, so none go out without a key. */
  private started = false;
  private readonly detailCache = new Map<string, { bbox: BboxLngLat; cells: Promise<Map<string, CellProperties> | null> }>();
  /** With a chosen hex size: its resolution, and the box of the cells drawn. */
  private viewRes: number | null = null;
  private viewBbox: BboxLngLat | null = null;
  private viewAbort: AbortController | null = null;
  private loading = 0; // loads in progress
  /** Called when the colour classes change on their own (tiles: after zooming to another resolution; GeoJSON: another view). */
  onClassesChange: ((classes: ScaleClass[]) => void) | null = null;
  /** Called when the hexes of a new view cannot be loaded. */
  onViewError: ((err: unknown) => void) | null = null;

  constructor(map: maplibregl.Map) {
    this.map = map;
    onStyleReady(map, () => this.install());
    map.on('idle', () => {
      if (this.mode === 'tiles') this.rescaleFromTiles();
    });
    map.on('moveend', () => void this.followView());
  }

  /** The map's current bounds as the API's `bbox`. */
  private viewBounds(): BboxLngLat {
    const b = this.map.getBounds();
    return wrapBboxLngLat([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  }

  /** The box to fetch for the current view: the view, padded and rounded outward. */
  private fetchBox(): BboxLngLat {
    const b = this.map.getBounds();
    return paddedBboxLngLat([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], VIEW_PAD);
  }

  /** With a chosen hex size, fetches the hexes of the view when it has left the box fetched last. */
  private async followView(): Promise<void> {
    if (this.loading > 0 || this.mode !== 'geojson' || this.viewRes === null || (this.viewBbox && bboxCovers(this.viewBbox, this.viewBounds()))) return;
    this.viewAbort?.abort();
    const abort = new AbortController();
    this.viewAbort = abort;
    const bbox = this.fetchBox();
    try {
      const data = await this.fetchCells({ ...this.filter, res: this.viewRes }, abort.signal, bbox);
      if (abort.signal.aborted || this.mode !== 'geojson') return;
      if (data === null) return; // too large to draw: keep what is drawn
      this.viewBbox = bbox;
      this.show(data);
      this.onClassesChange?.(this.classes);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.onViewError?.(err);
    }
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
    const layout = { visibility: this.visible && this.started ? ('visible' as const) : ('none' as const) };
    // Insert below the first zone layer, if zones are already on the map.
    const before = map.getStyle().layers.find((l) => l.id.startsWith('zones-') || l.id.startsWith('compare-'))?.id;
    map.addLayer(
      { id: DEMAND_FILL_LAYER, type: 'fill', ...source, layout, paint: { 'fill-color': this.fillColor(), 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.82, 16, 0.62] } },
      before,
    );
    map.addLayer({ id: DEMAND_LINE_LAYER, type: 'line', ...source, minzoom: 12.5, layout, paint: { 'line-color': '#ffffff', 'line-opacity': 0.55, 'line-width': 0.6 } }, before);
    map.addLayer({ id: DEMAND_SELECTED_LAYER, type: 'line', ...source, layout, filter: selectedExpr(this.selectedCell), paint: { 'line-color': '#111827', 'line-width': 2.5 } }, before);
  }

  /** The classes of a resolution in the current unit (fixed: they depend on nothing else). */
  classesFor(res: number): ScaleClass[] {
    return fixedClasses(res, this.scale.unit, this.scale.days);
  }

  /** The colour of every hex from its own resolution's fixed classes (tiles carry `res`; GeoJSON cells are all `viewRes`). */
  private fillColor(): maplibregl.ExpressionSpecification {
    const trips: maplibregl.ExpressionSpecification = ['to-number', ['get', 'trips'], 0];
    const value: maplibregl.ExpressionSpecification = this.scale.unit === 'perDay' ? ['/', trips, Math.max(1, this.scale.days)] : trips;
    const byRes: maplibregl.ExpressionSpecification | string =
      this.mode === 'geojson' && this.viewRes !== null
        ? stepColor(this.classesFor(this.viewRes), value)
        : (['match', ['to-number', ['get', 'res'], 9], ...TILE_RESOLUTIONS.flatMap((r) => [r, stepColor(this.classesFor(r), value)]), stepColor(this.classesFor(9), value)] as unknown as maplibregl.ExpressionSpecification);
    return ['case', ['==', ['get', 'suppressed'], true], SUPPRESSED_COLOR, byRes] as maplibregl.ExpressionSpecification;
  }

  private setMode(mode: DemandMode): void {
    if (mode === this.mode && this.map.getLayer(DEMAND_FILL_LAYER)) return;
    this.mode = mode;
    if (this.map.getSource(TILES_SOURCE)) this.addLayers();
  }

  /** Sets the resolution the legend's classes are of, and repaints. */
  private applyScale(res: number | null): void {
    this.classRes = res;
    this.classes = this.classesFor(res ?? 9);
    if (this.map.getLayer(DEMAND_FILL_LAYER)) this.map.setPaintProperty(DEMAND_FILL_LAYER, 'fill-color', this.fillColor());
  }

  /** Tiles: the legend follows the resolution of the hexes in view (which follows the zoom); the classes of each are fixed. */
  private rescaleFromTiles(): void {
    if (!this.map.getSource(TILES_SOURCE)) return;
    const first = this.map.querySourceFeatures(TILES_SOURCE, { sourceLayer: TILE_SOURCE_LAYER })[0];
    const res = Number(first?.properties?.res);
    if (!first || !Number.isInteger(res) || res === this.classRes) return;
    this.applyScale(res);
    this.onClassesChange?.(this.classes);
  }

  /** Resolution whose classes the legend shows, or null before any hex is drawn. */
  get legendRes(): number | null {
    return this.classRes;
  }

  private loadTiles(filter: DemandFilter): void {
    const source = this.map.getSource(TILES_SOURCE) as maplibregl.VectorTileSource | undefined;
    source?.setTiles([tileUrlTemplate(filter)]);
    const hadCells = this.data !== EMPTY;
    this.data = EMPTY;
    this.byCell.clear();
    this.viewRes = null;
    this.viewBbox = null;
    if (hadCells) (this.map.getSource(GEOJSON_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(EMPTY);
    this.setMode('tiles');
    this.start();
    this.classRes = null; // learnt from the tiles in view once drawn
    this.applyScale(null);
    this.rescaleFromTiles();
  }

  /** Shows the layers once the first demand is set (with the filter's tile URLs), see {@link started}. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.setVisible(this.visible);
  }

  /** Draws GeoJSON cells and colours them by their trip ends. */
  private show(data: CellCollection): void {
    this.data = Array.isArray(data.features) ? data : EMPTY;
    this.byCell.clear();
    for (const f of this.data.features) {
      const p = f.properties;
      if (!p) continue;
      p.cell = String(p.cell);
      this.byCell.set(p.cell, p);
    }
    (this.map.getSource(GEOJSON_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(this.data);
    this.setMode('geojson');
    this.start();
    this.applyScale(this.viewRes);
  }

  /** Fetches GeoJSON cells (those whose centre is in `bbox`, when given), or null when the answer is too large to draw. */
  private async fetchCells(filter: DemandFilter, signal: AbortSignal, bbox?: BboxLngLat): Promise<CellCollection | null> {
    const params = filterParams(filter);
    params.set('format', 'geojson');
    if (bbox) params.set('bbox', bbox.join(','));
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
   * Shows demand for a filter: GeoJSON cells at `filter.res` in view when set (fetched again as the view
   * moves), else (automatic) tiles whose hexes follow the zoom. A newer call cancels an older one.
   * @returns counts (where known), the colour classes and the extent of the data
   * @throws ApiError when the server refuses or fails
   */
  async load(mapFilter: MapFilter): Promise<DemandSummary> {
    this.loading++;
    try {
      return await this.loadNow(mapFilter);
    } finally {
      this.loading--;
      // The view may have moved while loading.
      void this.followView();
    }
  }

  private async loadNow(mapFilter: MapFilter): Promise<DemandSummary> {
    this.abort?.abort();
    this.viewAbort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const { res, ...filter } = mapFilter;
    this.filter = filter;
    this.detailCache.clear();
    this.select(null);
    const superseded = () => {
      if (abort.signal.aborted) throw new DOMException('superseded', 'AbortError');
    };
    // A coarse whole-city query (a few hundred hexes) gives totals and the extent cheaply.
    const overviewPromise = this.fetchCells({ ...filter, res: OVERVIEW_RES }, abort.signal);
    let data: CellCollection | null = null;
    const bbox = this.fetchBox();
    if (res !== undefined) {
      overviewPromise.catch(() => undefined); // awaited below; not unhandled if the view's query fails first
      data = await this.fetchCells({ ...filter, res }, abort.signal, bbox);
      superseded();
    }
    const overview = (await overviewPromise) ?? EMPTY;
    superseded();
    const totals = this.summarise(overview);
    if (data === null) {
      this.loadTiles(filter);
      return { mode: 'tiles', cells: null, suppressed: null, trips: totals.trips, res: null, inView: false, classes: this.classes, unit: this.scale.unit, classRes: this.classRes, bboxLngLat: totals.bboxLngLat, fellBackToTiles: res !== undefined };
    }
    this.viewRes = res!;
    this.viewBbox = bbox;
    this.show(data);
    const top = data as CellCollection & { suppressedCells?: number };
    const suppressed = typeof top.suppressedCells === 'number' ? top.suppressedCells : this.summarise(data).suppressed;
    return { mode: 'geojson', cells: null, suppressed, trips: totals.trips, res: res!, inView: true, classes: this.classes, unit: this.scale.unit, classRes: this.classRes, bboxLngLat: totals.bboxLngLat, fellBackToTiles: false };
  }

  /**
   * The full properties (with the hourly profile) of a hex seen in a tile, from the GeoJSON cells of
   * its resolution around the view — fetched once per resolution, filter and view.
   * @param near where the hex is drawn, [west, south, east, north] (its centre may lie outside the view)
   * @returns the cell, or null when it is not available (too much data, or left out)
   */
  async details(cell: CellProperties & { res?: number }, near: BboxLngLat | null = null): Promise<CellProperties | null> {
    const known = this.byCell.get(cell.cell);
    if (known) return known;
    if (cell.res === undefined) return null;
    const key = `${cell.res}|${JSON.stringify(this.filter)}`;
    let entry = this.detailCache.get(key);
    if (!entry || (near && !bboxCovers(entry.bbox, near))) {
      const bbox = bboxUnion(this.fetchBox(), near && wrapBboxLngLat(near));
      const cells = this.fetchCells({ ...this.filter, res: cell.res }, new AbortController().signal, bbox).then((data) => {
        if (!data) return null;
        return new Map(data.features.filter((f) => f.properties).map((f) => [String(f.properties.cell), f.properties]));
      });
      const fresh = { bbox, cells };
      entry = fresh;
      cells.catch(() => this.detailCache.get(key) === fresh && this.detailCache.delete(key));
      this.detailCache.delete(key);
      this.detailCache.set(key, fresh);
      if (this.detailCache.size > DETAIL_CACHE) this.detailCache.delete(this.detailCache.keys().next().value!);
    }
    return (await entry.cells)?.get(cell.cell) ?? null;
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
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible && this.started ? 'visible' : 'none');
    }
  }
}
