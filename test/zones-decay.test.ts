import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { demandFromPoints } from '../bench/zones-synth.ts';
import { decayWeight, demandPoints, MEAN_POSITION_MIN_TRIPS, proposeZonesFromDemand, resolveZoneOptions } from '../engine/zones/index.ts';
import { haversineM } from '../engine/zones/geo.ts';

const M_LAT = 111_320;

describe('walking-distance decay', () => {
  it('is 1 at the zone, 0 at and beyond the radius, and the hand-worked value between', () => {
    expect(decayWeight(0, 100, 50)).toBe(1);
    expect(decayWeight(100, 100, 50)).toBeCloseTo(0, 15);
    expect(decayWeight(101, 100, 50)).toBe(0);
    // (e^-0.5 − e^-2) / (1 − e^-2) = (0.606531 − 0.135335) / 0.864665 = 0.544946
    expect(decayWeight(25, 100, 50)).toBeCloseTo(0.544946, 5);
    expect(decayWeight(50, 100, 50)).toBeCloseTo((Math.exp(-1) - Math.exp(-2)) / (1 - Math.exp(-2)), 12);
  });

  it('puts the zone on the busy spot where plain coverage sits between two spots', async () => {
    // Two spots 120 m apart on a meridian: A with 30 trip ends, B with 20. One zone, 100 m radius. Plain coverage
    // cannot reach both from anywhere, so it takes A's cell (30); decay takes A too. Add C 60 m north of A with 25:
    // a cell between A and C (30 m from each) covers A and C (55) under plain coverage; under decay a zone on A is
    // worth 30 + 25·g(60) = 30 + 25·0.1918 = 34.8, one midway 1 + 55·g(30) = 1 + 55·0.4782 = 27.3, so decay sits on A.
    const lat0 = 45.52;
    const lng0 = -122.68;
    const at = (dN: number, n: number) => Array.from({ length: n }, () => ({ lat: lat0 + dN / M_LAT, lng: lng0, hour: 8 }));
    const mid = Array.from({ length: 1 }, () => ({ lat: lat0 + 30 / M_LAT, lng: lng0, hour: 8 })); // a cell in between exists
    const demand = demandFromPoints([...at(0, 30), ...at(60, 25), ...at(-120, 20), ...mid], 12);
    const plain = await proposeZonesFromDemand(demand, { res: 12, k: 1, objective: 'coverage' });
    const decay = await proposeZonesFromDemand(demand, { res: 12, k: 1 });
    const dA = (z: { centerLat: number; centerLng: number }) => haversineM(z.centerLat, z.centerLng, lat0, lng0);
    expect(plain.summary.coveredTrips).toBe(56); // A + C + the one between
    expect(dA(plain.zones[0]!)).toBeGreaterThan(10);
    expect(dA(decay.zones[0]!)).toBeLessThan(1);
    expect(decay.summary.decayedTrips).toBeGreaterThan(plain.summary.decayedTrips);
    // Both figures are reported for both objectives.
    expect(plain.summary.decayedShare).toBeGreaterThan(0);
    expect(decay.summary.coveredShare).toBeGreaterThan(0);
  });

  it('rejects an objective or decay scale it does not know, naming the option', () => {
    expect(() => resolveZoneOptions({ objective: 'nearest' as never })).toThrow(/objective: must be 'coverage' or 'decay', got "nearest"/);
    expect(() => resolveZoneOptions({ decayScaleM: -1 })).toThrow(/decayScaleM: must be a number of metres in \(0, 5000\], got -1/);
  });
});

describe('demand where it is', () => {
  it('stands a cell at the mean of its trip ends, and at its centroid below the k-anonymity floor', () => {
    const lat0 = 45.52;
    const lng0 = -122.68;
    const busy = Array.from({ length: MEAN_POSITION_MIN_TRIPS }, (_, i) => ({ lat: lat0 + (i - 2) * 1e-5, lng: lng0, hour: 8 }));
    const lone = [{ lat: lat0 + 0.01, lng: lng0, hour: 9 }];
    const demand = demandFromPoints([...busy, ...lone], 11);
    const p = demandPoints(demand);
    const busyCell = demand.cell.indexOf(BigInt('0x' + latLngToCell(lat0, lng0, 11)));
    const loneCell = 1 - busyCell;
    expect(p.lat[busyCell]).toBeCloseTo(lat0, 12);
    expect(p.lng[busyCell]).toBeCloseTo(lng0, 12);
    expect(p.lat[loneCell]).toBe(demand.lat[loneCell]);
    expect(p.maxOffsetM).toBeCloseTo(haversineM(demand.lat[busyCell]!, demand.lng[busyCell]!, lat0, lng0), 6);
  });
});

describe('decay values of a graph', () => {
  it('equal decayWeight of every entry, to the bit', async () => {
    const { syntheticDemand } = await import('../bench/zones-synth.ts');
    const { buildZoneModel } = await import('../engine/zones/propose-zones.ts');
    const { decayValues } = await import('../engine/zones/mclp-decay.ts');
    const { graph } = buildZoneModel(syntheticDemand({ cells: 800, res: 11, seed: 2 }).demand, 120);
    for (const scale of [60, 17.5, 400]) {
      const v = decayValues(graph, scale);
      for (let e = 0; e < v.length; e++) expect(v[e]).toBe(decayWeight(graph.distM[e]!, graph.radiusM, scale));
    }
  });
});
