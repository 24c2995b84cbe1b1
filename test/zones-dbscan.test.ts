import { describe, expect, it } from 'vitest';
import { demandFromPoints, syntheticDemand } from '../bench/zones-synth.ts';
import { demandPoints, proposeZonesFromDemand, type ZoneProposal } from '../engine/zones/index.ts';
import { haversineM } from '../engine/zones/geo.ts';
import type { ZoneDemand } from '../engine/zones/index.ts';

/** Trip ends whose cell point lies within `radiusM` of some zone centre, by brute force. */
function coveredByBruteForce(demand: ZoneDemand, p: ZoneProposal, radiusM: number): number {
  const pts = demandPoints(demand);
  let covered = 0;
  for (let c = 0; c < demand.count; c++) {
    if (p.zones.some((z) => haversineM(z.centerLat, z.centerLng, pts.lat[c]!, pts.lng[c]!) <= radiusM)) covered += demand.trips[c]!;
  }
  return covered;
}

describe('dbscan zones respect the walking radius', () => {
  it('splits a cluster wider than the radius into zones that cover it within the radius', async () => {
    // A dense street 600 m long (one DBSCAN cluster at eps 100 m), 8 trip ends every 10 m.
    const lat0 = 45.52;
    const lng0 = -122.68;
    const points = [];
    for (let m = 0; m <= 600; m += 10) for (let t = 0; t < 8; t++) points.push({ lat: lat0 + m / 111_320, lng: lng0, hour: 8 });
    const demand = demandFromPoints(points, 11);
    const p = await proposeZonesFromDemand(demand, { method: 'dbscan', walkRadiusM: 100, coverage: 1, dbscanMinTrips: 8 });
    expect(p.summary.detail.clusters).toBe(1);
    expect(p.zones.length).toBeGreaterThanOrEqual(3); // 600 m of street, 200 m per zone at most
    expect(p.summary.detail.splitClusters).toBe(1);
    expect(p.summary.coveredTrips).toBe(points.length);
    for (const z of p.zones) {
      for (const hex of z.catchment) {
        const c = demand.cell.indexOf(BigInt('0x' + hex));
        const pts = demandPoints(demand);
        expect(haversineM(z.centerLat, z.centerLng, pts.lat[c]!, pts.lng[c]!)).toBeLessThanOrEqual(100);
      }
    }
  });

  it('measures coverage the same way for both methods: trip ends within the radius of a zone', async () => {
    const { demand } = syntheticDemand({ cells: 800, seed: 44, res: 11 });
    for (const method of ['mclp', 'dbscan'] as const) {
      const p = await proposeZonesFromDemand(demand, { method, k: 12, walkRadiusM: 100 });
      expect(p.zones.length, method).toBe(12);
      expect(p.summary.coveredTrips, method).toBe(coveredByBruteForce(demand, p, 100));
      expect(p.curve.at(-1), method).toBeCloseTo(p.summary.coveredShare, 12);
      expect(p.summary.medianWalkM!, method).toBeLessThanOrEqual(100);
      expect(p.zones.reduce((s, z) => s + z.coveredTrips, 0), method).toBe(p.summary.coveredTrips);
    }
  });
});
