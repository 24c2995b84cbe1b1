/**
 * The planner's page: wires the map layers, the side panel and the API together.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import type * as maplibregl from 'maplibre-gl';
import type { ApiConfig, RunInfo } from './api-types.ts';
import { ApiError, getConfig, getProviders, getRun, listRuns } from './api-client.ts';
import { canRecompute, canUpload, getState, setState, watch } from './app-state.ts';
import { $, h, replaceChildren } from './dom.ts';
import { createMap, setDataBounds, useBasemap } from './map-view.ts';
import { DEMAND_FILL_LAYER, DemandLayer } from './demand-layer.ts';
import { bboxLngLat } from './geo.ts';
import { ZONES_CIRCLE_LAYER, ZONES_FILL_LAYER, ZonesLayer } from './zones-layer.ts';
import { COMPARE_CIRCLE_LAYER, COMPARE_FILL_LAYER, CompareLayer, compareSummaryView } from './compare-view.ts';
import { DetailsCard } from './panel-details.ts';
import { FiltersPanel } from './panel-filters.ts';
import { RunsPanel } from './panel-runs.ts';
import { RecomputeForm } from './recompute-form.ts';
import { UploadForm } from './upload-form.ts';
import { PlanEditor, canPlan } from './plan-editor.ts';
import { formatShare } from './format.ts';
import { renderLegend } from './legend.ts';
import { roleText, signIn } from './panel-signin.ts';
import { clearError, initMessages, showError, showNotice } from './messages.ts';
import { getApiKey, setApiKey } from './session.ts';
import { formatInt } from './format.ts';
import { filterText } from './filter-text.ts';
import { periodDays, type ScaleClass } from './color-scale.ts';
import type { CompareStatus } from './compare-colors.ts';
import { PublishPanel } from './publish-panel.ts';
import { OccupancyLayer } from './occupancy-layer.ts';
import { ZoneTable } from './zone-table.ts';
import { perfMark } from './perf-marks.ts';

const RUNS_POLL_MS = 3000; // refresh the run list this often while a run is computing
const RUNS_IDLE_POLL_MS = 5000; // and this often otherwise (runs others start or finish), while the page is visible

initMessages($('#messages'));
const map = createMap($('#map'));
const demand = new DemandLayer(map);
const zones = new ZonesLayer(map);
const compare = new CompareLayer(map);
demand.onClassesChange = (classes) => {
  demandClasses = classes;
  clearError('Loading the hexes in view');
  drawLegend();
};
demand.onViewError = (err) => showError('Loading the hexes in view', err);
const details = new DetailsCard($('#details'));
details.onClose = () => {
  zones.select(null);
  zoneTable?.select(null);
  demand.select(null);
};
const filters = new FiltersPanel($('#filters-body'), (filter) => setState({ filter }));
const runsPanel = new RunsPanel($('#runs-body'), {
  onSelect: (runId) => setState({ selectedRunId: runId, compareRunId: null }),
  onCompare: (runId) => setState({ compareRunId: runId }),
});
const zoneTable = new ZoneTable($('#zones-body'), {
  onPick: (zone) => {
    // Fly to the zone (street zoom at least) and show its card, as a click on its circle would.
    map.flyTo({ center: [Number(zone.center_lng), Number(zone.center_lat)], zoom: Math.max(map.getZoom(), 15), essential: false });
    zones.select(String(zone.zone_id));
    details.showZone(zone, selectedRun());
  },
});
const occupancy = new OccupancyLayer(map);
const publishPanel = new PublishPanel($('#panel'), { onOccupancy: (z) => occupancy.show(z), onError: showError });
let recomputeForm: RecomputeForm | null = null;
const planEditor = new PlanEditor(map, $('#plan-body'), {
  config: () => getState().config,
  run: () => selectedRun(),
  zones: () => zones.zones,
  onEditing: (on) => zones.setVisible(!on && !getState().compareRunId),
  onSaved: (plan) => {
    showNotice(`Plan “${plan.name ?? plan.runId}” saved: ${formatShare(plan.stats?.coveredShare ?? 0)} of trip ends covered, ${formatInt(plan.stats?.totalSlots ?? 0)} slots.`);
    void refreshRuns(plan.runId);
  },
  onRunChanged: (runId) => void refreshRuns(runId),
  onError: (what, err) => showError(what, err),
});
let uploadForm: UploadForm | null = null;
let demandClasses: ScaleClass[] = [];
let hasSuppressed = false;
let demandTrips = 0; // trip ends matching the filter (shown to this role)
let demandTiles = false;
let fittedOnce = false;
let runsTimer: ReturnType<typeof setTimeout> | null = null;

function setBusy(key: 'demand' | 'zones', state: 'loading' | 'ready' | 'error'): void {
  document.body.dataset[key] = state;
  const loading = ['demand', 'zones'].filter((k) => document.body.dataset[k] === 'loading');
  const status = $('#map-status');
  status.hidden = loading.length === 0;
  status.textContent = loading.includes('demand') ? 'Loading demand…' : 'Loading zones…';
}

function selectedRun(): RunInfo | null {
  const { runs, selectedRunId } = getState();
  return runs.find((r) => r.runId === selectedRunId) ?? null;
}

function drawLegend(): void {
  const { config, compareRunId, selectedRunId, filter } = getState();
  renderLegend($('#legend'), {
    classes: demandClasses,
    unit: demand.scale.unit,
    days: demand.scale.days,
    classRes: demand.legendRes,
    kAnonymity: config?.kAnonymity ?? null,
    hasSuppressed,
    hiddenNote: config && config.role !== 'admin' ? `Hexes with fewer than ${config.kAnonymity} trip ends are not shown, to protect riders' privacy.` : null,
    tiles: demandTiles,
    zones: compareRunId ? 'compare' : selectedRunId ? 'run' : 'none',
    periodText: filterText(filter, new Map(getState().providers.flatMap((p) => (p.name ? [[p.providerId, p.name] as [string, string]] : [])))),
  });
}

async function loadDemand(): Promise<void> {
  const { filter, config } = getState();
  if (!config) return;
  setBusy('demand', 'loading');
  details.close();
  // A date range colours by trip ends per day, so two periods compare by eye; all dates by trip ends.
  const dated = Boolean(filter.from || filter.to);
  demand.scale = { unit: dated ? 'perDay' : 'trips', days: periodDays(dated ? filter : {}, config.dataRange ?? null, config.role !== 'admin') };
  try {
    const summary = await demand.load(filter);
    demandClasses = summary.classes;
    demandTrips = summary.trips ?? 0;
    hasSuppressed = demand.hasFlaggedCells();
    demandTiles = summary.mode === 'tiles';
    if (summary.fellBackToTiles) showNotice('There are too many hexes at this size to draw at once; showing map tiles that get finer as you zoom in.');
    const hidden = config.role === 'admin' ? null : summary.suppressed ? `${formatInt(summary.suppressed)} hexes with fewer than ${config.kAnonymity} trip ends hidden for privacy` : null;
    replaceChildren(
      $('#demand-summary'),
      summary.trips === 0 || summary.cells === 0
        ? h('span', { class: 'warning' }, 'No trips match these filters.')
        : [
            summary.trips !== null ? h('b', {}, formatInt(summary.trips)) : null,
            summary.trips !== null ? ' trip ends' : 'Trip ends',
            summary.cells !== null ? ` in ${formatInt(summary.cells)} hexes` : summary.inView ? ' (the hexes in view are loaded as you pan)' : ' (hexes get finer as you zoom in)',
            hidden ? h('span', { class: 'hint' }, ` · ${hidden}`) : null,
          ],
    );
    if (summary.bboxLngLat) {
      setDataBounds(map, summary.bboxLngLat);
      if (!fittedOnce) {
        fittedOnce = true;
        const [w, s, e, n] = summary.bboxLngLat;
        // Room on the left for the legend, which sits over the map's lower-left corner.
        map.fitBounds([[w, s], [e, n]], { padding: { top: 40, bottom: 40, left: 120, right: 60 }, duration: 0, maxZoom: 15 });
      }
    }
    drawLegend();
    clearError('Loading demand');
    clearError('Loading the hexes in view');
    perfMark('demand-ready');
    setBusy('demand', 'ready');
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    setBusy('demand', 'error');
    replaceChildren($('#demand-summary'), h('span', { class: 'form-error' }, 'Demand could not be loaded (see the message above the map).'));
    showError('Loading demand', err);
  }
}

/** The run list may carry only a summary; the selected run's own record adds its coverage curve. */
async function loadRunDetail(runId: string): Promise<void> {
  const listed = getState().runs.find((r) => r.runId === runId);
  if (!listed || listed.status !== 'done' || (listed.stats?.coverageCurve?.length ?? 0) > 0) return;
  try {
    const full = await getRun(runId);
    setState({ runs: getState().runs.map((r) => (r.runId === runId ? { ...r, ...full } : r)) });
  } catch (err) {
    showError(`Loading run ${runId}`, err);
  }
}

