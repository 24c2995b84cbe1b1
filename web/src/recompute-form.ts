/**
 * The analyst's recompute form: walking radius, zone budget or coverage target, spacing, method
 * and exclusion areas; starts a run and shows its progress until the new run is ready.
 */
import type { MapFilter, RunInfo, ZoneMethod, ZoneOptions } from './api-types.ts';
import { apiFilter, getRun, startRun } from './api-client.ts';
import { h } from './dom.ts';
import { errorText, showError } from './messages.ts';
import { formatShare } from './format.ts';

const POLL_MS = 400; // how often the run's progress is asked for

/** What the form needs from the page. */
export interface RecomputeHandlers {
  currentFilter(): MapFilter; // the map's filter, used as the run's input filter
  onStarted(runId: string): void; // the run was accepted
  onDone(run: RunInfo): void; // the run finished successfully
}

/**
 * Reads a GeoJSON file of exclusion areas.
 * @throws Error naming the file when it is not GeoJSON
 */
async function readExclusions(file: File): Promise<unknown> {
  const text = await file.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file.name} is not valid JSON.`);
  }
  const type = (json as { type?: unknown })?.type;
  if (type !== 'FeatureCollection' && type !== 'Feature' && type !== 'Polygon' && type !== 'MultiPolygon') {
    throw new Error(`${file.name} is not GeoJSON polygons (type is ${String(type)}).`);
  }
  return json;
}

/**
 * Reads a GeoJSON FeatureCollection file (candidate sites or districts; the server checks each feature).
 * @throws Error naming the file when it is not a FeatureCollection
 */
async function readFeatureCollection(file: File, what: string): Promise<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not valid JSON.`);
  }
  const type = (json as { type?: unknown })?.type;
  if (type !== 'FeatureCollection') throw new Error(`${file.name} is not a GeoJSON FeatureCollection of ${what} (type is ${String(type)}).`);
  return json;
}

/** The recompute form. */
export class RecomputeForm {
  private readonly form: HTMLFormElement;
  private readonly radius: HTMLInputElement;
  private readonly k: HTMLInputElement;
  private readonly coverage: HTMLInputElement;
  private readonly spacing: HTMLInputElement;
  private readonly minDemand: HTMLInputElement;
  private readonly method: HTMLSelectElement;
  private readonly exclusions: HTMLInputElement;
  private readonly candidates: HTMLInputElement;
  private readonly districts: HTMLInputElement;
  private readonly useFilter: HTMLInputElement;
  private readonly targetK: HTMLInputElement;
  private readonly targetCoverage: HTMLInputElement;
  private readonly submit: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly progressBox: HTMLElement;
  private readonly error: HTMLElement;
  private readonly handlers: RecomputeHandlers;
  private busy = false;

