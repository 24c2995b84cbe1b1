/**
 * The demand filter in words, for the legend: "1–31 Mar 2025 · weekdays · 7–10h (America/Kentucky/Louisville)".
 */
import type { DemandFilter } from './api-types.ts';
import { hoursText } from './run-text.ts';

function day(iso: string): string {
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * Describes a filter in a short line.
 * @param names - provider id → name, so that people read names rather than ids
 */
export function filterText(filter: DemandFilter, names: ReadonlyMap<string, string> = new Map()): string {
  const parts: string[] = [];
  if (filter.from && filter.to) parts.push(`${day(filter.from)} – ${day(filter.to)}`);
  else if (filter.from) parts.push(`from ${day(filter.from)}`);
  else if (filter.to) parts.push(`until ${day(filter.to)}`);
  else parts.push('all dates');
  parts.push(filter.days === 'weekday' ? 'weekdays' : filter.days === 'weekend' ? 'weekends' : 'every day');
  const hours = filter.hours && filter.hours.length > 0 && filter.hours.length < 24 ? hoursText(filter.hours) : 'all day';
  parts.push(filter.tz ? `${hours} (${filter.tz})` : hours);
  if (filter.providers && filter.providers.length > 0) parts.push(filter.providers.map((p) => names.get(p) ?? p).join(', '));
  return parts.join(' · ');
}
