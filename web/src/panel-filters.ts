/**
 * The demand filters: period, hours of day, weekdays/weekends, providers (where the role may see
 * more than its own) and hex size. Changes apply to the map right away. Dates, hours and weekdays
 * are local to the city's time zone (GET /api/config), which the filter carries as `tz`.
 */
import type { ApiConfig, DayKind, MapFilter, ProviderInfo } from './api-types.ts';
import { h, replaceChildren } from './dom.ts';

/** Hex sizes offered (H3 resolution → what a planner recognises). */
export const RESOLUTIONS: { res: number; text: string }[] = [
  { res: 8, text: 'Large hexes (~460 m across)' },
  { res: 9, text: 'Medium hexes (~175 m across)' },
  { res: 10, text: 'Small hexes (~65 m across)' },
  { res: 11, text: 'Very small hexes (~25 m across)' },
];

const HOUR_PRESETS: { text: string; hours: number[] }[] = [
  { text: 'All day', hours: [] },
  { text: 'Morning 7–10', hours: [7, 8, 9] },
  { text: 'Midday 11–15', hours: [11, 12, 13, 14] },
  { text: 'Evening 16–20', hours: [16, 17, 18, 19] },
  { text: 'Night 21–6', hours: [21, 22, 23, 0, 1, 2, 3, 4, 5] },
];

/** The filter form. */
export class FiltersPanel {
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly hourButtons: HTMLButtonElement[];
  private readonly days: HTMLSelectElement;
  private readonly res: HTMLSelectElement;
  private readonly providersBox: HTMLElement;
  private readonly onChange: (filter: MapFilter) => void;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private providerChecks: HTMLInputElement[] = [];
  private tz = 'UTC';
  private readonly tzText: HTMLElement;
  private readonly rangeText: HTMLElement;

  constructor(root: HTMLElement, onChange: (filter: MapFilter) => void) {
    this.onChange = onChange;
    this.from = h('input', { type: 'date', id: 'filter-from', name: 'from' });
    this.to = h('input', { type: 'date', id: 'filter-to', name: 'to' });
    this.days = h(
      'select',
      { id: 'filter-days', name: 'days' },
      h('option', { value: 'all' }, 'Every day'),
      h('option', { value: 'weekday' }, 'Weekdays (Mon–Fri)'),
      h('option', { value: 'weekend' }, 'Weekends (Sat–Sun)'),
    );
    this.res = h(
      'select',
      { id: 'filter-res', name: 'res' },
      h('option', { value: '' }, 'Automatic: finer as you zoom in'),
      RESOLUTIONS.map((r) => h('option', { value: String(r.res) }, r.text)),
    );
    this.hourButtons = Array.from({ length: 24 }, (_, hour) => {
      const b = h('button', { type: 'button', class: 'hour', 'aria-pressed': 'false', 'data-hour': hour, title: `${hour}:00–${hour + 1}:00` }, String(hour));
      b.addEventListener('click', () => {
        b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
        this.changed();
      });
      return b;
    });
    const presets = HOUR_PRESETS.map((p) => {
      const b = h('button', { type: 'button', class: 'chip' }, p.text);
      b.addEventListener('click', () => {
        this.setHours(p.hours);
        this.changed();
      });
      return b;
    });
    this.providersBox = h('div', { class: 'providers', id: 'filter-providers' });
    this.tzText = h('span', { 'data-testid': 'filter-tz' }, `in ${this.tz}`);
    this.rangeText = h('p', { class: 'hint small', 'data-testid': 'data-range' });
    for (const input of [this.from, this.to, this.days, this.res]) input.addEventListener('change', () => this.changed());
    root.append(
      h('div', { class: 'field-row' }, h('label', { for: 'filter-from' }, 'From', this.from), h('label', { for: 'filter-to' }, 'To', this.to)),
      this.rangeText,
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Hours of day ', this.tzText, ' ', h('span', { class: 'hint' }, '(none picked = all day)')), h('div', { class: 'hours' }, this.hourButtons), h('div', { class: 'chips' }, presets)),
      h('label', { class: 'field', for: 'filter-days' }, 'Days', this.days),
      this.providersBox,
      h('label', { class: 'field', for: 'filter-res' }, 'Hex size', this.res),
    );
  }

  private setHours(hours: number[]): void {
    for (const b of this.hourButtons) b.setAttribute('aria-pressed', hours.includes(Number(b.dataset.hour)) ? 'true' : 'false');
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(this.value()), 250);
  }

  /** The filter as the form shows it. */
  value(): MapFilter {
    const hours = this.hourButtons.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => Number(b.dataset.hour));
    const providers = this.providerChecks.length > 1 ? this.providerChecks.filter((c) => c.checked).map((c) => c.value) : [];
    const filter: MapFilter = { days: this.days.value as DayKind, tz: this.tz };
    if (this.from.value) filter.from = this.from.value;
    if (this.to.value) filter.to = this.to.value;
    if (hours.length > 0 && hours.length < 24) filter.hours = hours;
    if (providers.length > 0 && providers.length < this.providerChecks.length) filter.providers = providers;
    if (this.res.value) filter.res = Number(this.res.value);
    return filter;
  }

  /** Lets the date pickers offer only the dates the data covers (first and last local date, inclusive). */
  setDataRange(range: { from: string; to: string } | null | undefined): void {
    for (const input of [this.from, this.to]) {
      input.min = range?.from ?? '';
      input.max = range?.to ?? '';
      input.title = range ? `Trips from ${range.from} to ${range.to}` : '';
    }
    this.rangeText.textContent = range ? `Data from ${range.from} to ${range.to}.` : 'No trips stored yet.';
  }

  /** Sets the city's time zone: the filter's dates and hours are read in it, and the form says so. */
  setTimeZone(tz: string): void {
    this.tz = tz;
    this.tzText.textContent = `in ${tz}`;
  }

  /**
   * Lists the providers the key may see. An operator sees only its own provider (no choice);
   * with a single provider there is nothing to choose either.
   */
  setProviders(config: ApiConfig | null, providers: readonly ProviderInfo[]): void {
    this.providerChecks = [];
    if (config?.role === 'operator') {
      replaceChildren(this.providersBox, h('p', { class: 'field muted', 'data-testid': 'own-provider' }, `Provider: ${config.providerName || config.providerId || 'your own'} (operators see their own data only)`));
      return;
    }
    if (providers.length <= 1) {
      replaceChildren(this.providersBox, providers.length === 1 ? h('p', { class: 'field muted' }, `Provider: ${providers[0]!.name ?? providers[0]!.providerId}`) : null);
      return;
    }
    this.providerChecks = providers.map((p) => {
      const c = h('input', { type: 'checkbox', value: p.providerId, checked: true, name: 'provider' });
      c.addEventListener('change', () => {
        if (this.providerChecks.every((x) => !x.checked)) c.checked = true; // at least one provider
        this.changed();
      });
      return c;
    });
    replaceChildren(
      this.providersBox,
      h(
        'fieldset',
        { class: 'field' },
        h('legend', {}, 'Providers'),
        providers.map((p, i) => h('label', { class: 'check' }, this.providerChecks[i]!, ` ${p.name ?? p.providerId}`, p.trips !== undefined ? h('span', { class: 'hint' }, ` ${p.trips.toLocaleString('en')} trips`) : null)),
      ),
    );
  }
}