  constructor(root: HTMLElement, handlers: RecomputeHandlers) {
    this.handlers = handlers;
    this.radius = h('input', { type: 'number', id: 'rc-radius', name: 'walkRadiusM', min: 10, max: 2000, step: 10, value: 100, required: true });
    this.targetK = h('input', { type: 'radio', name: 'target', value: 'k', checked: true });
    this.targetCoverage = h('input', { type: 'radio', name: 'target', value: 'coverage' });
    this.k = h('input', { type: 'number', id: 'rc-k', name: 'k', min: 1, max: 5000, step: 1, value: 40 });
    this.coverage = h('input', { type: 'number', id: 'rc-coverage', name: 'coverage', min: 1, max: 100, step: 1, value: 80, disabled: true });
    this.spacing = h('input', { type: 'number', id: 'rc-spacing', name: 'minSpacingM', min: 0, max: 5000, step: 10, placeholder: 'none' });
    this.minDemand = h('input', { type: 'number', id: 'rc-min-demand', name: 'minTrips', min: 0, step: 1, placeholder: 'none' });
    this.method = h(
      'select',
      { id: 'rc-method', name: 'method' },
      h('option', { value: 'mclp' }, 'Best coverage (maximal covering)'),
      h('option', { value: 'dbscan' }, 'Demand clusters (DBSCAN)'),
    );
    this.exclusions = h('input', { type: 'file', id: 'rc-exclusions', name: 'exclude', accept: '.geojson,.json,application/geo+json,application/json' });
    const geojson = '.geojson,.json,application/geo+json,application/json';
    this.candidates = h('input', { type: 'file', id: 'rc-candidates', name: 'candidates', accept: geojson });
    this.districts = h('input', { type: 'file', id: 'rc-districts', name: 'districts', accept: geojson });
    this.useFilter = h('input', { type: 'checkbox', id: 'rc-use-filter', checked: true });
    this.submit = h('button', { type: 'submit', class: 'primary', id: 'rc-submit' }, 'Recompute zones');
    this.progress = h('progress', { id: 'rc-progress', max: 1, value: 0 });
    this.progressText = h('span', { class: 'progress-text' });
    this.progressBox = h('div', { class: 'progress-box', hidden: true, 'data-testid': 'recompute-progress' }, this.progress, this.progressText);
    this.error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const syncTarget = () => {
      this.k.disabled = !this.targetK.checked;
      this.coverage.disabled = !this.targetCoverage.checked;
    };
    this.targetK.addEventListener('change', syncTarget);
    this.targetCoverage.addEventListener('change', syncTarget);
    this.form = h(
      'form',
      { class: 'recompute-form', id: 'recompute-form', novalidate: false },
      h('label', { class: 'field', for: 'rc-radius' }, 'Walking radius ', h('span', { class: 'hint' }, 'metres a rider walks from a zone'), this.radius),
      h(
        'fieldset',
        { class: 'field target' },
        h('legend', {}, 'Goal'),
        h('label', { class: 'check' }, this.targetK, ' Place ', this.k, ' zones'),
        h('label', { class: 'check' }, this.targetCoverage, ' Cover ', this.coverage, ' % of trip ends'),
      ),
      h('div', { class: 'field-row' }, h('label', { for: 'rc-spacing' }, 'Min. spacing (m)', this.spacing), h('label', { for: 'rc-min-demand' }, 'Min. trips per zone', this.minDemand)),
      h('label', { class: 'field', for: 'rc-method' }, 'Method', this.method),
      h('label', { class: 'field', for: 'rc-exclusions' }, 'Areas to avoid ', h('span', { class: 'hint' }, 'GeoJSON polygons: parks, pedestrian streets (optional)'), this.exclusions),
      h('label', { class: 'field', for: 'rc-candidates' }, 'Candidate sites ', h('span', { class: 'hint' }, 'GeoJSON points or street lines: zones only there (best coverage method; optional)'), this.candidates),
      h('label', { class: 'field', for: 'rc-districts' }, 'Districts ', h('span', { class: 'hint' }, 'GeoJSON polygons with min_zones / min_share (best coverage method; optional)'), this.districts),
      h('label', { class: 'check field' }, this.useFilter, ' Use the demand filters above (period, hours, days, providers)'),
      this.submit,
      this.progressBox,
      this.error,
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.run();
    });
    root.append(this.form);
  }

  /** Fills the form from an existing run's parameters, so a change starts from it. */
  prefill(run: RunInfo | null): void {
    if (this.busy || !run?.params) return;
    const p = run.params;
    const radius = p.walkRadiusM ?? p.radiusM;
    if (radius !== undefined && radius !== null) this.radius.value = String(radius);
    if (p.k !== undefined && p.k !== null) {
      this.k.value = String(p.k);
      this.targetK.checked = true;
    } else if (p.coverage !== undefined && p.coverage !== null) {
      this.coverage.value = String(Math.round(Number(p.coverage) * 100));
      this.targetCoverage.checked = true;
    }
    this.k.disabled = !this.targetK.checked;
    this.coverage.disabled = !this.targetCoverage.checked;
    this.spacing.value = p.minSpacingM !== undefined && p.minSpacingM !== null ? String(p.minSpacingM) : '';
    const minTrips = p.minTrips ?? p.minDemand;
    this.minDemand.value = minTrips !== undefined && minTrips !== null && Number(minTrips) > 1 ? String(minTrips) : '';
    if (Number(p.minSpacingM) === 0) this.spacing.value = '';
    if (p.method === 'mclp' || p.method === 'dbscan') this.method.value = p.method;
  }

  private async options(): Promise<ZoneOptions> {
    const num = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Number(input.value));
    const options: ZoneOptions = { method: this.method.value as ZoneMethod };
    const radius = num(this.radius);
    if (radius === undefined || !(radius > 0)) throw new Error('Enter a walking radius in metres.');
    options.walkRadiusM = radius;
    if (this.targetK.checked) {
      const k = num(this.k);
      if (k === undefined || !(k >= 1)) throw new Error('Enter how many zones to place (1 or more).');
      options.k = Math.round(k);
      options.coverage = null;
    } else {
      const coverage = num(this.coverage);
      if (coverage === undefined || !(coverage > 0 && coverage <= 100)) throw new Error('Enter a coverage target between 1 and 100 %.');
      options.coverage = coverage / 100;
      options.k = null;
    }
    const spacing = num(this.spacing);
    if (spacing !== undefined) options.minSpacingM = spacing;
    const minTrips = num(this.minDemand);
    if (minTrips !== undefined) options.minTrips = minTrips;
    const file = this.exclusions.files?.[0];
    if (file) options.exclude = await readExclusions(file);
    const sites = this.candidates.files?.[0];
    if (sites) options.candidates = await readFeatureCollection(sites, 'candidate sites');
    const districts = this.districts.files?.[0];
    if (districts) options.districts = await readFeatureCollection(districts, 'districts');
    if (this.useFilter.checked) {
      const current = this.handlers.currentFilter();
      if (current.res !== undefined) options.res = current.res;
      const filter = apiFilter(current);
      if (Object.keys(filter).length > 0) options.filter = filter;
    }
    return options;
  }

  private setProgress(share: number, text: string): void {
    this.progressBox.hidden = false;
    this.progress.value = Math.max(0, Math.min(1, share));
    this.progressText.textContent = text;
  }

  private async run(): Promise<void> {
    if (this.busy) return;
    this.error.hidden = true;
    let options: ZoneOptions;
    try {
      options = await this.options();
    } catch (err) {
      this.error.textContent = errorText(err);
      this.error.hidden = false;
      return;
    }
    this.busy = true;
    this.submit.disabled = true;
    this.submit.textContent = 'Computing…';
    this.setProgress(0, 'Sending…');
    try {
      const { runId } = await startRun(options);
      this.handlers.onStarted(runId);
      const run = await this.poll(runId);
      this.setProgress(1, `Done: ${run.stats?.zones ?? '?'} zones covering ${formatShare(run.stats?.coveredShare)} of trip ends (run ${run.runId}).`);
      this.handlers.onDone(run);
    } catch (err) {
      this.progressBox.hidden = true;
      this.error.textContent = `Recompute failed: ${errorText(err)}`;
      this.error.hidden = false;
      showError('Recomputing zones', err);
    } finally {
      this.busy = false;
      this.submit.disabled = false;
      this.submit.textContent = 'Recompute zones';
    }
  }

  private async poll(runId: string): Promise<RunInfo> {
    for (;;) {
      const run = await getRun(runId);
      const share = typeof run.progress === 'number' ? run.progress : 0;
      if (run.status === 'done') return run;
      if (run.status === 'failed') throw new Error(run.error ?? 'the run failed without a message');
      if (run.status === 'queued') this.setProgress(0, `Waiting for another run to finish${run.queuePosition ? ` (position ${run.queuePosition} in the queue)` : ''}…`);
      else this.setProgress(share, `${run.stage ?? 'Computing'} – ${Math.round(share * 100)} %`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
