import { describe, it, expect } from 'vitest';
import { gatherByGroup, groupOffsets, sortEachGroup, sortWithinGroups } from '../engine/bin/group-sort.ts';

/** The reference: each group's values in a plain array, sorted by comparison, concatenated in group order. */
function reference(grp: Int32Array, values: Float64Array, groupCount: number): number[] {
  const parts: number[][] = Array.from({ length: groupCount }, () => []);
  for (let i = 0; i < values.length; i++) parts[grp[i]!]!.push(values[i]!);
  return parts.flatMap((p) => p.sort((x, y) => (Number.isNaN(x) ? 1 : Number.isNaN(y) ? -1 : x - y)));
}

/** A seeded generator (mulberry32): the same inputs every run. */
function seeded(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sorting values within their groups', () => {
  it('groups and sorts a hand-worked case, leaving empty groups empty', () => {
    const grp = Int32Array.from([2, 0, 2, 0, 2]);
    const values = Float64Array.from([9, 4, 7, 3, 8]);
    const offset = groupOffsets(grp, 4);
    expect(Array.from(offset)).toEqual([0, 2, 2, 5, 5]);
    expect(Array.from(sortWithinGroups(grp, values, offset))).toEqual([3, 4, 7, 8, 9]);
  });

  it('equals a comparison sort per group on seeded inputs of every kind the radix takes or refuses', () => {
    const cases: { name: string; value: (r: () => number) => number; groups: number; n: number }[] = [
      { name: 'slot numbers of a year (two 8-bit digit passes)', value: (r) => 1_900_000 + Math.floor(r() * 35_040), groups: 40, n: 20_000 },
      { name: 'a narrow span (one digit pass)', value: (r) => 5 + Math.floor(r() * 200), groups: 7, n: 5_000 },
      { name: 'second slots over decades (four digit passes)', value: (r) => Math.floor(r() * 2 ** 31) + 946_684_800, groups: 30, n: 20_000 },
      { name: 'negative whole numbers', value: (r) => -Math.floor(r() * 1e6), groups: 20, n: 10_000 },
      { name: 'a span of 2³² and more (comparison sort)', value: (r) => Math.floor(r() * 2 ** 40), groups: 20, n: 10_000 },
      { name: 'fractions (comparison sort)', value: (r) => r() * 1000, groups: 20, n: 10_000 },
      { name: 'many equal values', value: (r) => (r() < 0.5 ? 3 : 4), groups: 3, n: 3_000 },
    ];
    for (const c of cases) {
      const r = seeded(c.n + c.groups);
      // Group sizes vary from 0 to hundreds, so both the small-group comparison path and the radix path run.
      const grp = Int32Array.from({ length: c.n }, () => Math.floor(r() ** 2 * c.groups));
      const values = Float64Array.from({ length: c.n }, () => c.value(r));
      const offset = groupOffsets(grp, c.groups);
      expect(Array.from(sortWithinGroups(grp, values, offset)), c.name).toEqual(reference(grp, values, c.groups));
    }
  });

  it('sorts a group holding NaN by comparison, NaN last', () => {
    const grp = new Int32Array(100);
    const values = Float64Array.from({ length: 100 }, (_, i) => (i === 10 ? NaN : 100 - i));
    const out = sortWithinGroups(grp, values, groupOffsets(grp, 1));
    expect(out[0]).toBe(1);
    expect(Number.isNaN(out[99])).toBe(true);
  });

  it('gathers values given in chunks, leaving out those of group −1, then sorts each group in place', () => {
    const grp = [Int32Array.from([1, -1, 0]), Int32Array.from([1, 0]), Int32Array.from([-1, 1])];
    const values = [Float64Array.from([5, 99, 7]), Float64Array.from([2, 6]), Float64Array.from([98, 3])];
    const offset = groupOffsets(grp, 3);
    expect(Array.from(offset)).toEqual([0, 2, 5, 5]);
    const out = gatherByGroup(grp, values, offset);
    expect(Array.from(out)).toEqual([7, 6, 5, 2, 3]);
    sortEachGroup(out, offset);
    expect(Array.from(out)).toEqual([6, 7, 2, 3, 5]);
  });

  it('takes no values', () => {
    expect(sortWithinGroups(new Int32Array(0), new Float64Array(0), groupOffsets(new Int32Array(0), 3)).length).toBe(0);
  });
});
