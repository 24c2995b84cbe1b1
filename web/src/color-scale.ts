/**
 * The demand colour scale: quantile classes of trip ends, rounded to readable numbers.
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

function nice(value: number): number {
  if (value <= 10) return Math.max(1, Math.round(value));
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const unit = value / magnitude;
  const step = steps.reduce((best, s) => (Math.abs(s - unit) < Math.abs(best - unit) ? s : best), 1);
  return step * magnitude;
}

/**
 * Splits positive values into up to `DEMAND_COLORS.length` classes with readable (rounded) bounds:
 * the bulk by quantiles (median, 80th, 95th percentile), the heavy tail above by even steps on a log
 * scale up to the maximum — trip ends pile up at a few hotspots, and those matter most for parking.
 * @param values - trip ends per cell (any order; non-finite and ≤ 0 values are ignored)
 * @returns ascending classes covering [min, ∞); one class when all values are equal
 */
export function demandClasses(values: ArrayLike<number>): ScaleClass[] {
  const sorted = Array.from(values).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  const palette = DEMAND_COLORS;
  if (sorted.length === 0) return [{ lower: 0, upper: null, color: palette[2]! }];
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const max = sorted[sorted.length - 1]!;
  const candidates = [at(0.5), at(0.8), at(0.95)];
  const p95 = at(0.95);
  if (max > 4 * p95) {
    const ratio = max / p95;
    candidates.push(p95 * ratio ** (1 / 3), p95 * ratio ** (2 / 3));
  } else {
    candidates.push(at(0.99), at(0.999));
  }
  const thresholds: number[] = [];
  for (const c of candidates) {
    const t = nice(c);
    if (t > sorted[0]! && t <= max && t > (thresholds.at(-1) ?? 0)) thresholds.push(t);
  }
  const lowers = [Math.floor(sorted[0]!), ...thresholds];
  // Fewer classes than colours: spread them over the palette, lightest to darkest.
  const colorAt = (i: number) => palette[lowers.length === 1 ? 2 : Math.round((i * (palette.length - 1)) / (lowers.length - 1))]!;
  return lowers.map((lower, i) => ({ lower, upper: lowers[i + 1] ?? null, color: colorAt(i) }));
}

/** A MapLibre `step` expression colouring `['get', property]` by the classes. */
export function stepColor(classes: ScaleClass[], property = 'trips'): ExpressionSpecification | string {
  const value: ExpressionSpecification = ['to-number', ['get', property], 0];
  if (classes.length <= 1) return classes[0]?.color ?? DEMAND_COLORS[2]!;
  const stops: (string | number)[] = [];
  for (const c of classes.slice(1)) stops.push(c.lower, c.color);
  return ['step', value, classes[0]!.color, ...stops] as ExpressionSpecification;
}

/** Legend text of a class: "5–9", "≥ 120". */
export function classLabel(c: ScaleClass): string {
  if (c.upper === null) return `≥ ${c.lower.toLocaleString('en')}`;
  const hi = c.upper - 1;
  return hi <= c.lower ? c.lower.toLocaleString('en') : `${c.lower.toLocaleString('en')}–${hi.toLocaleString('en')}`;
}
