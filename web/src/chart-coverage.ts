/**
 * The coverage curve of a run: number of zones → share of trip ends within walking distance.
 */
import type { CoveragePoint } from './api-types.ts';
import { s, niceMax } from './svg.ts';

/** Options of {@link coverageChart}. */
export interface CoverageChartOptions {
  width?: number; // px
  height?: number; // px
  chosen?: CoveragePoint | null; // the run's own result, marked on the curve
}

const defaults = {
  width: 320, // px
  height: 170, // px
};

/**
 * Draws a coverage curve with the chosen point marked.
 * @param curve - points in any order; shares are 0–1
 * @returns an SVG element with a `path.curve` and, when chosen is set, a `circle.chosen`
 */
export function coverageChart(curve: readonly CoveragePoint[], options: CoverageChartOptions = {}): SVGSVGElement {
  const width = options.width ?? defaults.width;
  const height = options.height ?? defaults.height;
  const points = [...curve].filter((p) => Number.isFinite(p.zones) && Number.isFinite(p.share)).sort((a, b) => a.zones - b.zones);
  if (points.length === 0 || points[0]!.zones > 0) points.unshift({ zones: 0, share: 0 });
  const chosen = options.chosen ?? null;
  const maxZones = niceMax(Math.max(...points.map((p) => p.zones), chosen?.zones ?? 0, 1));
  const m = { left: 38, right: 12, top: 10, bottom: 32 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const x = (zones: number) => m.left + (zones / maxZones) * plotW;
  const y = (share: number) => m.top + (1 - Math.min(1, Math.max(0, share))) * plotH;
  const svg = s('svg', { class: 'chart chart-coverage', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Coverage curve: share of trip ends covered by number of zones' });
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s('line', { class: 'grid', x1: m.left, x2: width - m.right, y1: y(share), y2: y(share) }));
    svg.append(s('text', { class: 'tick', x: m.left - 4, y: y(share) + 3, 'text-anchor': 'end' }, `${share * 100}%`));
  }
  for (const frac of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s('text', { class: 'tick', x: x(maxZones * frac), y: height - m.bottom + 13, 'text-anchor': 'middle' }, String(Math.round(maxZones * frac))));
  }
  svg.append(s('text', { class: 'axis-label', x: m.left + plotW / 2, y: height - 3, 'text-anchor': 'middle' }, 'number of zones'));
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.zones).toFixed(1)},${y(p.share).toFixed(1)}`).join('');
  const area = `${d}L${x(points.at(-1)!.zones).toFixed(1)},${y(0)}L${x(points[0]!.zones).toFixed(1)},${y(0)}Z`;
  svg.append(s('path', { class: 'curve-area', d: area }));
  svg.append(s('path', { class: 'curve', d }));
  if (chosen) {
    const cx = x(chosen.zones);
    const cy = y(chosen.share);
    svg.append(s('line', { class: 'guide', x1: cx, x2: cx, y1: cy, y2: y(0) }));
    svg.append(s('line', { class: 'guide', x1: m.left, x2: cx, y1: cy, y2: cy }));
    const dot = s('circle', { class: 'chosen', cx, cy, r: 5 });
    dot.append(s('title', {}, `${chosen.zones} zones cover ${(chosen.share * 100).toFixed(1)} % of trip ends`));
    svg.append(dot);
    const right = cx > m.left + plotW * 0.6;
    svg.append(s('text', { class: 'chosen-label', x: cx + (right ? -8 : 8), y: Math.max(m.top + 10, cy - 8), 'text-anchor': right ? 'end' : 'start' }, `${chosen.zones} zones → ${(chosen.share * 100).toFixed(0)}%`));
  }
  return svg;
}
