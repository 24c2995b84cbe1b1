/**
 * The plan editor: a planner turns the selected run into a plan — drags zones, deletes one, adds one with a
 * click, changes a capacity, draws areas to avoid — and saves it (POST /api/runs/:id/plans). Also shows the selected
 * run's areas to avoid, names and annotates it, marks it current and recomputes from it.
 */
import * as maplibregl from 'maplibre-gl';
import type { ApiConfig, RunInfo, ZoneCollection } from './api-types.ts';
import { h, replaceChildren } from './dom.ts';
import { onStyleReady, setGeoJsonIfChanged } from './map-view.ts';
import { formatInt, formatShare } from './format.ts';
import { createPlan, labelRun, markCurrent, recomputeFrom, type AreaFeature, type PlanEdit } from './plans-api.ts';

/** Layer ids of the areas to avoid (the run's and those being drawn). */
export const AREAS_FILL_LAYER = 'plan-areas-fill';
export const AREAS_LINE_LAYER = 'plan-areas-line';
const AREAS_SOURCE = 'plan-areas';
const DRAFT_SOURCE = 'plan-area-draft';
const DRAFT_LAYER = 'plan-area-draft-line';
/** Colour of areas to avoid: a dark slate hatch-like fill, apart from the demand ramp and the zone blues. */
const AREA_COLOR = '#334155';

type Mode = 'move' | 'add' | 'area';

/** A zone of the plan being edited. */
interface EditZone {
  id: string;
  lat: number;
  lng: number;
  capacity: number;
  /** Where it stood in the run (null for an added zone). */
  from: { lat: number; lng: number; capacity: number } | null;
  /** The planner typed a capacity. */
  capacityFixed: boolean;
  marker: maplibregl.Marker;
}

/** What the editor needs from the page. */
export interface PlanEditorHandlers {
  config(): ApiConfig | null;
  run(): RunInfo | null; // the selected run
  zones(): ZoneCollection; // its zones as loaded on the map
  onEditing(on: boolean): void; // hide or show the run's own zone layer
  onSaved(plan: RunInfo): void;
  onRunChanged(runId: string): void; // renamed, marked current, or a recompute started (its id)
  onError(what: string, err: unknown): void;
}

/** Roles that may make plans. */
export function canPlan(config: ApiConfig | null): boolean {
  return config?.role === 'planner' || config?.role === 'analyst' || config?.role === 'admin';
}

function areasOf(run: RunInfo | null): AreaFeature[] {
  const ex = run?.params?.exclude as { type?: string; features?: AreaFeature[] } | null | undefined;
  if (!ex) return [];
  if (ex.type === 'FeatureCollection') return ex.features ?? [];
  if (ex.type === 'Feature') return [ex as unknown as AreaFeature];
  return [{ type: 'Feature', properties: {}, geometry: ex as unknown as AreaFeature['geometry'] }];
}

/** The plan editor panel and its map layers. */
export class PlanEditor {
  private editing = false;
  private mode: Mode = 'move';
  private readonly zones = new Map<string, EditZone>();
  private readonly deleted = new Set<string>();
  private selected: string | null = null;
  private adds = 0;
  private drawn: AreaFeature[] = [];
  private draft: [number, number][] = [];
  private runAreas: AreaFeature[] = [];

  constructor(
    private readonly map: maplibregl.Map,
    private readonly root: HTMLElement,
    private readonly handlers: PlanEditorHandlers,
  ) {
    onStyleReady(map, () => this.install());
  }

