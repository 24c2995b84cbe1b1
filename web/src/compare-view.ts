/**
 * Comparison of two runs on the map: zones added, removed, moved and kept in distinct colours,
 * and a summary with the coverage difference.
 */
import type * as maplibregl from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry, LineString, Point, Polygon } from 'geojson';
import type { RunComparison, RunInfo, ZoneProperties } from './api-types.ts';
import { compareRuns, getZones } from './api-client.ts';
import { COMPARE_COLORS, type CompareStatus } from './compare-colors.ts';
import { h } from './dom.ts';
import { formatShare } from './format.ts';
import { onStyleReady, setGeoJsonIfChanged } from './map-view.ts';
import { capacityRadius } from './zones-layer.ts';
import { arrowhead } from './move-arrow.ts';

const COMPARE_SOURCE = 'compare-zones';
const COMPARE_CENTERS_SOURCE = 'compare-centers';
/** Layer ids (query these for clicks and tests). */
export const COMPARE_FILL_LAYER = 'compare-fill';
export const COMPARE_CIRCLE_LAYER = 'compare-circle';
const COMPARE_LINE_LAYER = 'compare-line';
/** Layer ids of a move: its line (casing and line) and its arrowhead, drawn above the circles so they are never hidden. */
export const COMPARE_MOVES_LAYER = 'compare-moves';
export const COMPARE_ARROWS_LAYER = 'compare-move-arrows';
const COMPARE_MOVES_CASING_LAYER = 'compare-moves-casing';
const COMPARE_FROM_LAYER = 'compare-move-from'; // a ring where a moved zone stood

type ZoneLike = Record<string, unknown>;
type CompareFeature = Feature<Geometry, ZoneProperties & { status: CompareStatus }>;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Counts and coverage of a comparison, for the summary text. */
export interface CompareSummary {
  added: number;
  removed: number;
  moved: number;
  kept: number;
  coverageA: number | null; // share 0–1 of the first run
  coverageB: number | null; // share 0–1 of the second run
  coverageDiff: number | null; // B − A, share 0–1
}

/** A zone item of the comparison as a feature, whatever shape the server used. */
function asFeature(item: unknown, status: CompareStatus): CompareFeature | null {
  if (!item || typeof item !== 'object') return null;
  let zone = item as ZoneLike;
  const extra: Record<string, unknown> = {};
  // A moved zone may come as a pair; show where it is now.
  for (const key of ['to', 'b', 'after', 'new']) {
    if (zone[key] && typeof zone[key] === 'object') {
      if (typeof zone.distanceM === 'number') extra.moved_m = zone.distanceM;
      const from = (zone.from ?? zone.a) as ZoneLike | undefined;
      if (from && typeof from.capacity === 'number') extra.capacity_before = from.capacity;
      const fromLat = Number(from?.centerLat ?? from?.center_lat);
      const fromLng = Number(from?.centerLng ?? from?.center_lng);
      if (Number.isFinite(fromLat) && Number.isFinite(fromLng)) extra.from_lng_lat = [fromLng, fromLat];
      zone = zone[key] as ZoneLike;
      break;
    }
  }
  if (typeof zone.capacityChange === 'number') extra.capacity_change = zone.capacityChange;
  if (zone.type === 'Feature') {
    const f = zone as unknown as Feature<Geometry | null, ZoneProperties>;
    if (!f.geometry) return null;
    return { type: 'Feature', geometry: f.geometry, properties: { ...(f.properties ?? ({} as ZoneProperties)), status } };
  }
  const raw = (zone.properties && typeof zone.properties === 'object' ? zone.properties : zone) as ZoneLike;
  // Zone records may be camelCase (engine) or snake_case (GeoJSON properties).
  const pick = (snake: string, camel: string) => (raw[snake] !== undefined ? raw[snake] : raw[camel]);
  const lat = Number(pick('center_lat', 'centerLat') ?? raw.lat);
  const lng = Number(pick('center_lng', 'centerLng') ?? raw.lng);
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  const props = {
    ...raw,
    ...extra,
    zone_id: String(pick('zone_id', 'zoneId') ?? ''),
    rank: Number(raw.rank),
    capacity: Number(raw.capacity),
    covered_trips: Number(pick('covered_trips', 'coveredTrips')),
    share: raw.share === undefined ? Number.NaN : Number(raw.share),
    center_lat: lat,
    center_lng: lng,
    status,
  } as ZoneProperties & { status: CompareStatus };
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties: props };
}

