/** The compare view's move arrows and colours (web/src/move-arrow.ts, web/src/compare-colors.ts). */
import { describe, expect, it } from 'vitest';
import { arrowhead } from '../web/src/move-arrow.ts';
import { COMPARE_COLORS } from '../web/src/compare-colors.ts';
import { DEMAND_COLORS } from '../web/src/color-scale.ts';

/** Hue (degrees) and saturation (0–1) of a #rrggbb colour. */
function hueSat(hex: string): { hue: number; sat: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const l = (max + min) / 2;
  const sat = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let hue = 0;
  if (d > 0) hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: (hue * 60 + 360) % 360, sat };
}

describe('compare moves', () => {
  it('points the arrowhead from the old site to the new one, midway along the move', () => {
    const from: [number, number] = [10, 45];
    const to: [number, number] = [10, 45.001]; // due north
    const ring = arrowhead(from, to)!.coordinates[0]!;
    expect(ring).toHaveLength(4);
    const [tip, left, right] = ring as [number[], number[], number[]];
    expect(tip[1]).toBeGreaterThan(left[1]!); // the tip is the northernmost corner
    expect(tip[1]).toBeCloseTo(45.0005 + 0.001 / 6, 10);
    expect(left[1]).toBeCloseTo(right[1]!, 10);
    expect(Math.min(tip[1]!, left[1]!)).toBeGreaterThan(45); // wholly between the two sites
    expect(tip[1]!).toBeLessThan(45.001);
    expect(arrowhead(from, from)).toBeNull();
  });

  it('colours compared zones far from every demand colour (or grey)', () => {
    for (const [status, color] of Object.entries(COMPARE_COLORS)) {
      const c = hueSat(color);
      if (c.sat < 0.3) continue; // a grey reads as no demand colour
      for (const demand of DEMAND_COLORS) {
        const d = hueSat(demand);
        const gap = Math.min(Math.abs(c.hue - d.hue), 360 - Math.abs(c.hue - d.hue));
        expect(gap, `${status} ${color} vs demand ${demand}`).toBeGreaterThan(45);
      }
    }
  });
});