async function loadZones(): Promise<void> {
  const { selectedRunId } = getState();
  if (selectedRunId) void loadRunDetail(selectedRunId);
  details.close();
  setBusy('zones', 'loading');
  try {
    const loaded = await zones.load(selectedRunId);
    if (loaded === null) return;
    perfMark('zones-set');
    clearError(`Loading the zones of run ${selectedRunId}`);
    zoneTable.setZones(zones.zones.features.map((f) => f.properties), selectedRun()?.stats?.medianWalkM ?? null);
    document.body.dataset.zonesRun = selectedRunId ?? '';
    recomputeForm?.prefill(selectedRun());
    planEditor.showRun();
    drawLegend();
    setBusy('zones', 'ready');
  } catch (err) {
    setBusy('zones', 'error');
    showError(`Loading the zones of run ${selectedRunId}`, err);
  }
}

async function loadCompare(): Promise<void> {
  const { compareRunId, selectedRunId, runs } = getState();
  details.close();
  const a = runs.find((r) => r.runId === compareRunId);
  const b = runs.find((r) => r.runId === selectedRunId);
  if (!a || !b) {
    compare.clear();
    zones.setVisible(true);
    runsPanel.setCompareSummary(null);
    drawLegend();
    return;
  }
  // Older run first: "added" then means new in the later run.
  const [before, after] = runs.indexOf(a) > runs.indexOf(b) ? [a, b] : [b, a];
  try {
    const summary = await compare.load(before, after);
    if (!summary) return;
    zones.setVisible(false);
    runsPanel.setCompareSummary(compareSummaryView(summary, before, after));
    document.body.dataset.compare = 'ready';
  } catch (err) {
    showError(`Comparing runs ${before.runId} and ${after.runId}`, err);
    setState({ compareRunId: null });
  }
  drawLegend();
}