function centreOf(f: CompareFeature): Feature<Point, CompareFeature['properties']> | null {
  if (f.geometry.type === 'Point') return f as Feature<Point, CompareFeature['properties']>;
  const lat = Number(f.properties.center_lat);
  const lng = Number(f.properties.center_lng);
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties: f.properties };
}

function diffNumbers(result: RunComparison, runA?: RunInfo, runB?: RunInfo): Pick<CompareSummary, 'coverageA' | 'coverageB' | 'coverageDiff'> {
  const raw = result.coverage ?? result.coverageDiff ?? null;
  let coverageA = runA?.stats?.coveredShare ?? null;
  let coverageB = runB?.stats?.coveredShare ?? null;
  let coverageDiff: number | null = null;
  if (typeof raw === 'number') coverageDiff = raw;
  else if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    coverageA = num(o.a) ?? coverageA;
    coverageB = num(o.b) ?? coverageB;
    coverageDiff = num(o.difference) ?? num(o.diff) ?? null;
  }
  if (coverageDiff === null && coverageA !== null && coverageB !== null) coverageDiff = coverageB - coverageA;
  return { coverageA, coverageB, coverageDiff };
}

/** The comparison layer and its summary. */
export class CompareLayer {
  private readonly map: maplibregl.Map;
  private zones: FeatureCollection = EMPTY;
  private centers: FeatureCollection = EMPTY;
  private readonly byId = new Map<string, CompareFeature['properties']>();
  private token = 0;

  constructor(map: maplibregl.Map) {
    this.map = map;
    onStyleReady(map, () => this.install());
  }

