import { ParkzonesError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { haversineM } from './geo.ts';
import type { ZoneRecord, ZoneSummary } from './propose-zones.ts';
import { getRun, getRunZones } from './runs.ts';

/** A zone in a comparison: enough to find and draw it. */
export type ZoneRef = Pick<ZoneRecord, 'zoneId' | 'rank' | 'cell' | 'centerLat' | 'centerLng' | 'capacity' | 'coveredTrips'>;

/** A zone of run A whose site moved to a nearby site in run B. */
export interface ZoneMove {
  from: ZoneRef;
  to: ZoneRef;
  /** Distance between the two centres, metres. */
  distanceM: number;
}

/** Result of {@link compareRuns} / {@link compareZones}: what changed from run A to run B. */
export interface RunComparison {
  a: number | null;
  b: number | null;
  /** Zones at the same cell in both runs (as in B), with the capacity change. */
  kept: (ZoneRef & { capacityChange: number })[];
  /** Zones of A matched to a different site of B within the tolerance (nearest first, one to one). */
  moved: ZoneMove[];
  /** Zones of A with no counterpart in B. */
  removed: ZoneRef[];
  /** Zones of B with no counterpart in A. */
  added: ZoneRef[];
  /** Covered share of trip ends: A, B and B − A. */
  coverage: { a: number; b: number; difference: number };
  /** Total slots: A, B and B − A. */
  slots: { a: number; b: number; difference: number };
  /** Two zones closer than this count as the same zone moved, metres. */
  moveToleranceM: number;
  /** True when both runs saw the same demand cells (same input digest). */
  sameInput: boolean;
}

const ref = (z: ZoneRecord): ZoneRef => ({
  zoneId: z.zoneId,
  rank: z.rank,
  cell: z.cell,
  centerLat: z.centerLat,
  centerLng: z.centerLng,
  capacity: z.capacity,
  coveredTrips: z.coveredTrips,
});

/**
 * Compares two zone sets: zones at the same cell are kept; the remaining zones are paired as moves, nearest pair
 * first (ties: better rank in A, then in B), when their centres are within `moveToleranceM`; what is left is
 * removed (A only) or added (B only).
 * @param a zones and summary of the first run
 * @param b zones and summary of the second run
 * @param moveToleranceM pairing distance, metres
 */
export function compareZones(
  a: { runId?: number; zones: readonly ZoneRecord[]; summary: ZoneSummary },
  b: { runId?: number; zones: readonly ZoneRecord[]; summary: ZoneSummary },
  moveToleranceM: number,
): RunComparison {
  const byCellA = new Map(a.zones.map((z) => [z.cell, z]));
  const cellsB = new Set(b.zones.map((z) => z.cell));
  const kept = b.zones.filter((z) => byCellA.has(z.cell)).map((z) => ({ ...ref(z), capacityChange: z.capacity - byCellA.get(z.cell)!.capacity }));
  const restA = a.zones.filter((z) => !cellsB.has(z.cell));
  const restB = b.zones.filter((z) => !byCellA.has(z.cell));
  const pairs: { i: number; j: number; d: number }[] = [];
  for (let i = 0; i < restA.length; i++) {
    for (let j = 0; j < restB.length; j++) {
      const d = haversineM(restA[i]!.centerLat, restA[i]!.centerLng, restB[j]!.centerLat, restB[j]!.centerLng);
      if (d <= moveToleranceM) pairs.push({ i, j, d });
    }
  }
  pairs.sort((p, q) => p.d - q.d || restA[p.i]!.rank - restA[q.i]!.rank || restB[p.j]!.rank - restB[q.j]!.rank);
  const usedA = new Uint8Array(restA.length);
  const usedB = new Uint8Array(restB.length);
  const moved: ZoneMove[] = [];
  for (const p of pairs) {
    if (usedA[p.i] || usedB[p.j]) continue;
    usedA[p.i] = 1;
    usedB[p.j] = 1;
    moved.push({ from: ref(restA[p.i]!), to: ref(restB[p.j]!), distanceM: Math.round(p.d * 10) / 10 });
  }
  moved.sort((p, q) => p.from.rank - q.from.rank);
  return {
    a: a.runId ?? null,
    b: b.runId ?? null,
    kept,
    moved,
    removed: restA.filter((_, i) => !usedA[i]).map(ref),
    added: restB.filter((_, j) => !usedB[j]).map(ref),
    coverage: { a: a.summary.coveredShare, b: b.summary.coveredShare, difference: b.summary.coveredShare - a.summary.coveredShare },
    slots: { a: a.summary.totalSlots, b: b.summary.totalSlots, difference: b.summary.totalSlots - a.summary.totalSlots },
    moveToleranceM,
    sameInput: a.summary.inputDigest === b.summary.inputDigest,
  };
}

/**
 * Compares two stored runs: zones added, removed, moved (within the larger of the two walking radii by default)
 * and kept, and the coverage and slot differences.
 * @throws ParkzonesError NOT_FOUND when a run does not exist; CONFLICT when one is not done
 * @example
 * const c = await compareRuns(store, 3, 4);
 * console.log(c.added.length, c.removed.length, c.coverage.difference);
 */
export async function compareRuns(store: Store, a: number, b: number, options: { moveToleranceM?: number } = {}): Promise<RunComparison> {
  const [runA, runB] = [await getRun(store, a), await getRun(store, b)];
  for (const run of [runA, runB]) {
    if (run.status !== 'done' || !run.stats) throw new ParkzonesError('CONFLICT', `run ${run.runId} is ${run.status}, only done runs can be compared`);
  }
  const tolerance = options.moveToleranceM ?? Math.max(runA.params.walkRadiusM, runB.params.walkRadiusM);
  return compareZones(
    { runId: a, zones: await getRunZones(store, a), summary: runA.stats!.summary },
    { runId: b, zones: await getRunZones(store, b), summary: runB.stats!.summary },
    tolerance,
  );
}
