/**
 * The zone table beside the map: the selected run's zones with rank, capacity, covered trip ends and walk,
 * sortable by any column (real buttons in the headers, `aria-sort` on the sorted one), each row a button that
 * flies the map to its zone.
 */
import type { ZoneProperties } from './api-types.ts';
import { h, replaceChildren } from './dom.ts';
import { formatInt, formatMetres } from './format.ts';

/** A sortable column. */
export type ZoneColumn = 'rank' | 'capacity' | 'covered_trips' | 'median_walk_m';

const COLUMNS: { key: ZoneColumn; text: string; firstDir: 'ascending' | 'descending' }[] = [
  { key: 'rank', text: 'Rank', firstDir: 'ascending' },
  { key: 'capacity', text: 'Slots', firstDir: 'descending' },
  { key: 'covered_trips', text: 'Trip ends covered', firstDir: 'descending' },
  { key: 'median_walk_m', text: 'Median walk', firstDir: 'ascending' },
];

/** Options of {@link ZoneTable}. */
export interface ZoneTableOptions {
  /** A row was chosen: show this zone. */
  onPick(zone: ZoneProperties): void;
}

/**
 * Zones in `dir` order of `key`; zones without a value (e.g. no median walk) go last, ties by rank.
 */
export function sortZones(zones: readonly ZoneProperties[], key: ZoneColumn, dir: 'ascending' | 'descending'): ZoneProperties[] {
  const value = (z: ZoneProperties) => {
    const v = z[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const sign = dir === 'ascending' ? 1 : -1;
  return [...zones].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.rank - b.rank : va === null ? 1 : -1;
    return va === vb ? a.rank - b.rank : sign * (va - vb);
  });
}

/** The table of a run's zones. */
export class ZoneTable {
  private readonly root: HTMLElement;
  private readonly options: ZoneTableOptions;
  private zones: ZoneProperties[] = [];
  private key: ZoneColumn = 'rank';
  private dir: 'ascending' | 'descending' = 'ascending';
  private selected: string | null = null;

  constructor(root: HTMLElement, options: ZoneTableOptions) {
    this.root = root;
    this.options = options;
  }

  private runWalkM: number | null = null;

  /**
   * Shows these zones (none: a sentence instead).
   * @param runWalkM - the run's median walk (metres), said under the table when the zones carry no walk of their own
   */
  setZones(zones: readonly ZoneProperties[], runWalkM: number | null = null): void {
    this.zones = [...zones];
    this.runWalkM = runWalkM;
    this.render();
  }

  /** True when some zone carries its own median walk (runs stored before per-zone walks carry none: a dash each). */
  private hasWalk(): boolean {
    return this.zones.some((z) => typeof z.median_walk_m === 'number');
  }

  /** Marks the row of a zone (or none) as the one shown. */
  select(zoneId: string | null): void {
    this.selected = zoneId;
    for (const row of this.root.querySelectorAll<HTMLElement>('tr[data-zone-id]')) {
      const on = row.dataset.zoneId === zoneId;
      row.classList.toggle('selected', on);
      row.querySelector('button')?.setAttribute('aria-current', on ? 'true' : 'false');
    }
  }

  /** Sorts by a column: a new column starts in its natural order, the same column again flips it. */
  sortBy(key: ZoneColumn): void {
    if (key === this.key) this.dir = this.dir === 'ascending' ? 'descending' : 'ascending';
    else {
      this.key = key;
      this.dir = COLUMNS.find((c) => c.key === key)!.firstDir;
    }
    this.render();
    this.root.querySelector<HTMLButtonElement>(`th button[data-sort="${key}"]`)?.focus();
  }

  private render(): void {
    if (this.zones.length === 0) {
      replaceChildren(this.root, h('p', { class: 'muted small' }, 'No zones to list: pick a finished run.'));
      return;
    }
    const walkColumn = this.hasWalk();
    const head = h(
      'tr',
      {},
      COLUMNS.map((c) => {
        const sorted = c.key === this.key;
        const button = h('button', { type: 'button', class: 'sort-button', 'data-sort': c.key }, c.text, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (this.dir === 'ascending' ? ' ▲' : ' ▼') : ''));
        button.addEventListener('click', () => this.sortBy(c.key));
        return h('th', { scope: 'col', 'aria-sort': sorted ? this.dir : 'none', class: c.key === 'rank' ? '' : 'num' }, button);
      }),
    );
    const rows = sortZones(this.zones, this.key, this.dir).map((z) => {
      const id = String(z.zone_id);
      const go = h('button', { type: 'button', class: 'zone-go', 'aria-label': `Show zone ${z.rank} on the map`, 'aria-current': id === this.selected ? 'true' : 'false' }, `#${z.rank}`);
      go.addEventListener('click', () => {
        this.select(id);
        this.options.onPick(z);
      });
      const walk = typeof z.median_walk_m === 'number' ? formatMetres(z.median_walk_m) : '–';
      return h(
        'tr',
        { 'data-zone-id': id, class: id === this.selected ? 'selected' : '' },
        h('th', { scope: 'row' }, go),
        h('td', { class: 'num' }, formatInt(Number(z.capacity))),
        h('td', { class: 'num' }, formatInt(Number(z.covered_trips))),
        h('td', { class: 'num' }, walk),
      );
    });
    replaceChildren(
      this.root,
      h(
        'div',
        { class: 'zone-table-wrap' },
        h('table', { class: 'zone-table', 'data-testid': 'zone-table' }, h('caption', { class: 'visually-hidden' }, `Zones of the selected run, sorted by ${COLUMNS.find((c) => c.key === this.key)!.text.toLowerCase()}`), h('thead', {}, head), h('tbody', {}, rows)),
      ),
      !walkColumn && this.runWalkM !== null ? h('p', { class: 'muted small', 'data-testid': 'zone-table-walk' }, `Median walk to a zone, whole run: ${formatMetres(this.runWalkM)} (this run was stored before walks per zone).`) : null,
    );
  }
}
