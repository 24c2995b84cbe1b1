/**
 * The map legend: demand colour classes, suppressed cells, and what the zone symbols mean.
 */
import { h, replaceChildren } from './dom.ts';
import { classLabel, SUPPRESSED_COLOR, type DemandUnit, type ScaleClass } from './color-scale.ts';
import { ZONE_COLOR } from './zones-layer.ts';
import { COMPARE_COLORS } from './compare-colors.ts';

/** What the legend shows. */
export interface LegendContent {
  classes: ScaleClass[]; // demand colour classes (fixed per resolution and unit)
  unit: DemandUnit; // what they measure: trip ends in the period, or per day
  days: number; // days of data the period covers
  classRes: number | null; // H3 resolution of the classes shown (null: no hexes drawn yet)
  kAnonymity: number | null; // cells with fewer trip ends are greyed out
  hasSuppressed: boolean; // some drawn hexes are greyed out (suppressed)
  hiddenNote: string | null; // e.g. "hexes with fewer than 5 trip ends are not shown (privacy)"
  tiles: boolean; // hexes come as tiles whose size follows the zoom
  zones: 'run' | 'compare' | 'none'; // which zone symbols are on the map
  periodText: string; // e.g. "1–31 Mar, weekdays, 07:00–10:00"
}

/** Below this width (CSS px) the legend starts collapsed, so a phone keeps the map. */
export const PHONE_MAX_WIDTH = 760;
let collapsed: boolean | null = null; // the person's choice, kept across redraws

/** Redraws the legend (collapsible: a button folds it to its title). */
export function renderLegend(el: HTMLElement, content: LegendContent): void {
  collapsed ??= typeof matchMedia === 'function' && matchMedia(`(max-width: ${PHONE_MAX_WIDTH}px)`).matches;
  const toggle = h('button', { type: 'button', class: 'legend-toggle', id: 'legend-toggle', 'aria-expanded': collapsed ? 'false' : 'true', 'aria-controls': 'legend-body' }, collapsed ? 'Legend ▸' : 'Legend ▾');
  toggle.addEventListener('click', () => {
    collapsed = !collapsed;
    renderLegend(el, content);
    el.querySelector<HTMLButtonElement>('#legend-toggle')?.focus();
  });
  el.classList.toggle('collapsed', collapsed);
  const rows = content.classes.map((c) => h('li', {}, h('span', { class: 'swatch', style: `background:${c.color}` }), classLabel(c, content.unit)));
  if (content.hasSuppressed) {
    rows.push(
      h('li', { class: 'muted' }, h('span', { class: 'swatch', style: `background:${SUPPRESSED_COLOR}` }), `fewer than ${content.kAnonymity ?? 'k'} (hidden for privacy)`),
    );
  }
  const zoneRows: HTMLElement[] = [];
  if (content.zones === 'run') {
    zoneRows.push(
      h('div', { class: 'legend-title' }, 'Proposed parking zones'),
      h(
        'div',
        { class: 'legend-zones' },
        h('span', { class: 'zone-dot small', style: `background:${ZONE_COLOR}` }),
        h('span', { class: 'zone-dot large', style: `background:${ZONE_COLOR}` }, '12'),
        h('span', {}, 'circle size and number = capacity (parking slots); dashed outline = zone footprint'),
      ),
    );
  } else if (content.zones === 'compare') {
    zoneRows.push(h('div', { class: 'legend-title' }, 'Run comparison'));
    for (const [key, text] of [
      ['added', 'new in the second run'],
      ['removed', 'dropped from the first run'],
      ['moved', 'moved nearby (dashed line from its old place)'],
      ['kept', 'kept'],
    ] as const) {
      zoneRows.push(h('div', { class: 'legend-row' }, h('span', { class: 'zone-dot small', style: `background:${COMPARE_COLORS[key]}` }), text));
    }
  }
  replaceChildren(
    el,
    toggle,
    h(
      'div',
      { id: 'legend-body', class: 'legend-body', hidden: collapsed },
    h('div', { class: 'legend-title', 'data-testid': 'legend-unit', 'data-unit': content.unit }, content.unit === 'perDay' ? 'Trip ends per day per hex' : 'Trip ends per hex'),
    content.periodText ? h('div', { class: 'legend-sub' }, content.periodText) : null,
    h('ul', { class: 'legend-scale', 'data-res': content.classRes ?? '' }, rows),
    h(
      'div',
      { class: 'legend-note' },
      content.unit === 'perDay'
        ? `Averaged over the ${content.days} day${content.days === 1 ? '' : 's'} of data in the period, so periods compare by eye. `
        : `Over all ${content.days} day${content.days === 1 ? '' : 's'} of data. `,
      `Fixed classes${content.classRes !== null ? ` for this hex size (H3 ${content.classRes})` : ''}: a colour means the same number after any pan or filter.`,
      content.tiles ? ' Hexes get finer as you zoom in.' : '',
    ),
    content.hiddenNote ? h('div', { class: 'legend-note' }, content.hiddenNote) : null,
    zoneRows,
    ),
  );
}
