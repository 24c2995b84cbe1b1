/**
 * The plan's lifecycle on the page: its state, dates and history, the moves the signed-in role may make, and — once
 * published — the compliance chart per operator and the occupancy of its zones on the map.
 */
import type { ApiConfig } from './api-types.ts';
import { apiJson } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import { complianceChart, complianceSeries, type ComplianceRow } from './compliance-chart.ts';
import { OCCUPANCY_COLORS, type OccupancyZone } from './occupancy-layer.ts';

type State = 'draft' | 'proposed' | 'published' | 'retired';

/** GET /api/runs/:id/publication. */
export interface PublicationView {
  publication: { runId: number; state: State; effectiveDate: string | null; retireDate: string | null; prevRunId: number | null; requiredParking: boolean };
  history: { at: string; actorRole: string; from: State; to: State; note: string | null }[];
}

/** The moves a role may make from a state (as engine/publish/lifecycle.ts and the role matrix allow). */
export function allowedMoves(role: string | null, state: State): State[] {
  const proposes = role === 'admin' || role === 'analyst' || role === 'planner';
  const publishes = role === 'admin';
  if (state === 'draft') return proposes ? ['proposed'] : [];
  if (state === 'proposed') return [...(proposes ? (['draft'] as State[]) : []), ...(publishes ? (['published'] as State[]) : [])];
  if (state === 'published') return publishes ? ['retired'] : [];
  return [];
}

const MOVE_LABEL: Record<State, string> = { draft: 'Back to draft', proposed: 'Propose to operators', published: 'Publish', retired: 'Retire' };

/** Hooks of {@link PublishPanel}. */
export interface PublishPanelHooks {
  /** The published plan's zones with their occupancy, or [] to clear the map layer. */
  onOccupancy: (zones: OccupancyZone[]) => void;
  onError: (what: string, err: unknown) => void;
}

/** The side-panel section "Publication". It adds itself to the panel. */
export class PublishPanel {
  private readonly body: HTMLElement;
  private config: ApiConfig | null = null;
  private runId: string | null = null;

  constructor(panel: HTMLElement, private readonly hooks: PublishPanelHooks) {
    this.body = h('div', { id: 'publish-body' });
    panel.append(h('section', { id: 'publish-section', class: 'section', 'aria-labelledby': 'publish-title' }, h('h2', { id: 'publish-title' }, 'Publication'), this.body));
  }

  setConfig(config: ApiConfig): void {
    this.config = config;
  }

  /** Shows run `runId` (null: the latest published plan, which is what operators see). */
  async show(runId: string | null): Promise<void> {
    if (runId === null) {
      const list = await apiJson<{ publications: { runId: number; state: State }[] }>('/api/publications');
      const pub = list.publications.filter((p) => p.state === 'published').at(-1);
      runId = pub ? String(pub.runId) : null;
    }
    this.runId = runId;
    if (!runId) {
      replaceChildren(this.body, h('p', { class: 'muted small' }, 'No plan is published yet.'));
      this.hooks.onOccupancy([]);
      return;
    }
    try {
      const view = await apiJson<PublicationView>(`/api/runs/${runId}/publication`);
      if (this.runId !== runId) return;
      this.render(view);
      if (view.publication.state === 'published' || view.publication.state === 'retired') await this.loadMeasures(runId, view);
      else this.hooks.onOccupancy([]);
    } catch (err) {
      this.hooks.onError(`Loading the publication of run ${runId}`, err);
    }
  }

  private render(view: PublicationView): void {
    const p = view.publication;
    const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
    const moves = allowedMoves(this.config?.role ?? null, p.state);
    const dateInput = h('input', { type: 'date', id: 'publish-date', value: new Date().toISOString().slice(0, 10) });
    const required = h('input', { type: 'checkbox', id: 'publish-required', checked: true });
    const buttons = moves.map((to) => {
      const b = h('button', { type: 'button', class: 'secondary', 'data-move': to }, MOVE_LABEL[to]);
      b.addEventListener('click', () => void this.move(to, dateInput.value, required.checked));
      return b;
    });
    replaceChildren(
      this.body,
      h('p', { class: 'summary-line' }, `Run ${p.runId}: `, h('b', { class: `plan-state state-${p.state}`, 'data-state': p.state }, p.state),
        p.effectiveDate ? ` · in force from ${day(p.effectiveDate)}` : '', p.retireDate ? ` until ${day(p.retireDate)}` : '', p.prevRunId ? ` · replaces run ${p.prevRunId}` : ''),
      moves.length
        ? h('div', { class: 'publish-controls' },
            moves.some((m) => m === 'published' || m === 'retired') ? h('label', {}, 'Date ', dateInput) : null,
            moves.includes('published') ? h('label', {}, required, ' parking only in the zones') : null,
            buttons)
        : null,
      view.history.length
        ? h('ul', { class: 'publish-history small muted' }, view.history.map((e) => h('li', {}, `${e.at.slice(0, 16).replace('T', ' ')} · ${e.actorRole}: ${e.from} → ${e.to}${e.note ? ` (${e.note})` : ''}`)))
        : null,
      h('div', { id: 'compliance-chart' }),
      h('div', { id: 'occupancy-summary', class: 'small' }),
    );
  }

  private async move(to: State, date: string, requiredParking: boolean): Promise<void> {
    if (!this.runId) return;
    const body: Record<string, unknown> = { state: to };
    if (to === 'published') Object.assign(body, { effectiveDate: `${date}T00:00:00Z`, requiredParking });
    if (to === 'retired') body.retireDate = `${date}T00:00:00Z`;
    try {
      await apiJson(`/api/runs/${this.runId}/publication`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      await this.show(this.runId);
    } catch (err) {
      this.hooks.onError(`Moving run ${this.runId} to ${to}`, err);
    }
  }

  private async loadMeasures(runId: string, view: PublicationView): Promise<void> {
    const [compliance, occupancy] = await Promise.all([
      apiJson<{ rows: ComplianceRow[] }>(`/api/runs/${runId}/compliance`),
      apiJson<{ zones: OccupancyZone[] }>(`/api/runs/${runId}/occupancy`),
    ]);
    if (this.runId !== runId) return;
    const chart = this.body.querySelector('#compliance-chart');
    const eff = view.publication.effectiveDate?.slice(0, 10) ?? null;
    if (chart) {
      replaceChildren(chart, compliance.rows.length
        ? [h('p', { class: 'small muted' }, 'Share of each operator’s trip ends parked in a zone, per week'), complianceChart(complianceSeries(compliance.rows), eff)]
        : h('p', { class: 'small muted' }, 'No week has enough trips to show.'));
    }
    const summary = this.body.querySelector('#occupancy-summary');
    if (summary) {
      const count = (v: OccupancyZone['verdict']) => occupancy.zones.filter((z) => z.verdict === v).length;
      replaceChildren(summary, (['full', 'right-sized', 'under-used'] as const).map((v) =>
        h('span', { class: 'occupancy-key', style: `color:${OCCUPANCY_COLORS[v]}` }, `● ${count(v)} ${v} `)));
    }
    this.hooks.onOccupancy(occupancy.zones);
  }
}
