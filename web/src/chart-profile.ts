/**
 * A 24-bar chart of trip ends by hour of day, in plain SVG.
 */
import { s, niceMax } from './svg.ts';
import { formatCompact, formatHour, formatInt } from './format.ts';

/** Options of {@link profileChart}. */
export interface ProfileChartOptions {
  width?: number; // px
  height?: number; // px
  color?: string; // bar fill
  label?: string; // accessible name
}

const defaults: Required<ProfileChartOptions> = {
  width: 300, // px
  height: 120, // px
  color: '#1d4ed8', // bar fill
  label: 'Trip ends by hour of day',
};

/**
 * Draws trip ends per hour of day (index 0 = 00:00–01:00).
 * @param profile - 24 counts; shorter arrays are padded with zeros
 * @returns an SVG element with one `<rect class="bar">` per hour, each titled with its count
 */
export function profileChart(profile: readonly number[], options: ProfileChartOptions = {}): SVGSVGElement {
  const o = { ...defaults, ...options };
  const values = Array.from({ length: 24 }, (_, i) => Math.max(0, Number(profile[i]) || 0));
  const top = niceMax(Math.max(...values));
  const m = { left: 30, right: 6, top: 8, bottom: 20 };
  const plotW = o.width - m.left - m.right;
  const plotH = o.height - m.top - m.bottom;
  const barW = plotW / 24;
  const svg = s('svg', { class: 'chart chart-profile', width: o.width, height: o.height, viewBox: `0 0 ${o.width} ${o.height}`, role: 'img', 'aria-label': o.label });
  for (const frac of [0, 0.5, 1]) {
    const y = m.top + plotH * (1 - frac);
    svg.append(s('line', { class: 'grid', x1: m.left, x2: o.width - m.right, y1: y, y2: y }));
    svg.append(s('text', { class: 'tick', x: m.left - 4, y: y + 3, 'text-anchor': 'end' }, formatCompact(top * frac)));
  }
  values.forEach((v, hour) => {
    const hgt = (v / top) * plotH;
    const bar = s('rect', { class: 'bar', x: m.left + hour * barW + 0.75, y: m.top + plotH - hgt, width: Math.max(1, barW - 1.5), height: hgt, fill: o.color });
    bar.append(s('title', {}, `${formatHour(hour)}–${formatHour((hour + 1) % 24)}: ${formatInt(v)} trip ends`));
    svg.append(bar);
  });
  for (const hour of [0, 6, 12, 18]) {
    svg.append(s('text', { class: 'tick', x: m.left + hour * barW, y: o.height - 6, 'text-anchor': 'start' }, `${hour}h`));
  }
  svg.append(s('text', { class: 'tick', x: o.width - m.right, y: o.height - 6, 'text-anchor': 'end' }, '24h'));
  return svg;
}
