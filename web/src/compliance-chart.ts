/**
 * Compliance over weeks, one line per operator: the share of trip ends parked in a published zone, with the
 * plan's effective date marked.
 */
import { s } from './svg.ts';

/** One row of GET /api/runs/:id/compliance. */
export interface ComplianceRow {
  providerId: string;
  period: string;
  phase: 'before' | 'after';
  tripEnds: number;
  inZone: number;
  nearZone: number;
  noParking: number;
}

/** One operator's line: per period, the share of its trip ends in a zone (before and after rows of a period summed). */
export interface ComplianceSeries {
  providerId: string;
  points: { period: string; share: number; tripEnds: number }[];
}

/** Groups rows into one series per operator, periods in order. */
export function complianceSeries(rows: readonly ComplianceRow[]): ComplianceSeries[] {
  const by = new Map<string, Map<string, { inZone: number; tripEnds: number }>>();
  for (const r of rows) {
    const m = by.get(r.providerId) ?? new Map();
    by.set(r.providerId, m);
    const p = m.get(r.period) ?? { inZone: 0, tripEnds: 0 };
    p.inZone += r.inZone;
    p.tripEnds += r.tripEnds;
    m.set(r.period, p);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([providerId, m]) => ({
    providerId,
    points: [...m].sort(([a], [b]) => a.localeCompare(b)).map(([period, p]) => ({ period, share: p.tripEnds ? p.inZone / p.tripEnds : 0, tripEnds: p.tripEnds })),
  }));
}

const COLORS = ['#1d4ed8', '#c2410c', '#15803d', '#7e22ce', '#be123c'];

/**
 * Draws the series; `effectivePeriod` (YYYY-MM-DD, the first period after publication) gets a dashed guide.
 * @returns an SVG with one `path.series` per operator (data-provider set)
 */
export function complianceChart(series: readonly ComplianceSeries[], effectivePeriod: string | null, names: Record<string, string> = {}, width = 320, height = 180): SVGSVGElement {
  const periods = [...new Set(series.flatMap((x) => x.points.map((p) => p.period)))].sort();
  const m = { left: 38, right: 10, top: 10, bottom: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const x = (period: string) => m.left + (periods.length <= 1 ? plotW / 2 : (periods.indexOf(period) / (periods.length - 1)) * plotW);
  const y = (share: number) => m.top + (1 - Math.min(1, Math.max(0, share))) * plotH;
  const svg = s('svg', { class: 'chart chart-compliance', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Share of trip ends parked in a zone, per operator and week' });
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s('line', { class: 'grid', x1: m.left, x2: width - m.right, y1: y(share), y2: y(share) }));
    svg.append(s('text', { class: 'tick', x: m.left - 4, y: y(share) + 3, 'text-anchor': 'end' }, `${share * 100}%`));
  }
  for (const p of periods) svg.append(s('text', { class: 'tick', x: x(p), y: height - m.bottom + 13, 'text-anchor': 'middle' }, p.slice(5)));
  if (effectivePeriod) {
    const after = periods.find((p) => p >= effectivePeriod);
    if (after) svg.append(s('line', { class: 'guide published-guide', x1: x(after), x2: x(after), y1: m.top, y2: y(0) }, s('title', {}, `published from ${effectivePeriod}`)));
  }
  series.forEach((line, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = line.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.period).toFixed(1)},${y(p.share).toFixed(1)}`).join('');
    svg.append(s('path', { class: 'series', d, stroke: color, fill: 'none', 'stroke-width': 2, 'data-provider': line.providerId }));
    for (const p of line.points) svg.append(s('circle', { cx: x(p.period), cy: y(p.share), r: 2.5, fill: color }, s('title', {}, `${names[line.providerId] ?? line.providerId} · week of ${p.period}: ${(p.share * 100).toFixed(0)}% of ${p.tripEnds} trip ends in a zone`)));
    svg.append(s('text', { class: 'tick legend-entry', x: m.left + (i % 2) * (plotW / 2), y: height - 14 + Math.floor(i / 2) * 11, fill: color }, (names[line.providerId] ?? line.providerId).slice(0, 22)));
  });
  svg.append(s('text', { class: 'axis-label', x: m.left + plotW / 2, y: height - 26, 'text-anchor': 'middle' }, 'week'));
  return svg;
}
