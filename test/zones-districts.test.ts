import { describe, expect, it } from 'vitest';
import { demandFromPoints } from '../bench/zones-synth.ts';
import { proposeZonesFromDemand, resolveZoneOptions } from '../engine/zones/index.ts';

const M_LAT = 111_320;
const lat0 = 45.52;
const lng0 = -122.68;
const M_LNG = M_LAT * Math.cos((lat0 * Math.PI) / 180);
const east = (m: number) => lng0 + m / M_LNG;
const at = (dE: number, n: number) => Array.from({ length: n }, () => ({ lat: lat0, lng: east(dE), hour: 8 }));
/** A district polygon spanning [w, e] metres east of the origin, ±200 m north-south. */
const district = (w: number, e: number, properties: Record<string, unknown>) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Polygon', coordinates: [[[east(w), lat0 - 200 / M_LAT], [east(e), lat0 - 200 / M_LAT], [east(e), lat0 + 200 / M_LAT], [east(w), lat0 + 200 / M_LAT]]] },
});
const layer = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('district minimums', () => {
  // East: A (100 trip ends) at 0 m, B (80) at 500 m. West: W (10) at -1500 m. k = 2 unconstrained takes A and B.
  const demand = demandFromPoints([...at(0, 100), ...at(500, 80), ...at(-1500, 10), ...at(-1800, 6)], 11);

  it('meets a minimum the unconstrained greedy leaves out, and reports every district', async () => {
    const free = await proposeZonesFromDemand(demand, { k: 2 });
    expect(free.zones.every((z) => z.centerLng > east(-100))).toBe(true);
    const districts = layer(district(-2000, -1000, { name: 'West', min_zones: 1 }), district(-100, 1000, { name: 'East', min_share: 0.5 }));
    const fair = await proposeZonesFromDemand(demand, { k: 2, districts });
    expect(fair.zones).toHaveLength(2);
    // Both districts start unmet: the best site among theirs is A (East, 100), then West's best, W (10); B is left out.
    expect(fair.zones[0]!.centerLng).toBeCloseTo(east(0), 6);
    expect(fair.zones[1]!.centerLng).toBeCloseTo(east(-1500), 6);
    const [west, eastD] = fair.summary.districts!;
    expect(west).toMatchObject({ name: 'West', minZones: 1, zones: 1, coveredTrips: 10, totalTrips: 16, met: true, reason: null });
    expect(west!.share).toBeCloseTo(10 / 16, 12);
    expect(eastD).toMatchObject({ name: 'East', zones: 1, coveredTrips: 100, totalTrips: 180, met: true });
    expect(fair.summary.detail.districtZones).toBe(2);
    expect(fair.summary.notes?.join(' ')).toMatch(/2 zones placed first to meet district minimums/);
  });

  it('says why a minimum cannot be met: the budget, or no site that adds trip ends', async () => {
    const districts = layer(district(-2000, -1000, { name: 'West', min_zones: 3 }), district(3000, 4000, { min_zones: 1 }));
    const p = await proposeZonesFromDemand(demand, { k: 5, districts });
    const [west, empty] = p.summary.districts!;
    expect(west).toMatchObject({ zones: 2, met: false });
    expect(west!.reason).toMatch(/no further allowed site in the district covers minTrips \(1\) more trip ends/);
    expect(empty).toMatchObject({ name: 'district 1', zones: 0, met: false, reason: 'no allowed zone site stands in the district' });
    const short = await proposeZonesFromDemand(demand, { k: 1, districts: layer(district(-2000, -1000, { min_zones: 1 }), district(-100, 1000, { min_zones: 1 })) });
    expect(short.summary.districts![1]!.met).toBe(true);
    expect(short.summary.districts![0]!.reason).toMatch(/zone budget k \(1\) ran out/);
  });

  it('rejects a bad districts layer naming the feature', () => {
    expect(() => resolveZoneOptions({ districts: layer(district(0, 1, { min_zones: 1.5 })) })).toThrow(/^districts: feature 0 properties.min_zones: must be a whole number/);
    expect(() => resolveZoneOptions({ districts: layer(district(0, 1, {})) })).toThrow(/^districts: feature 0: needs properties.min_zones/);
    expect(() => resolveZoneOptions({ districts: layer(district(0, 1, { min_share: 0.2 }), { type: 'Feature', properties: { min_zones: 1 }, geometry: { type: 'Point', coordinates: [0, 0] } }) })).toThrow(
      /^districts: feature 1: .*Point/,
    );
  });
});