  private install(): void {
    const map = this.map;
    if (map.getSource(COMPARE_SOURCE)) return;
    const color: maplibregl.ExpressionSpecification = ['match', ['get', 'status'], 'added', COMPARE_COLORS.added, 'removed', COMPARE_COLORS.removed, 'moved', COMPARE_COLORS.moved, COMPARE_COLORS.kept];
    map.addSource(COMPARE_SOURCE, { type: 'geojson', data: this.zones });
    map.addSource(COMPARE_CENTERS_SOURCE, { type: 'geojson', data: this.centers });
    map.addLayer({ id: COMPARE_FILL_LAYER, type: 'fill', source: COMPARE_SOURCE, filter: ['!=', ['geometry-type'], 'Point'], paint: { 'fill-color': color, 'fill-opacity': 0.15 } });
    map.addLayer({ id: COMPARE_LINE_LAYER, type: 'line', source: COMPARE_SOURCE, filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': color, 'line-width': 1.5 } });
    map.addLayer({
      id: COMPARE_CIRCLE_LAYER,
      type: 'circle',
      source: COMPARE_CENTERS_SOURCE,
      filter: ['all', ['==', ['geometry-type'], 'Point'], ['!=', ['get', 'status'], 'moved-from']],
      paint: {
        'circle-color': color,
        'circle-radius': capacityRadius(),
        'circle-opacity': ['match', ['get', 'status'], 'kept', 0.55, 0.9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    });
    // Moves go above the circles: a ring where the zone stood, a cased line to where it stands, an arrowhead midway.
    map.addLayer({
      id: COMPARE_FROM_LAYER,
      type: 'circle',
      source: COMPARE_CENTERS_SOURCE,
      filter: ['all', ['==', ['geometry-type'], 'Point'], ['==', ['get', 'status'], 'moved-from']],
      paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': 6, 'circle-stroke-color': COMPARE_COLORS.moved, 'circle-stroke-width': 2 },
    });
    map.addLayer({ id: COMPARE_MOVES_CASING_LAYER, type: 'line', source: COMPARE_CENTERS_SOURCE, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#ffffff', 'line-width': 5 } });
    map.addLayer({ id: COMPARE_MOVES_LAYER, type: 'line', source: COMPARE_CENTERS_SOURCE, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': COMPARE_COLORS.moved, 'line-width': 2.5 } });
    map.addLayer({
      id: COMPARE_ARROWS_LAYER,
      type: 'fill',
      source: COMPARE_CENTERS_SOURCE,
      filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['==', ['get', 'status'], 'move-arrow']],
      paint: { 'fill-color': COMPARE_COLORS.moved, 'fill-outline-color': '#ffffff' },
    });
  }

  /**
   * Loads the comparison of run `a` (before) with run `b` (after) and draws it.
   * @returns counts and coverage, or null when superseded
   */
  async load(a: RunInfo, b: RunInfo): Promise<CompareSummary | null> {
    const token = ++this.token;
    const [result, zonesA, zonesB] = await Promise.all([compareRuns(a.runId, b.runId), getZones(a.runId).catch(() => null), getZones(b.runId).catch(() => null)]);
    if (token !== this.token) return null;
    // Each run's own zone records carry the hourly profile and share the comparison leaves out.
    const own = (fc: typeof zonesA) => new Map((fc?.features ?? []).map((f) => [String(f.properties.zone_id), f.properties]));
    const ownA = own(zonesA);
    const ownB = own(zonesB);
    const features: CompareFeature[] = [];
    const counts = { added: 0, removed: 0, moved: 0, kept: 0 };
    for (const status of ['kept', 'moved', 'removed', 'added'] as const) {
      const items = Array.isArray(result?.[status]) ? (result[status] as unknown[]) : [];
      counts[status] = items.length;
      for (const item of items) {
        const f = asFeature(item, status);
        if (!f) continue;
        f.properties.source_run = status === 'removed' ? a.runId : b.runId; // the run the drawn zone belongs to
        const record = (status === 'removed' ? ownA : ownB).get(String(f.properties.zone_id));
        if (record?.profile) f.properties.profile = record.profile;
        if (record && typeof record.share === 'number') f.properties.share = record.share;
        features.push(f);
      }
    }
    this.byId.clear();
    features.forEach((f, i) => {
      f.properties.compare_key = `${f.properties.status}:${f.properties.zone_id ?? i}`;
      this.byId.set(String(f.properties.compare_key), f.properties);
    });
    this.zones = { type: 'FeatureCollection', features };
    const moves: Feature<LineString | Polygon | Point>[] = [];
    for (const f of features) {
      const from = f.properties.from_lng_lat as [number, number] | undefined;
      if (!from) continue;
      const to: [number, number] = [Number(f.properties.center_lng), Number(f.properties.center_lat)];
      moves.push({ type: 'Feature', properties: { status: 'moved' }, geometry: { type: 'LineString', coordinates: [from, to] } });
      moves.push({ type: 'Feature', properties: { status: 'moved-from' }, geometry: { type: 'Point', coordinates: from } });
      const arrow = arrowhead(from, to);
      if (arrow) moves.push({ type: 'Feature', properties: { status: 'move-arrow', zone_id: f.properties.zone_id }, geometry: arrow });
    }
    this.centers = { type: 'FeatureCollection', features: [...moves, ...features.map(centreOf).filter((f) => f !== null)] };
    this.push();
    return { ...counts, ...diffNumbers(result ?? { added: [], removed: [], kept: [], moved: [] }, a, b) };
  }

  /** Removes the comparison from the map. */
  clear(): void {
    this.token++;
    this.zones = EMPTY;
    this.centers = EMPTY;
    this.byId.clear();
    this.push();
  }

  /** Properties of a compared zone by its `compare_key`. */
  zone(key: string): (ZoneProperties & { status: CompareStatus }) | undefined {
    return this.byId.get(key);
  }

  private push(): void {
    setGeoJsonIfChanged(this.map, COMPARE_SOURCE, this.zones);
    setGeoJsonIfChanged(this.map, COMPARE_CENTERS_SOURCE, this.centers);
  }
}

/**
 * The comparison summary as page content.
 * @param a - the first ("before") run
 * @param b - the second ("after") run
 */
export function compareSummaryView(summary: CompareSummary, a: RunInfo, b: RunInfo): HTMLElement {
  const pts = summary.coverageDiff === null ? '' : `${summary.coverageDiff >= 0 ? '+' : '−'}${Math.abs(summary.coverageDiff * 100).toFixed(1)} points`;
  const stat = (status: CompareStatus, n: number, text: string) =>
    h('li', { class: `compare-stat compare-${status}` }, h('span', { class: 'zone-dot small', style: `background:${COMPARE_COLORS[status]}` }), h('b', {}, String(n)), ` ${text}`);
  return h(
    'div',
    { class: 'compare-summary', 'data-testid': 'compare-summary' },
    h('p', {}, `From run ${a.runId} to run ${b.runId}:`),
    h('ul', { class: 'compare-stats' }, stat('added', summary.added, 'added'), stat('removed', summary.removed, 'removed'), stat('moved', summary.moved, 'moved'), stat('kept', summary.kept, 'kept')),
    h(
      'p',
      { class: 'compare-coverage' },
      'Coverage ',
      summary.coverageA !== null && summary.coverageB !== null ? `${formatShare(summary.coverageA)} → ${formatShare(summary.coverageB)}` : '',
      pts ? h('b', { class: summary.coverageDiff! >= 0 ? 'gain' : 'loss' }, ` (${pts})`) : '',
    ),
  );
}
