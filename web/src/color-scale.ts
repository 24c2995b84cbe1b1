/**
 * The demand colour scale: fixed classes per H3 resolution and unit (trip ends, or trip ends per day), so a
 * colour means the same number across pans, zooms within a resolution, and filters.
 */
import type { ExpressionSpecification } from 'maplibre-gl';

/** Light-to-dark sequential palette for trip ends (yellow → wine). */
export const DEMAND_COLORS = ['#fff0a6', '#fed05e', '#fd9f45', '#f1643a', '#cb2c3f', '#7f1446'];
/** Fill of cells hidden by k-anonymity. */
export const SUPPRESSED_COLOR = '#b9bdc4';

/** A class of the scale: values v with lower ≤ v < upper (upper null = no limit). */
export interface ScaleClass {
  lower: number;
  upper: number | null;
  color: string;
}

/** What a hex's colour measures: its trip ends in the period, or its trip ends per day of data in the period. */
export type DemandUnit = 'trips' | 'perDay';

/**
 * Fixed class breaks in trip ends per day per hex at H3 resolution 9 (~0.1 km²): the lower bounds of the
 * 2nd–6th colour (the 1st holds everything above 0). A resolution finer by one has hexes 7× smaller, so its
 * breaks are 7× lower (and coarser 7× higher), rounded to readable numbers.
 */
export const PER_DAY_BREAKS_RES9 = [1, 3, 10, 30, 100];
const AREA_RATIO = 7; // hexes per hex of the next coarser resolution

/** Rounds to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × a power of ten (nearest on a log scale). */
export function nice(value: number): number {
  if (!(value > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const unit = value / magnitude;
  const step = steps.reduce((best, s) => (Math.abs(Math.log(s / unit)) < Math.abs(Math.log(best / unit)) ? s : best), 1);
  return Number((step * magnitude).toPrecision(2));
}

/**
 * The fixed colour classes of a resolution and unit: the same whatever the view or the filter, so a
 * colour always means the same number (pan, filter or compare two periods by eye).
 * @param res - H3 resolution of the hexes (7–12)
 * @param unit - 'perDay': trip ends per day; 'trips': trip ends over `days` days (the breaks per day × days)
 * @param days - days the data of the period covers (only with unit 'trips'; default 1)
 * @returns six ascending classes covering (0, ∞)
 */
export function fixedClasses(res: number, unit: DemandUnit, days = 1): ScaleClass[] {
  const scale = AREA_RATIO ** (9 - res) * (unit === 'trips' ? Math.max(1, days) : 1);
  const breaks: number[] = [];
  for (const b of PER_DAY_BREAKS_RES9) {
    // Whole trip ends: a break of 1 would leave the first class (from 0) empty.
    const v = unit === 'trips' ? Math.round(nice(b * scale)) : nice(b * scale);
    if (v > (breaks.at(-1) ?? (unit === 'trips' ? 1 : 0))) breaks.push(v);
  }
  const lowers = [0, ...breaks];
  const palette = DEMAND_COLORS;
  const colorAt = (i: number) => palette[Math.round((i * (palette.length - 1)) / (lowers.length - 1))]!;
  return lowers.map((lower, i) => ({ lower, upper: lowers[i + 1] ?? null, color: colorAt(i) }));
}

/**
 * Days of data a period covers: the overlap of [from, to] (inclusive local dates; open ends = the data's) with the
 * data's own range. With `snapMonths` the period is first widened to whole months, as the server does for
 * everyone but admins (engine/privacy `releaseFilter`).
 * @returns whole days, at least 1
 */
export function periodDays(period: { from?: string; to?: string }, data: { from: string; to: string } | null, snapMonths: boolean): number {
  const day = (d: string) => Date.parse(`${d.slice(0, 10)}T00:00:00Z`) / 86_400_000;
  let from = period.from;
  let to = period.to;
  if (snapMonths) {
    if (from) from = `${from.slice(0, 7)}-01`;
    if (to) {
      const y = Number(to.slice(0, 4));
      const m = Number(to.slice(5, 7));
      to = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10); // last day of its month
    }
  }
  let lo = from ? day(from) : data ? day(data.from) : NaN;
  let hi = to ? day(to) : data ? day(data.to) : NaN;
  if (data) {
    lo = Math.max(lo, day(data.from));
    hi = Math.min(hi, day(data.to));
  }
  const n = hi - lo + 1;
  return Number.isFinite(n) && n >= 1 ? Math.round(n) : 1;
}

/** A MapLibre `step` expression colouring `['get', property]` by the classes. */
export function stepColor(classes: ScaleClass[], value: ExpressionSpecification = ['to-number', ['get', 'trips'], 0]): ExpressionSpecification | string {
  if (classes.length <= 1) return classes[0]?.color ?? DEMAND_COLORS[2]!;
  const stops: (string | number)[] = [];
  for (const c of classes.slice(1)) stops.push(c.lower, c.color);
  return ['step', value, classes[0]!.color, ...stops] as ExpressionSpecification;
}

/** Legend text of a class: "1–9", "≥ 120" (whole trip ends); per day "< 0.5", "0.5–1.5", "≥ 100". */
export function classLabel(c: ScaleClass, unit: DemandUnit = 'trips'): string {
  const n = (v: number) => v.toLocaleString('en', { maximumFractionDigits: 2 });
  if (c.upper === null) return `≥ ${n(c.lower)}`;
  if (unit === 'perDay') return c.lower === 0 ? `< ${n(c.upper)}` : `${n(c.lower)}–${n(c.upper)}`;
  const lo = Math.max(1, c.lower);
  const hi = c.upper - 1;
  return hi <= lo ? n(lo) : `${n(lo)}–${n(hi)}`;
}
