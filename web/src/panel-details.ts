/**
 * The details card shown when a zone or a hex is clicked.
 */
import type { CellProperties, RunInfo, ZoneProperties } from './api-types.ts';
import { h, replaceChildren } from './dom.ts';
import { formatInt, formatMetres, formatShare } from './format.ts';
import { profileChart } from './chart-profile.ts';
import { COMPARE_COLORS, type CompareStatus } from './compare-colors.ts';
import { ZONE_COLOR } from './zones-layer.ts';
import { SUPPRESSED_COLOR } from './color-scale.ts';

/** Parses a profile that may arrive as an array or a JSON string. */
function profileOf(value: unknown): number[] | null {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  return Array.isArray(v) && v.length > 0 ? v.map((x) => Number(x) || 0) : null;
}

function fact(label: string, value: string, hint?: string): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value, hint ? h('span', { class: 'hint' }, ` ${hint}`) : null));
}

const STATUS_TEXT: Record<CompareStatus, string> = {
  added: 'Added in the second run',
  removed: 'Dropped: only in the first run',
  moved: 'Moved between the runs',
  kept: 'Kept in both runs',
};

/** The floating card on the map. */
export class DetailsCard {
  private readonly el: HTMLElement;
  /** Called when the person closes the card. */
  onClose: (() => void) | null = null;

  constructor(el: HTMLElement) {
    this.el = el;
  }

  private open(title: string, accent: string, ...body: (HTMLElement | null)[]): void {
    const close = h('button', { class: 'card-close', type: 'button', 'aria-label': 'Close details' }, '×');
    close.addEventListener('click', () => this.close());
    // On a phone the card opens folded to its title and first line; this button unfolds it (and folds it again).
    const fold = h('button', { class: 'card-fold', type: 'button', 'aria-expanded': 'false', 'aria-label': 'Show all details' }, '▴');
    fold.addEventListener('click', () => {
      const open = !this.el.classList.contains('expanded');
      this.el.classList.toggle('expanded', open);
      fold.setAttribute('aria-expanded', String(open));
      fold.setAttribute('aria-label', open ? 'Show fewer details' : 'Show all details');
      fold.textContent = open ? '▾' : '▴';
    });
    this.el.classList.remove('expanded');
    replaceChildren(this.el, h('div', { class: 'card-head', style: `border-color:${accent}` }, h('h3', {}, title), fold, close), body);
    this.el.hidden = false;
  }

  /** What the card shows ("zone:ID", "cell:HEX"), or null when closed. */
  showing(): string | null {
    return this.el.hidden ? null : (this.el.dataset.showing ?? null);
  }

  /** Hides the card. */
  close(): void {
    delete this.el.dataset.showing;
    this.el.hidden = true;
    this.el.replaceChildren();
    this.onClose?.();
  }

  /**
   * Shows a zone: capacity, covered trips and share, median walk and its 24-hour profile.
   * @param run - the run the zone belongs to (for its median walk and filter text)
   * @param status - set when the zone comes from a comparison
   */
  /** When set, hours with fewer trip ends than this read as 0 (k-anonymity), and the card says so. */
  kAnonymity: number | null = null;

  private hiddenHoursNote(profile: number[] | null, total: number): HTMLElement | null {
    if (!profile || !this.kAnonymity || this.kAnonymity <= 1) return null;
    const shown = profile.reduce((a, b) => a + b, 0);
    if (!(total > shown)) return null;
    return h('p', { class: 'muted small' }, `Hours with fewer than ${this.kAnonymity} trip ends are shown as 0 to protect riders' privacy.`);
  }