/**
 * Reloads the run list; selects `selectId`, else keeps the selection, else picks the newest finished run.
 * @param fetching - the list, when its request was already started (at sign-in)
 */
async function refreshRuns(selectId?: string, fetching: Promise<RunInfo[]> = listRuns()): Promise<void> {
  if (runsTimer) clearTimeout(runsTimer);
  try {
    const fetched = await fetching;
    perfMark('runs-listed');
    clearError('Loading the list of runs');
    const { selectedRunId, runs: before } = getState();
    // Unchanged runs keep their records (and any detail loaded since), so a poll that finds nothing new redraws nothing.
    const old = new Map(before.map((r) => [r.runId, r]));
    const runs = fetched.map((r) => {
      const o = old.get(r.runId);
      return o && runListKey(o) === runListKey(r) ? o : r;
    });
    const same = runs.length === before.length && runs.every((r, i) => r === before[i]);
    const keep = runs.some((r) => r.runId === selectedRunId && r.status === 'done') ? selectedRunId : null;
    // The page opens on the run the city marked current, else the newest finished one.
    const pick = selectId ?? keep ?? runs.find((r) => r.current && r.status === 'done')?.runId ?? runs.find((r) => r.status === 'done')?.runId ?? null;
    setState(same ? { selectedRunId: pick } : { runs, selectedRunId: pick });
  } catch (err) {
    showError('Loading the list of runs', err);
  }
  scheduleRunsPoll();
}

/** What the run list shows of a run (a change means redraw). */
function runListKey(r: RunInfo): string {
  return JSON.stringify([r.status, r.progress, r.current, r.name, r.note, r.stats?.zones, r.stats?.coveredShare, r.queuePosition]);
}

