import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { applyPlanEdits, checkPlanEdits } from '../engine/zones/plans.ts';
import { evaluateZoneSet } from '../engine/zones/evaluate-zone-set.ts';
import { resolveZoneOptions } from '../engine/zones/options.ts';
import type { ZoneDemand } from '../engine/zones/demand.ts';
import type { PeaksFn } from '../engine/zones/propose-zones.ts';

// Metres north of (45.5, -122.6) in degrees of latitude: along a meridian the great-circle distance is R·Δφ.
const M = 180 / Math.PI / 6371008.8;
const LAT0 = 45.5;
const LNG0 = -122.6;

/** Five cells on one meridian: 0 m (10 trips), 60 m (6), 150 m (4), 400 m (20), 2 km (10); all trips at hour 8 but the 400 m cell's at 17. */
function line(): ZoneDemand {
  const north = [0, 60, 150, 400, 2000];
  const trips = [10, 6, 4, 20, 10];
  const lat = Float64Array.from(north, (m) => LAT0 + m * M);
  const lng = new Float64Array(5).fill(LNG0);
  const cell = BigUint64Array.from(north, (m) => BigInt('0x' + latLngToCell(LAT0 + m * M, LNG0, 11)));
  const profile = new Float64Array(5 * 24);
  trips.forEach((t, i) => (profile[i * 24 + (i === 3 ? 17 : 8)] = t));
  return { res: 11, count: 5, cell, lat, lng, trips: Float64Array.from(trips), devices: new Float64Array(5), days: new Float64Array(5), profile, totalTrips: 50 };
}

/** Peaks by hand: a quarter of the group's trip ends. */
const quarterPeaks: PeaksFn = async (d, groups, n) => {
  const out = new Float64Array(n);
  for (let c = 0; c < d.count; c++) if (groups[c]! >= 0) out[groups[c]!] += d.trips[c]! / 4;
  return out;
};

const opts = resolveZoneOptions({ walkRadiusM: 100 });

describe('evaluateZoneSet', () => {
  it('covers, walks and sizes a hand-worked set', async () => {
    // A at 0 m serves 0 m and 60 m (16 trips); B at 330 m serves 400 m (70 m away, 20 trips); 150 m and 2 km are too far.
    const r = await evaluateZoneSet(line(), [{ zoneId: 'A', lat: LAT0, lng: LNG0 }, { zoneId: 'B', lat: LAT0 + 330 * M, lng: LNG0 }], opts, { peaks: quarterPeaks });
    expect(r.zones.map((z) => z.coveredTrips)).toEqual([16, 20]);
    expect(r.figures.coveredTrips).toBe(36);
    expect(r.figures.coveredShare).toBeCloseTo(0.72, 12);
    expect(r.figures.medianWalkM).toBe(70); // walks 0 (10), 60 (6), 70 (20): half of 36 is reached at 70
    // peaks 4 and 5 × 1.2 → 4.8 and 6 → 5 and 6 slots
    expect(r.zones.map((z) => z.capacity)).toEqual([5, 6]);
    expect(r.figures.totalSlots).toBe(11);
    expect(r.curve).toEqual([16 / 50, 36 / 50]);
    expect(r.zones[1]!.profile[17]).toBe(20);
    expect(r.zones[0]!.catchment).toHaveLength(2);
  });

  it('keeps a capacity the planner fixed, and a cell in reach of two zones goes to the nearer', async () => {
    const r = await evaluateZoneSet(line(), [{ zoneId: 'A', lat: LAT0, lng: LNG0, capacity: 9 }, { zoneId: 'C', lat: LAT0 + 100 * M, lng: LNG0 }], opts, { peaks: quarterPeaks });
    // C at 100 m reaches 60 m (40 m, nearer than A's 60 m) and 150 m (50 m): A keeps only 0 m.
    expect(r.zones.map((z) => z.coveredTrips)).toEqual([10, 10]);
    expect(r.zones.map((z) => z.capacity)).toEqual([9, 3]);
  });

  it('without a sizing hook gives unfixed zones the minimum capacity and says so', async () => {
    const r = await evaluateZoneSet(line(), [{ lat: LAT0, lng: LNG0 }], opts);
    expect(r.zones[0]!.capacity).toBe(opts.minCapacity);
    expect(r.figures.capacitySized).toBe(false);
    expect(r.zones[0]!.zoneId).toBe(r.zones[0]!.cell); // a new site is named by its centre cell
  });

  it('names a site out of range', async () => {
    await expect(evaluateZoneSet(line(), [{ lat: 95, lng: 0 }], opts)).rejects.toThrow('sites[0].lat: must be a latitude in [-90, 90], got 95');
  });
});

describe('plan edits', () => {
  const zones = [{ zoneId: 'a', centerLat: 1, centerLng: 2 }, { zoneId: 'b', centerLat: 3, centerLng: 4 }];

  it('moves, deletes, adds and fixes capacities in order', () => {
    const edits = checkPlanEdits([
      { op: 'move', zone_id: 'a', lat: 1.5, lng: 2.5 },
      { op: 'delete', zone_id: 'b' },
      { op: 'add', lat: 5, lng: 6 },
      { op: 'capacity', zone_id: 'add-1', capacity: 12 },
    ]);
    const { sites, fixedCapacity } = applyPlanEdits(zones, { b: 4 }, edits);
    expect(sites).toEqual([{ zoneId: 'a', lat: 1.5, lng: 2.5, capacity: null }, { zoneId: 'add-1', lat: 5, lng: 6, capacity: 12 }]);
    expect(fixedCapacity).toEqual({ 'add-1': 12 });
  });

  it('names the edit and field at fault', () => {
    expect(() => checkPlanEdits([{ op: 'move', zone_id: 'a', lat: 1, lng: 200 }])).toThrow('edits[0].lng: must be a longitude in [-180, 180], got 200');
    expect(() => checkPlanEdits([{ op: 'paint' }])).toThrow(`edits[0].op: must be 'move', 'delete', 'add' or 'capacity', got "paint"`);
    expect(() => applyPlanEdits(zones, {}, [{ op: 'delete', zone_id: 'b' }, { op: 'move', zone_id: 'b', lat: 0, lng: 0 }])).toThrow('edits[1].zone_id: no zone "b" in the plan at this edit');
  });
});