  private install(): void {
    const map = this.map;
    if (map.getSource(AREAS_SOURCE)) return;
    map.addSource(AREAS_SOURCE, { type: 'geojson', data: this.areasData() });
    map.addSource(DRAFT_SOURCE, { type: 'geojson', data: this.draftData() });
    map.addLayer({ id: AREAS_FILL_LAYER, type: 'fill', source: AREAS_SOURCE, paint: { 'fill-color': AREA_COLOR, 'fill-opacity': 0.28 } });
    map.addLayer({ id: AREAS_LINE_LAYER, type: 'line', source: AREAS_SOURCE, paint: { 'line-color': AREA_COLOR, 'line-width': 2, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: DRAFT_LAYER, type: 'line', source: DRAFT_SOURCE, paint: { 'line-color': AREA_COLOR, 'line-width': 2 } });
  }

  private areasData(): GeoJSON.FeatureCollection {
    return { type: 'FeatureCollection', features: [...this.runAreas.map((f) => ({ ...f, properties: { ...f.properties, drawn: false } })), ...this.drawn] } as GeoJSON.FeatureCollection;
  }

  private draftData(): GeoJSON.FeatureCollection {
    const line = this.draft.length ? [...this.draft, ...(this.draft.length > 2 ? [this.draft[0]!] : [])] : [];
    return { type: 'FeatureCollection', features: line.length > 1 ? [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: line } }] : [] };
  }

  private redrawAreas(): void {
    setGeoJsonIfChanged(this.map, AREAS_SOURCE, this.areasData());
    setGeoJsonIfChanged(this.map, DRAFT_SOURCE, this.draftData());
  }

  /** True while editing: map clicks belong to the editor. */
  get active(): boolean {
    return this.editing;
  }

  /** The selected run changed (or its zones loaded): shows its areas to avoid and the panel. */
  showRun(): void {
    if (this.editing) this.stop();
    this.runAreas = areasOf(this.handlers.run());
    this.redrawAreas();
    this.render();
  }

  /** A click on the map while editing: adds a zone or an area vertex. Returns true when it was used. */
  handleClick(lngLat: maplibregl.LngLat): boolean {
    if (!this.editing) return false;
    if (this.mode === 'add') {
      const id = `new-${++this.adds}`;
      this.addZone(id, lngLat.lat, lngLat.lng, 2, null);
      this.select(id);
    } else if (this.mode === 'area') {
      this.draft.push([lngLat.lng, lngLat.lat]);
      this.redrawAreas();
      this.render();
    } else {
      this.select(null);
    }
    return true;
  }

  private start(): void {
    const run = this.handlers.run();
    if (!run) return;
    this.editing = true;
    this.mode = 'move';
    this.handlers.onEditing(true);
    for (const f of this.handlers.zones().features) {
      const p = f.properties;
      const lat = Number(p.center_lat);
      const lng = Number(p.center_lng);
      this.addZone(String(p.zone_id), lat, lng, Number(p.capacity), { lat, lng, capacity: Number(p.capacity) });
    }
    document.body.dataset.planEditor = 'on';
    this.render();
  }

  private stop(): void {
    for (const z of this.zones.values()) z.marker.remove();
    this.zones.clear();
    this.deleted.clear();
    this.selected = null;
    this.adds = 0;
    this.drawn = [];
    this.draft = [];
    this.editing = false;
    this.redrawAreas();
    this.handlers.onEditing(false);
    document.body.dataset.planEditor = 'off';
  }

  private addZone(id: string, lat: number, lng: number, capacity: number, from: EditZone['from']): void {
    const el = h('div', { class: `plan-marker${from ? '' : ' added'}`, 'data-zone-id': id, title: `Zone ${id}: drag to move, click to change or delete` }, String(capacity));
    const marker = new maplibregl.Marker({ element: el, draggable: true, anchor: 'center' }).setLngLat([lng, lat]).addTo(this.map);
    const zone: EditZone = { id, lat, lng, capacity, from, capacityFixed: false, marker };
    marker.on('dragend', () => {
      const at = marker.getLngLat();
      zone.lat = at.lat;
      zone.lng = at.lng;
      this.select(id);
    });
    el.addEventListener('click', (e) => {
      e.stopPropagation();
      if (this.mode === 'move') this.select(id);
    });
    this.zones.set(id, zone);
  }

  private select(id: string | null): void {
    this.selected = id;
    for (const z of this.zones.values()) z.marker.getElement().classList.toggle('selected', z.id === id);
    this.render();
  }

  /** The edits that turn the run into the plan, from what was changed on the map. */
  edits(): PlanEdit[] {
    const out: PlanEdit[] = [];
    for (const id of this.deleted) out.push({ op: 'delete', zone_id: id });
    for (const z of this.zones.values()) {
      if (!z.from) continue;
      if (z.lat !== z.from.lat || z.lng !== z.from.lng) out.push({ op: 'move', zone_id: z.id, lat: round7(z.lat), lng: round7(z.lng) });
      if (z.capacityFixed) out.push({ op: 'capacity', zone_id: z.id, capacity: z.capacity });
    }
    for (const z of this.zones.values()) if (!z.from) out.push({ op: 'add', lat: round7(z.lat), lng: round7(z.lng), capacity: z.capacityFixed ? z.capacity : null });
    return out;
  }

  private finishArea(): void {
    if (this.draft.length < 3) return;
    this.drawn.push({ type: 'Feature', properties: { drawn: true }, geometry: { type: 'Polygon', coordinates: [[...this.draft, this.draft[0]!]] } });
    this.draft = [];
    this.redrawAreas();
    this.render();
  }

  private async save(name: string, note: string): Promise<void> {
    const run = this.handlers.run();
    if (!run) return;
    const status = this.root.querySelector('#plan-status');
    if (status) status.textContent = 'Saving the plan and recomputing its figures…';
    try {
      const plan = await createPlan(run.runId, {
        name,
        ...(note ? { note } : {}),
        edits: this.edits(),
        ...(this.drawn.length ? { exclusions: { type: 'FeatureCollection' as const, features: this.drawn } } : {}),
      });
      this.stop();
      this.handlers.onSaved(plan);
    } catch (err) {
      if (status) status.textContent = '';
      this.handlers.onError('Saving the plan', err);
    }
  }

  private render(): void {
    const config = this.handlers.config();
    const run = this.handlers.run();
    if (!canPlan(config) || !run || run.status !== 'done') {
      replaceChildren(this.root, h('p', { class: 'muted' }, 'Select a finished run to make a plan of it.'));
      return;
    }
    if (!this.editing) {
      replaceChildren(this.root, ...this.runControls(run, config!));
      return;
    }
    const modeButton = (m: Mode, label: string) => {
      const b = h('button', { type: 'button', id: `plan-mode-${m}`, class: `mode-button${this.mode === m ? ' selected' : ''}`, 'aria-pressed': this.mode === m ? 'true' : 'false' }, label);
      b.addEventListener('click', () => {
        this.mode = m;
        this.render();
      });
      return b;
    };
    const z = this.selected ? this.zones.get(this.selected) : undefined;
    let zoneBox: HTMLElement | null = null;
    if (z) {
      const cap = h('input', { id: 'plan-capacity', type: 'number', min: 0, step: 1, value: z.capacity, 'aria-label': 'Capacity, slots' });
      cap.addEventListener('change', () => {
        const v = Number(cap.value);
        if (!Number.isInteger(v) || v < 0) return;
        z.capacity = v;
        z.capacityFixed = true;
        z.marker.getElement().textContent = String(v);
      });
      const del = h('button', { type: 'button', id: 'plan-delete', class: 'danger' }, 'Delete zone');
      del.addEventListener('click', () => {
        z.marker.remove();
        this.zones.delete(z.id);
        if (z.from) this.deleted.add(z.id);
        this.select(null);
      });
      zoneBox = h('div', { class: 'plan-zone', 'data-zone-id': z.id }, h('b', {}, z.from ? `Zone ${z.id}` : 'New zone'), h('label', {}, 'Capacity ', cap, ' slots'), del);
    }
    const finish = h('button', { type: 'button', id: 'plan-area-finish', disabled: this.draft.length < 3 }, `Finish area (${this.draft.length} points)`);
    finish.addEventListener('click', () => this.finishArea());
    const name = h('input', { id: 'plan-name', type: 'text', value: `Plan of ${run.name || `run ${run.runId}`}`, maxlength: 200, 'aria-label': 'Plan name' });
    const note = h('textarea', { id: 'plan-note', rows: 2, 'aria-label': 'Note', placeholder: 'Note (optional)' });
    const save = h('button', { type: 'button', id: 'plan-save', class: 'primary' }, 'Save plan');
    save.addEventListener('click', () => void this.save(name.value.trim(), note.value.trim()));
    const cancel = h('button', { type: 'button', class: 'link-button', id: 'plan-cancel' }, 'Cancel');
    cancel.addEventListener('click', () => {
      this.stop();
      this.render();
    });
    const n = this.edits().length;
    replaceChildren(
      this.root,
      h('div', { class: 'plan-modes' }, modeButton('move', 'Move / select'), modeButton('add', 'Add zone'), modeButton('area', 'Draw area to avoid')),
      h('p', { class: 'muted small' }, this.mode === 'add' ? 'Click the map where a zone should go.' : this.mode === 'area' ? 'Click the corners of the area, then Finish area. The next recompute keeps zone centres out of it.' : 'Drag a zone to move it; click one to change its capacity or delete it.'),
      this.mode === 'area' ? finish : null,
      zoneBox,
      h('p', { id: 'plan-edit-count', class: 'small' }, `${n} edit${n === 1 ? '' : 's'}${this.drawn.length ? `, ${this.drawn.length} area${this.drawn.length === 1 ? '' : 's'} to avoid` : ''}`),
      h('label', { class: 'small' }, 'Name ', name),
      note,
      h('div', { class: 'plan-actions' }, save, cancel),
      h('p', { id: 'plan-status', class: 'muted small' }),
    );
  }

  /** Controls for the selected run outside editing: edit as a plan, name and note, mark current, recompute from it. */
  private runControls(run: RunInfo, config: ApiConfig): HTMLElement[] {
    const edit = h('button', { type: 'button', id: 'plan-edit', class: 'primary' }, 'Edit as a plan');
    edit.addEventListener('click', () => this.start());
    const name = h('input', { id: 'run-name', type: 'text', value: run.name ?? '', maxlength: 200, placeholder: `Run ${run.runId}`, 'aria-label': 'Name of the run' });
    const note = h('textarea', { id: 'run-note', rows: 2, 'aria-label': 'Note of the run', placeholder: 'Note' });
    note.value = run.note ?? '';
    const saveLabel = h('button', { type: 'button', id: 'run-label-save' }, 'Save name and note');
    saveLabel.addEventListener('click', () => {
      labelRun(run.runId, { name: name.value.trim() || null, note: note.value.trim() || null })
        .then(() => this.handlers.onRunChanged(run.runId))
        .catch((err) => this.handlers.onError('Saving the name', err));
    });
    const out: HTMLElement[] = [h('div', { class: 'plan-actions' }, edit), h('label', { class: 'small' }, 'Name ', name), note, h('div', { class: 'plan-actions' }, saveLabel)];
    if ((config.role === 'admin' || config.role === 'planner') && !run.current) {
      const current = h('button', { type: 'button', id: 'plan-current' }, 'Mark as the current plan');
      current.addEventListener('click', () => {
        markCurrent(run.runId)
          .then(() => this.handlers.onRunChanged(run.runId))
          .catch((err) => this.handlers.onError('Marking the plan current', err));
      });
      out.push(h('div', { class: 'plan-actions' }, current));
    }
    const recompute = config.role === 'admin' || config.role === 'analyst' || (config.role === 'planner' && config.plannerRecompute === true);
    if (recompute) {
      const b = h('button', { type: 'button', id: 'plan-recompute' }, this.runAreas.length ? 'Recompute, avoiding its areas' : 'Recompute from this run');
      b.addEventListener('click', () => {
        recomputeFrom(run.runId)
          .then((r) => this.handlers.onRunChanged(r.runId))
          .catch((err) => this.handlers.onError('Starting the recompute', err));
      });
      out.push(h('div', { class: 'plan-actions' }, b));
    }
    if (run.kind === 'plan' && run.stats) {
      out.push(h('p', { id: 'plan-figures', class: 'small' }, `${formatShare(run.stats.coveredShare)} of trip ends covered · ${formatInt(run.stats.totalSlots ?? 0)} slots`));
    }
    if (this.runAreas.length) out.push(h('p', { class: 'muted small', id: 'plan-areas-note' }, `${this.runAreas.length} area${this.runAreas.length === 1 ? '' : 's'} to avoid (grey on the map).`));
    return out;
  }
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}
