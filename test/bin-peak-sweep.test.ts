import { describe, it, expect } from 'vitest';
import { sweepPeaks } from '../engine/bin/peak-sweep.ts';

function spells(rows: [grp: number, a: number, b: number][]) {
  return { grp: Int32Array.from(rows.map((r) => r[0])), a: Float64Array.from(rows.map((r) => r[1])), b: Float64Array.from(rows.map((r) => r[2])) };
}

describe('the parked-peaks sweep on hand-worked spells', () => {
  it('counts overlaps per slot, takes daily highs over day windows, and interpolates the percentile with empty days as 0', () => {
    // Group 0: [0,4) [1,3) [2,6) stand 1,2,3,2,1,1 in slots 0–5. Days start at slots 0 and 4, 4 slots long:
    // day 0 peaks at 3, day 1 at 1. Group 1 has no spell. Group 2: [7,9) is on day 1 only (day 0 is a 0).
    const out = sweepPeaks(spells([[0, 0, 4], [2, 7, 9], [0, 1, 3], [0, 2, 6]]), { groupCount: 3, dayStarts: Float64Array.from([0, 4]), window: 4, percentile: 0.5 });
    expect(Array.from(out.peak)).toEqual([3, 0, 1]);
    expect(Array.from(out.percentilePeak)).toEqual([2, 0, 0.5]);
  });

  it('keeps counting after the last spell starts (the segments between the remaining ends)', () => {
    // [0,2) and [0,5): 2 vehicles in slots 0–1, then 1 in slots 2–4; day 1 (slots 3–5) sees only the tail.
    const out = sweepPeaks(spells([[0, 0, 2], [0, 0, 5]]), { groupCount: 1, dayStarts: Float64Array.from([0, 3]), window: 3, percentile: 0 });
    expect(Array.from(out.peak)).toEqual([2]);
    expect(Array.from(out.percentilePeak)).toEqual([1]);
  });

  it('lets a day window overlap the next day (a 25-hour day of a clock change) and counts a spell on both', () => {
    // Days at slots 0 and 2 with 3-slot windows overlap in slot 2: the spell [2,3) raises both days.
    const out = sweepPeaks(spells([[0, 2, 3]]), { groupCount: 1, dayStarts: Float64Array.from([0, 2]), window: 3, percentile: 0 });
    expect(Array.from(out.percentilePeak)).toEqual([1]);
  });
});
