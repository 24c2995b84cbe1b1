/**
 * Number, share, distance and date formatting for people.
 */
const intFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

/** 12345 → "12,345"; missing → "–". */
export function formatInt(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? intFormat.format(value) : '–';
}

/** 0.8123 → "81.2 %"; missing → "–". */
export function formatShare(value: number | null | undefined, digits = 1): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const smallest = 10 ** -digits / 100;
  if (value > 0 && value < smallest) return `< ${(smallest * 100).toFixed(digits)} %`;
  return `${(value * 100).toFixed(digits)} %`;
}

/** 87.4 → "87 m", 1234 → "1.2 km"; missing → "–". */
export function formatMetres(value: number | null | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(1)} km` : `${Math.round(value)} m`;
}

/** ISO timestamp → "12 Mar 2025, 14:05" in the browser's zone; unparsable → the input. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Hour of day 0–23 → "08:00". */
export function formatHour(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** Compact numbers for chart axes: 1500 → "1.5k". */
export function formatCompact(value: number): string {
  if (Math.abs(value) >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(+value.toFixed(1));
}
