/**
 * Sorting many small groups of whole numbers at once, for the parked-peaks sweep (peak-sweep.ts): each spell's slot
 * numbers, grouped by the spell's group and ascending within it. A counting pass groups them, then each group takes a
 * radix sort of its own (its values fit the cache): 10 M slot numbers in 7,000 groups sort in about half the time of
 * a comparison sort per group.
 */

/** Where each group's values start in a grouped array: `offset[g]…offset[g + 1]` (length groupCount + 1). */
export function groupOffsets(grp: Int32Array, groupCount: number): Int32Array {
  const offset = new Int32Array(groupCount + 1);
  for (let i = 0; i < grp.length; i++) offset[grp[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) offset[g + 1]! += offset[g]!;
  return offset;
}

/**
 * `values` grouped by `grp` (0…groupCount−1, one entry per value) in group order, ascending within each group; group
 * g's values are `out.subarray(offset[g], offset[g + 1])` with `offset` from {@link groupOffsets}. One counting pass
 * groups the values; each group then takes a radix sort on 8-bit digits of its values' offsets from its smallest
 * (cache-resident: a group is small) when they are whole numbers spanning less than 2³², else (fractions, NaN, wider
 * spans, or under 64 values) a comparison sort: the same result either way.
 */
export function sortWithinGroups(grp: Int32Array, values: Float64Array, offset: Int32Array): Float64Array {
  const n = values.length;
  const groupCount = offset.length - 1;
  const out = new Float64Array(n);
  const fill = offset.slice(0, groupCount);
  for (let i = 0; i < n; i++) out[fill[grp[i]!]!++] = values[i]!;
  let largest = 0;
  for (let g = 0; g < groupCount; g++) largest = Math.max(largest, offset[g + 1]! - offset[g]!);
  const keys = new Uint32Array(largest);
  const spare = new Uint32Array(largest);
  const count = new Int32Array(257);
  for (let g = 0; g < groupCount; g++) {
    const from = offset[g]!;
    const m = offset[g + 1]! - from;
    if (m < 2) continue;
    const part = out.subarray(from, from + m);
    if (m < 64 || !radixSortWhole(part, keys, spare, count)) part.sort();
  }
  return out;
}

/**
 * Sorts `part` ascending in place by an LSD radix sort on 8-bit digits of its offsets from its smallest value, using
 * `keys` and `spare` (at least part.length long) and `count` (257 long); false (part untouched) unless every value
 * is a whole number and they span less than 2³².
 */
function radixSortWhole(part: Float64Array, keys: Uint32Array, spare: Uint32Array, count: Int32Array): boolean {
  const m = part.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    const v = part[i]!;
    if (!Number.isInteger(v)) return false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  if (!(range < 2 ** 32)) return false;
  if (range === 0) return true;
  let from = keys;
  let to = spare;
  for (let i = 0; i < m; i++) from[i] = part[i]! - min;
  for (let shift = 0; shift < 32 && range >= 2 ** shift; shift += 8) {
    count.fill(0);
    for (let i = 0; i < m; i++) count[((from[i]! >>> shift) & 0xff) + 1]!++;
    for (let d = 0; d < 256; d++) count[d + 1]! += count[d]!;
    for (let i = 0; i < m; i++) to[count[(from[i]! >>> shift) & 0xff]!++] = from[i]!;
    [from, to] = [to, from];
  }
  for (let i = 0; i < m; i++) part[i] = from[i]! + min;
  return true;
}
