import type { DemandColumns } from '../bin/demand-cells.ts';
import { pickCells } from '../bin/cells-in-bbox.ts';

/**
 * k-anonymity for demand aggregates: a cell with fewer than k trip ends is not shown to anyone but an admin,
 * and within a shown cell an hour of the day with fewer than k trip ends reads as 0.
 */

/** Default k: cells with fewer trip ends than this are suppressed. */
export const DEFAULT_K = 5;

/** The columns of demand cells this module reads and filters. */
export type CellColumns = DemandColumns;

/** What {@link suppressCells} removed, for the response's metadata (no counts of the removed cells). */
export interface SuppressionInfo {
  k: number;
  suppressedCells: number;
}

/** Throws unless k is a whole number ≥ 1. */
export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k-anonymity threshold must be a whole number ≥ 1, got ${k}`);
}

/**
 * A copy of `cells` without the cells that have fewer than `k` trip ends; in the cells kept, profile hours with
 * fewer than `k` trip ends are set to 0. `totalTrips` becomes the sum over the kept cells. k = 1 keeps everything.
 * @example
 * const shown = suppressCells(await demandCells(store, { res: 10 }), 5);
 */
export function suppressCells<T extends CellColumns>(cells: T, k: number = DEFAULT_K): T & { suppression: SuppressionInfo } {
  checkK(k);
  const keep: number[] = [];
  for (let i = 0; i < cells.count; i++) if (cells.trips[i]! >= k) keep.push(i);
  const out = { ...cells, ...pickCells(cells, keep), suppression: { k, suppressedCells: cells.count - keep.length } };
  for (let j = 0; j < out.profile.length; j++) if (!(out.profile[j]! >= k)) out.profile[j] = 0;
  return out;
}

/** The set of cells (as bigint ids) that survive suppression at `k`: the cells a non-admin may see named. */
export function visibleCellSet(cells: CellColumns, k: number = DEFAULT_K): Set<bigint> {
  checkK(k);
  const set = new Set<bigint>();
  for (let i = 0; i < cells.count; i++) if (cells.trips[i]! >= k) set.add(cells.cell[i]!);
  return set;
}

/** A 24-hour profile with hours below `k` set to 0 (a new array). */
export function suppressProfile(profile: ArrayLike<number>, k: number = DEFAULT_K): number[] {
  checkK(k);
  return Array.from(profile, (v) => (v >= k ? v : 0));
}
