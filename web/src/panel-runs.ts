/**
 * The "Zone proposals" panel: the list of runs with parameters and results, and for the selected
 * run its coverage curve, export buttons and the comparison with another run.
 */
import type { RunInfo } from './api-types.ts';
import { h, replaceChildren } from './dom.ts';
import { coverageChart } from './chart-coverage.ts';
import { renderExportButtons } from './export-buttons.ts';
import { runLineageText, runParamsText, runResultText, runTitle } from './run-text.ts';

/** What the panel reports back. */
export interface RunsPanelHandlers {
  onSelect(runId: string): void; // a run was picked
  onCompare(runId: string | null): void; // a second run was picked for comparison, or comparison ended
}

/** The runs panel. */
export class RunsPanel {
  private readonly list: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly compareSlot: HTMLElement;
  private readonly handlers: RunsPanelHandlers;
  private renderedDetailFor: string | null = null;

  constructor(root: HTMLElement, handlers: RunsPanelHandlers) {
    this.handlers = handlers;
    this.list = h('ul', { class: 'run-list', 'data-testid': 'run-list' });
    this.detail = h('div', { class: 'run-detail' });
    this.compareSlot = h('div', { class: 'compare-slot' });
    root.append(this.list, this.detail);
  }

  /** Shows a sentence instead of the list (e.g. when the role cannot see runs). */
  showNote(text: string): void {
    replaceChildren(this.list, h('li', { class: 'muted' }, text));
    this.detail.replaceChildren();
    this.renderedDetailFor = null;
  }

  /** Redraws the list and, when the selection or its data changed, the detail. */
  render(runs: readonly RunInfo[], selectedRunId: string | null, compareRunId: string | null): void {
    if (runs.length === 0) {
      this.showNote('No zone proposals yet.');
      return;
    }
    replaceChildren(
      this.list,
      runs.map((run) => {
        const selected = run.runId === selectedRunId;
        const item = h(
          'button',
          {
            type: 'button',
            class: `run-item status-${run.status}${selected ? ' selected' : ''}${run.runId === compareRunId ? ' comparing' : ''}`,
            'data-run-id': run.runId,
            'aria-pressed': selected ? 'true' : 'false',
            disabled: run.status !== 'done',
          },
          h('span', { class: 'run-title' }, runTitle(run), run.current ? h('span', { class: 'current-badge' }, ' current') : null),
          runLineageText(run) ? h('span', { class: 'run-lineage' }, runLineageText(run)) : null,
          h('span', { class: 'run-result' }, runResultText(run)),
          h('span', { class: 'run-params' }, runParamsText(run)),
          run.status === 'running' || run.status === 'queued' ? h('progress', { max: 1, value: run.progress ?? 0 }) : null,
        );
        item.addEventListener('click', () => this.handlers.onSelect(run.runId));
        return h('li', {}, item);
      }),
    );
    const selected = runs.find((r) => r.runId === selectedRunId) ?? null;
    const key = selected ? `${selected.runId}|${selected.status}|${compareRunId}|${runs.length}|${selected.stats?.coverageCurve?.length ?? 0}` : null;
    if (key !== this.renderedDetailFor) {
      this.renderedDetailFor = key;
      this.renderDetail(selected, runs, compareRunId);
    }
  }

  private renderDetail(run: RunInfo | null, runs: readonly RunInfo[], compareRunId: string | null): void {
    if (!run || run.status !== 'done') {
      this.detail.replaceChildren();
      return;
    }
    const curve = run.stats?.coverageCurve ?? [];
    const chosen = run.stats ? { zones: run.stats.zones, share: run.stats.coveredShare } : null;
    const exports = h('div', { class: 'export-buttons', 'data-run-id': run.runId });
    void renderExportButtons(exports, run.runId);
    const others = runs.filter((r) => r.runId !== run.runId && r.status === 'done');
    const select = h(
      'select',
      { id: 'compare-select', 'aria-label': 'Compare with run' },
      h('option', { value: '' }, others.length ? 'Compare with another run…' : 'No other run to compare with'),
      others.map((r) => h('option', { value: r.runId, selected: r.runId === compareRunId }, `${r.name || `Run ${r.runId}`}: ${r.stats?.zones ?? '?'} zones, ${runParamsText(r).split(' · ').slice(0, 3).join(', ')}`)),
    );
    select.disabled = others.length === 0;
    select.addEventListener('change', () => this.handlers.onCompare(select.value || null));
    const stop = h('button', { type: 'button', class: 'link-button', hidden: !compareRunId }, 'Stop comparing');
    stop.addEventListener('click', () => this.handlers.onCompare(null));
    replaceChildren(
      this.detail,
      run.stats?.reason ? h('p', { class: 'warning small' }, run.stats.reason) : null,
      h('h3', {}, `Coverage curve of run ${run.runId}`),
      h('p', { class: 'muted small' }, 'Share of trip ends within walking distance as zones are added, best first. The dot is this run.'),
      curve.length > 0 ? coverageChart(curve, { chosen }) : h('p', { class: 'muted' }, 'This run has no coverage curve.'),
      h('h3', {}, 'Export zones'),
      exports,
      h('h3', {}, 'Compare'),
      h('div', { class: 'compare-controls' }, select, stop),
      this.compareSlot,
    );
  }

  /** Puts the comparison summary (or nothing) under the compare controls. */
  setCompareSummary(content: HTMLElement | null): void {
    replaceChildren(this.compareSlot, content);
  }
}
