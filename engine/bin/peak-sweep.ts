/**
 * The sweep behind parked-vehicle peaks (parked-peaks.ts), in plain arrays: each parked spell stands in slots
 * [a, b); per group, the spells' starts and ends sorted apart and merged give the segments of constant occupancy;
 * each segment with vehicles raises the peak of the local days whose 24-hour window it overlaps. Work grows with
 * the spells (a radix sort of them all), never with groups × days.
 */

import { groupOffsets, sortWithinGroups } from './group-sort.ts';

/** Spells, one entry per parked spell: its group and its slots [a, b) (whole slot numbers, as doubles). */
export interface Spells {
  grp: Int32Array;
  a: Float64Array;
  b: Float64Array;
}

/**
 * Spells grouped, as the sweep reads them: group g's spells' starts, ascending, are `starts[offset[g]…offset[g + 1])`
 * and their ends, ascending (each sorted on its own), `ends[offset[g]…offset[g + 1])`.
 */
export interface GroupedSpells {
  offset: Int32Array;
  starts: Float64Array;
  ends: Float64Array;
}

/** Groups spells and sorts each group's starts and ends ({@link GroupedSpells}); spells of group −1 are left out. */
export function groupSpells(spells: Spells, groupCount: number): GroupedSpells {
  const offset = groupOffsets(spells.grp, groupCount);
  return { offset, starts: sortWithinGroups(spells.grp, spells.a, offset), ends: sortWithinGroups(spells.grp, spells.b, offset) };
}

/** Options of {@link sweepPeaks}. */
export interface SweepOptions {
  groupCount: number;
  /** Each counted local day's first slot, sorted ascending (a day's window is [start, start + window)). */
  dayStarts: Float64Array;
  /** Slots in a day's window (24 hours of slots). */
  window: number;
  /** Percentile of daily highs, 0–1. */
  percentile: number;
}

/** Per group: the highest count in any slot, and the percentile of daily highs over every counted day (0 for a day without vehicles). */
export interface SweptPeaks {
  peak: Float64Array;
  percentilePeak: Float64Array;
}

/** The first index of sorted `xs` whose value is greater than `v` (xs.length when none). */
function firstAbove(xs: Float64Array, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Peaks of parked vehicles per group from its spells. The percentile interpolates linearly between the closest
 * ranks, as DuckDB's `quantile_cont` does, over all `dayStarts.length` days (days with no vehicle count as 0).
 */
export function sweepPeaks(spells: Spells, options: SweepOptions): SweptPeaks {
  return sweepGroupedPeaks(groupSpells(spells, options.groupCount), options);
}

/** {@link sweepPeaks} over spells already grouped and sorted; `options.groupCount` is `offset.length − 1`. */
export function sweepGroupedPeaks(grouped: GroupedSpells, options: Omit<SweepOptions, 'groupCount'>): SweptPeaks {
  const { dayStarts, window, percentile } = options;
  const { offset, starts, ends } = grouped;
  const groupCount = offset.length - 1;
  const nd = dayStarts.length;
  const peak = new Float64Array(groupCount);
  const percentilePeak = new Float64Array(groupCount);
  const dayPeak = new Float64Array(nd);
  const touched: number[] = [];
  const pos = percentile * (nd - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  for (let g = 0; g < groupCount; g++) {
    const from = offset[g]!;
    const to = offset[g + 1]!;
    if (from === to) continue;
    const s = starts.subarray(from, to);
    const e = ends.subarray(from, to);
    let i = 0;
    let j = 0;
    let count = 0;
    const m = to - from;
    // The first day whose window may reach the current segment: segments come in time order, so it only moves on.
    let first = firstAbove(dayStarts, s[0]! - window);
    while (j < m) {
      // The next slot where the count changes, and the count from there on (every end follows its start).
      const at = i < m ? Math.min(s[i]!, e[j]!) : e[j]!;
      while (i < m && s[i] === at) (count++, i++);
      while (j < m && e[j] === at) (count--, j++);
      if (count <= 0) continue;
      const next = i < m ? Math.min(s[i]!, e[j]!) : e[j]!;
      // Days whose window [ds, ds + window) overlaps the segment [at, next).
      while (first < nd && dayStarts[first]! <= at - window) first++;
      for (let d = first; d < nd && dayStarts[d]! < next; d++) {
        if (dayPeak[d] === 0) touched.push(d);
        if (count > dayPeak[d]!) dayPeak[d] = count;
      }
    }
    const k = touched.length;
    const values = new Float64Array(k);
    for (let t = 0; t < k; t++) {
      values[t] = dayPeak[touched[t]!]!;
      dayPeak[touched[t]!] = 0;
    }
    touched.length = 0;
    values.sort();
    const z = nd - k;
    const vlo = lo < z ? 0 : values[lo - z]!;
    const vhi = hi < z ? 0 : values[hi - z]!;
    peak[g] = k > 0 ? values[k - 1]! : 0;
    percentilePeak[g] = k === 0 ? 0 : lo === hi ? vlo : vlo + (vhi - vlo) * (pos - lo);
  }
  return { peak, percentilePeak };
}
