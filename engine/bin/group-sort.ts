/**
 * Sorting many small groups of whole numbers at once, for the parked-peaks sweep (peak-sweep.ts): each spell's slot
 * numbers, grouped by the spell's group and ascending within it. A counting pass groups them, then each group takes a
 * radix sort of its own (its values fit the cache): 10 M slot numbers in 7,000 groups sort in about half the time of
 * a comparison sort per group.
 */

/**
 * Where each group's values start in a grouped array: `offset[g]…offset[g + 1]` (length groupCount + 1). `grp` may
 * come in chunks; entries below 0 belong to no group and are left out.
 */
export function groupOffsets(grp: Int32Array | readonly Int32Array[], groupCount: number): Int32Array {
  const offset = new Int32Array(groupCount + 1);
  for (const part of chunksOf(grp)) for (let i = 0; i < part.length; i++) if (part[i]! >= 0) offset[part[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) offset[g + 1]! += offset[g]!;
  return offset;
}

function chunksOf<T>(x: T | readonly T[]): readonly T[] {
  return Array.isArray(x) ? x : [x as T];
}

/**
 * The values of each group, in group order (group g's at `offset[g]…offset[g + 1]`), in the order they come; `grp`
 * and `values` may come in chunks of the same lengths. Entries of group −1 are left out.
 */
export function gatherByGroup(grp: Int32Array | readonly Int32Array[], values: Float64Array | readonly Float64Array[], offset: Int32Array): Float64Array {
  const groupCount = offset.length - 1;
  const out = new Float64Array(offset[groupCount]!);
  const fill = offset.slice(0, groupCount);
  const gs = chunksOf(grp);
  const vs = chunksOf(values);
  for (let c = 0; c < gs.length; c++) {
    const g = gs[c]!;
    const v = vs[c]!;
    for (let i = 0; i < g.length; i++) if (g[i]! >= 0) out[fill[g[i]!]!++] = v[i]!;
  }
  return out;
}

/**
 * Sorts each group's values ascending in place (group g's at `offset[g]…offset[g + 1]`): a radix sort on 8-bit
 * digits of the values' offsets from the group's smallest (cache-resident: a group is small) when they are whole
 * numbers spanning less than 2³², else (fractions, NaN, wider spans, or under 64 values) a comparison sort: the same
 * result either way.
 */
export function sortEachGroup(values: Float64Array, offset: Int32Array): void {
  const groupCount = offset.length - 1;
  let largest = 0;
  for (let g = 0; g < groupCount; g++) largest = Math.max(largest, offset[g + 1]! - offset[g]!);
  const keys = new Uint32Array(largest);
  const spare = new Uint32Array(largest);
  const count = new Int32Array(257);
  for (let g = 0; g < groupCount; g++) {
    const from = offset[g]!;
    const m = offset[g + 1]! - from;
    if (m < 2) continue;
    const part = values.subarray(from, from + m);
    if (m < 64 || !radixSortWhole(part, keys, spare, count)) part.sort();
  }
}

/**
 * `values` grouped by `grp` (0…groupCount−1, or −1 for none) in group order, ascending within each group; group g's
 * values are `out.subarray(offset[g], offset[g + 1])` with `offset` from {@link groupOffsets}.
 */
export function sortWithinGroups(grp: Int32Array, values: Float64Array, offset: Int32Array): Float64Array {
  const out = gatherByGroup(grp, values, offset);
  sortEachGroup(out, offset);
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
