import type { DemandColumns } from '../bin/demand-cells.ts';

/** Demand cells as the zone algorithms read them: engine/bin's columns (a `DemandCells` can be passed as it is). */
export type ZoneDemand = DemandColumns;

/** An empty demand set at a resolution. */
export function emptyDemand(res: number): ZoneDemand {
  return {
    res,
    count: 0,
    cell: new BigUint64Array(0),
    lat: new Float64Array(0),
    lng: new Float64Array(0),
    trips: new Float64Array(0),
    devices: new Float64Array(0),
    days: new Float64Array(0),
    profile: new Float64Array(0),
    totalTrips: 0,
  };
}

/**
 * The demand with its cells in ascending cell-id order (the order that makes ties deterministic); returns the input
 * itself when already sorted.
 */
export function sortDemandByCell(demand: ZoneDemand): ZoneDemand {
  const n = demand.count;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (demand.cell[i - 1]! >= demand.cell[i]!) sorted = false;
  if (sorted) return demand;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (demand.cell[a]! < demand.cell[b]! ? -1 : demand.cell[a]! > demand.cell[b]! ? 1 : 0));
  const pick = <T extends Float64Array | BigUint64Array>(src: T, make: (len: number) => T): T => {
    const out = make(n);
    for (let r = 0; r < n; r++) out[r] = src[order[r]!]!;
    return out;
  };
  const profile = new Float64Array(n * 24);
  for (let r = 0; r < n; r++) profile.set(demand.profile.subarray(order[r]! * 24, order[r]! * 24 + 24), r * 24);
  return {
    res: demand.res,
    count: n,
    cell: pick(demand.cell, (l) => new BigUint64Array(l)),
    lat: pick(demand.lat, (l) => new Float64Array(l)),
    lng: pick(demand.lng, (l) => new Float64Array(l)),
    trips: pick(demand.trips, (l) => new Float64Array(l)),
    devices: pick(demand.devices, (l) => new Float64Array(l)),
    days: pick(demand.days, (l) => new Float64Array(l)),
    profile,
    totalTrips: demand.totalTrips,
  };
}