  showZone(zone: ZoneProperties, run: RunInfo | null, status?: CompareStatus): void {
    this.el.dataset.showing = `zone:${zone.zone_id}`;
    const profile = profileOf(zone.profile);
    const perZoneWalk = typeof zone.median_walk_m === 'number' ? zone.median_walk_m : null;
    const runWalk = run?.stats?.medianWalkM ?? null;
    const color = status ? COMPARE_COLORS[status] : ZONE_COLOR;
    this.open(
      `Parking zone ${Number.isFinite(Number(zone.rank)) ? `#${zone.rank}` : zone.zone_id}`,
      color,
      status ? h('p', { class: 'status-line', style: `color:${color}` }, STATUS_TEXT[status]) : null,
      h(
        'div',
        { class: 'capacity-big', 'data-testid': 'zone-capacity' },
        h('span', { class: 'capacity-number' }, formatInt(Number(zone.capacity))),
        h('span', { class: 'capacity-unit' }, ' parking slots'),
      ),
      h(
        'dl',
        { class: 'facts' },
        fact('Covers', `${formatInt(Number(zone.covered_trips))} trip ends`, Number.isFinite(Number(zone.share)) ? `(${formatShare(Number(zone.share))} of all)` : undefined),
        typeof zone.capacity_change === 'number' && zone.capacity_change !== 0
          ? fact('Capacity change', `${zone.capacity_change > 0 ? '+' : '−'}${formatInt(Math.abs(zone.capacity_change))} slots`)
          : null,
        typeof zone.moved_m === 'number' ? fact('Moved by', formatMetres(zone.moved_m)) : null,
        perZoneWalk !== null ? fact('Median walk', formatMetres(perZoneWalk)) : runWalk !== null ? fact('Median walk', formatMetres(runWalk), '(whole run)') : null,
        run?.params && (run.params.walkRadiusM ?? run.params.radiusM) !== undefined ? fact('Walking radius', formatMetres(Number(run.params.walkRadiusM ?? run.params.radiusM))) : null,
        Number.isFinite(Number(zone.rank)) ? fact('Rank', `${zone.rank}`, zone.rank === 1 ? '(covers most)' : '') : null,
      ),
      profile
        ? h('figure', { class: 'chart-figure' }, h('figcaption', {}, 'Trip ends it covers, by hour of day'), profileChart(profile, { color, label: 'Zone trip ends by hour of day' }))
        : h('p', { class: 'muted' }, 'No hourly profile for this zone.'),
      this.hiddenHoursNote(profile, Number(zone.covered_trips)),
      h('p', { class: 'card-foot muted' }, `Zone ${zone.zone_id}${zone.cell && zone.cell !== zone.zone_id ? ` · site hex ${zone.cell}` : ''}${run ? ` · run ${run.runId}` : ''}`),
    );
    this.el.dataset.kind = 'zone';
  }

  /**
   * Shows a demand hex: trip ends, devices, days and profile, or that it is suppressed.
   * @param kAnonymity - the suppression threshold, for the explanation
   */
  showCell(cell: CellProperties, kAnonymity: number | null, profileState: 'ready' | 'loading' | 'unavailable' = 'ready'): void {
    this.el.dataset.showing = `cell:${cell.cell}`;
    if (cell.suppressed) {
      this.open(
        'Hex with little demand',
        SUPPRESSED_COLOR,
        h('p', { 'data-testid': 'cell-suppressed' }, `Fewer than ${kAnonymity ?? 'k'} trips ended here in the selected period, so the numbers are hidden to protect riders' privacy.`),
        h('p', { class: 'card-foot muted' }, `Hex ${cell.cell}`),
      );
      this.el.dataset.kind = 'cell';
      return;
    }
    const profile = profileOf(cell.profile);
    this.open(
      'Demand hex',
      '#f1643a',
      h('div', { class: 'capacity-big' }, h('span', { class: 'capacity-number' }, formatInt(Number(cell.trips))), h('span', { class: 'capacity-unit' }, ' trip ends')),
      h(
        'dl',
        { class: 'facts' },
        cell.devices !== undefined ? fact('Vehicles', formatInt(Number(cell.devices)), 'distinct') : null,
        cell.days !== undefined ? fact('Days with trips', formatInt(Number(cell.days))) : null,
      ),
      profile
        ? h('figure', { class: 'chart-figure' }, h('figcaption', {}, 'Trip ends by hour of day'), profileChart(profile, { color: '#e1553a' }))
        : h('p', { class: 'muted small' }, profileState === 'loading' ? 'Loading the hourly profile…' : 'No hourly profile is available for this hex.'),
      this.hiddenHoursNote(profile, Number(cell.trips)),
      h('p', { class: 'card-foot muted' }, `Hex ${cell.cell}${cell.res !== undefined ? ` (H3 resolution ${cell.res})` : ''}`),
    );
    this.el.dataset.kind = 'cell';
  }
}