/** Polls the run list while the page is visible: quicker while a run computes. A hidden page polls again when shown. */
function scheduleRunsPoll(): void {
  if (runsTimer) clearTimeout(runsTimer);
  runsTimer = null;
  if (document.visibilityState !== 'visible') return;
  const busy = getState().runs.some((r) => r.status === 'queued' || r.status === 'running');
  runsTimer = setTimeout(() => void refreshRuns(), busy ? RUNS_POLL_MS : RUNS_IDLE_POLL_MS);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && getState().config && getState().config?.role !== 'operator') void refreshRuns();
  else if (runsTimer) {
    clearTimeout(runsTimer);
    runsTimer = null;
  }
});

function interactiveLayers(): { zones: string[]; cells: string[]; footprints: string[] } {
  const visible = (id: string) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none';
  return {
    zones: [COMPARE_CIRCLE_LAYER, ZONES_CIRCLE_LAYER].filter(visible),
    cells: [DEMAND_FILL_LAYER].filter(visible),
    footprints: [COMPARE_FILL_LAYER, ZONES_FILL_LAYER].filter(visible),
  };
}

function hitAt(point: maplibregl.Point): maplibregl.MapGeoJSONFeature | null {
  const layers = interactiveLayers();
  const box: [maplibregl.PointLike, maplibregl.PointLike] = [
    [point.x - 4, point.y - 4],
    [point.x + 4, point.y + 4],
  ];
  for (const [ids, where] of [
    [layers.zones, box],
    [layers.cells, point],
    [layers.footprints, point],
  ] as const) {
    if (ids.length === 0) continue;
    const hit = map.queryRenderedFeatures(where as maplibregl.PointLike, { layers: [...ids] })[0];
    if (hit) return hit;
  }
  return null;
}

map.on('click', (e) => {
  if (planEditor.handleClick(e.lngLat)) return;
  const hit = hitAt(e.point);
  zones.select(null);
  demand.select(null);
  if (!hit) {
    details.close();
    return;
  }
  const props = hit.properties as Record<string, unknown>;
  if (hit.layer.id === COMPARE_CIRCLE_LAYER || hit.layer.id === COMPARE_FILL_LAYER) {
    const zone = compare.zone(String(props.compare_key));
    if (zone) {
      // The selected run's own zone record has the hourly profile and share; the comparison adds what changed.
      const own = String(zone.source_run) === getState().selectedRunId ? zones.zone(String(zone.zone_id)) : undefined;
      const run = getState().runs.find((r) => r.runId === String(zone.source_run)) ?? selectedRun();
      details.showZone(own ? { ...own, ...zone, share: own.share, profile: own.profile } : zone, run, zone.status as CompareStatus);
    }
  } else if (hit.layer.id === DEMAND_FILL_LAYER) {
    const cell = demand.describe(hit);
    if (cell) {
      const k = getState().config?.kAnonymity ?? null;
      demand.select(cell.cell);
      if (cell.profile) details.showCell(cell, k);
      else {
        details.showCell(cell, k, 'loading');
        demand
          .details(cell, bboxLngLat({ type: 'FeatureCollection', features: [hit] }))
          .then((full) => {
            if (details.showing() === `cell:${cell.cell}`) details.showCell(full ?? cell, k, full ? 'ready' : 'unavailable');
          })
          .catch((err) => {
            if (details.showing() === `cell:${cell.cell}`) details.showCell(cell, k, 'unavailable');
            showError('Loading the hourly profile of the hex', err);
          });
      }
    }
  } else {
    const zone = zones.zone(String(props.zone_id));
    if (zone) {
      zones.select(String(zone.zone_id));
      zoneTable.select(String(zone.zone_id));
      details.showZone(zone, selectedRun());
    }
  }
});
/**
 * Where the map would look empty to a non-admin although trips match, says why: the hexes in view are below k.
 */
function updateEmptyNote(): void {
  const { config } = getState();
  const note = $('#map-empty');
  const show =
    !!config && config.role !== 'admin' && document.body.dataset.demand === 'ready' && demandTrips > 0 && !!map.getLayer(DEMAND_FILL_LAYER) &&
    map.getLayoutProperty(DEMAND_FILL_LAYER, 'visibility') !== 'none' && map.queryRenderedFeatures({ layers: [DEMAND_FILL_LAYER] }).length === 0;
  if (show) note.textContent = `No hexes to show here: cells with fewer than ${config.kAnonymity} trip ends are hidden to protect riders' privacy. Zoom out or choose larger hexes.`;
  note.hidden = !show;
}
map.on('idle', updateEmptyNote);

map.on('mousemove', (e) => {
  map.getCanvas().style.cursor = hitAt(e.point) ? 'pointer' : '';
});

watch(['filter'], () => void loadDemand());
watch(['selectedRunId'], () => void loadZones());
watch(['selectedRunId'], (st) => {
  if (st.config && st.config.role !== 'operator') void publishPanel.show(st.selectedRunId);
});
watch(['selectedRunId', 'compareRunId'], () => void loadCompare());
watch(['runs', 'selectedRunId', 'compareRunId'], (s) => runsPanel.render(s.runs, s.selectedRunId, s.compareRunId));
watch(['runs'], () => {
  if (!planEditor.active) planEditor.showRun();
});

function renderAccount(config: ApiConfig): void {
  const signOut = h('button', { type: 'button', class: 'link-button', id: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    setApiKey(null);
    location.reload();
  });
  replaceChildren($('#account'), h('span', { class: `role-badge role-${config.role}`, 'data-role': config.role ?? '' }, config.role ?? '?'), h('span', { class: 'role-text' }, roleText(config)), signOut);
}

async function signedIn(config: ApiConfig): Promise<void> {
  perfMark('signed-in');
  setState({ config });
  details.kAnonymity = config.role === 'admin' ? null : config.kAnonymity;
  document.body.dataset.role = config.role ?? '';
  useBasemap(map, config.basemapStyleUrl);
  renderAccount(config);
  const readsRuns = config.role !== 'operator';
  // The run list and the zones of the run the page will open on are asked for at once, beside the providers.
  if (readsRuns && config.openingRunId !== null && config.openingRunId !== undefined) zones.prefetch(String(config.openingRunId));
  const runsFetch = readsRuns ? listRuns() : null;
  runsFetch?.catch(() => {}); // its error is shown by refreshRuns
  let providers = getState().providers;
  try {
    providers = await getProviders();
  } catch (err) {
    // 403: the role may not list providers. Not the person's problem: the filter then offers no provider choice.
    if (err instanceof ApiError && err.status === 403) console.warn('No provider list:', err.message);
    else showError('Loading the list of providers', err);
  }
  perfMark('providers');
  setState({ providers });
  filters.setProviders(config, providers);
  filters.setTimeZone(config.tz ?? 'UTC');
  filters.setDataRange(config.dataRange);

  $('#plan-section').hidden = !canPlan(config);
  const runsSection = $('#runs-section');
  runsSection.hidden = !readsRuns;
  $('#zones-section').hidden = !readsRuns;
  if (canRecompute(config)) {
    $('#recompute-section').hidden = false;
    recomputeForm = new RecomputeForm($('#recompute-body'), {
      currentFilter: () => getState().filter,
      onStarted: () => void refreshRuns(),
      onDone: (run) => {
        showNotice(`Run ${run.runId} is ready: ${run.stats?.zones ?? '?'} zones.`);
        void refreshRuns(run.runId);
      },
    });
  }
  if (canUpload(config)) {
    $('#upload-section').hidden = false;
    uploadForm = new UploadForm($('#upload-body'), {
      onStored: (result) => {
        showNotice(`${formatInt(result.rowsStored)} trips stored; the map is updated.`);
        setState({ filter: { ...getState().filter } });
      },
    });
    uploadForm.setContext(config, providers);
    void uploadForm.refreshHistory();
  }
  publishPanel.setConfig(config);
  setState({ filter: filters.value() });
  if (!readsRuns) void publishPanel.show(null); // operators: the plan in force
  if (runsFetch) await refreshRuns(undefined, runsFetch);
  drawLegend();
}

async function start(): Promise<void> {
  let config: ApiConfig | null = null;
  let reason: string | undefined;
  if (getApiKey()) {
    try {
      config = await getConfig();
      if (!config?.role) config = null;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        setApiKey(null);
        reason = err.message;
      } else {
        showError('Connecting to the parkzones server', err);
      }
    }
  }
  // The street basemap is public: load it while the person signs in (the same style afterwards is a no-op).
  if (!config) void getConfig().then((c) => useBasemap(map, c.basemapStyleUrl), () => {});
  config ??= await signIn($('#signin'), reason);
  await signedIn(config);
}

void start();
