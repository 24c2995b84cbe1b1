import { describe, expect, it } from 'vitest';
import { demandFromPoints } from '../bench/zones-synth.ts';
import { proposeZonesFromDemand, resolveZoneOptions } from '../engine/zones/index.ts';
import { parseCandidateSites } from '../engine/zones/candidate-sites.ts';
import { haversineM } from '../engine/zones/geo.ts';
import { isParkzonesError } from '../engine/errors.ts';

const M_LAT = 111_320;
const lat0 = 45.52;
const lng0 = -122.68;
const M_LNG = M_LAT * Math.cos((lat0 * Math.PI) / 180);
const north = (m: number) => lat0 + m / M_LAT;
const at = (dN: number, n: number, dE = 0) => Array.from({ length: n }, () => ({ lat: north(dN), lng: lng0 + dE / M_LNG, hour: 8 }));
const point = (lat: number, lng: number) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lng, lat] } });
const layer = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('candidate sites from a layer', () => {
  it('chooses the hand-worked best site, for plain coverage and for decay', async () => {
    // A: 30 trip ends at the origin; C: 25 trip ends 120 m north. Sites: S_A 5 m east of A, S_M 60 m north (between),
    // S_far 1 km east. Radius 100 m. Plain coverage: S_M covers A and C (55) > S_A (30) → S_M. Decay (scale 50 m):
    // S_M is worth 55·g(60) = 55·0.1918 = 10.5, S_A 30·g(5) + 0 = 30·0.887 = 26.6 → S_A.
    const demand = demandFromPoints([...at(0, 30), ...at(120, 25)], 12);
    const sA = point(north(0), lng0 + 5 / M_LNG);
    const sM = point(north(60), lng0);
    const sFar = point(north(0), lng0 + 1000 / M_LNG);
    const candidates = layer(sA, sM, sFar);
    const plain = await proposeZonesFromDemand(demand, { res: 12, k: 1, objective: 'coverage', candidates });
    expect(plain.zones).toHaveLength(1);
    expect(plain.zones[0]!.centerLat).toBeCloseTo(north(60), 9);
    expect(plain.zones[0]!.centerLng).toBeCloseTo(lng0, 9);
    expect(plain.summary.coveredTrips).toBe(55);
    expect(plain.zones[0]!.zoneId).toBe(`site:${north(60).toFixed(6)},${lng0.toFixed(6)}`);
    const decay = await proposeZonesFromDemand(demand, { res: 12, k: 1, candidates });
    expect(haversineM(decay.zones[0]!.centerLat, decay.zones[0]!.centerLng, lat0, lng0)).toBeCloseTo(5, 0);
    expect(decay.summary.coveredTrips).toBe(30);
    expect(decay.summary.candidateCells).toBe(3);
    expect(decay.summary.notes?.join(' ')).toMatch(/local search and Lagrangian phases skipped/);
    expect(decay.summary.detail.improvementSkipped).toBe(1);
  });

  it('puts no zone off the layer, and the same site gets the same id in every run', async () => {
    const pts = [];
    for (let i = 0; i < 40; i++) pts.push(...at((i * 37) % 400, 3 + (i % 7), ((i * 53) % 500) - 250));
    const demand = demandFromPoints(pts, 11);
    const sites = Array.from({ length: 12 }, (_, i) => point(north(i * 35), lng0 + (((i * 71) % 400) - 200) / M_LNG));
    const candidates = layer(...sites);
    const a = await proposeZonesFromDemand(demand, { k: 6, candidates, minSpacingM: 40 });
    const b = await proposeZonesFromDemand(demand, { k: 8, candidates, minSpacingM: 40 });
    const ids = new Set(parseCandidateSites(candidates).id);
    expect(a.zones.length).toBeGreaterThan(1);
    for (const z of [...a.zones, ...b.zones]) expect(ids.has(z.zoneId)).toBe(true);
    for (const z of a.zones) expect(b.zones.find((y) => y.zoneId === z.zoneId)?.centerLat).toBe(z.centerLat);
    for (let i = 0; i < a.zones.length; i++) {
      for (let j = i + 1; j < a.zones.length; j++) {
        expect(haversineM(a.zones[i]!.centerLat, a.zones[i]!.centerLng, a.zones[j]!.centerLat, a.zones[j]!.centerLng)).toBeGreaterThanOrEqual(40);
      }
    }
    // Every covered trip end is within the radius of its zone.
    expect(a.summary.coveredTrips).toBe(a.zones.reduce((s, z) => s + z.coveredTrips, 0));
    const excluded = await proposeZonesFromDemand(demand, {
      k: 6,
      candidates,
      exclude: { type: 'Polygon', coordinates: [[[lng0 - 0.01, north(-10)], [lng0 + 0.01, north(-10)], [lng0 + 0.01, north(10)], [lng0 - 0.01, north(10)]]] },
    });
    expect(excluded.summary.candidateCells).toBe(11);
    const everywhere = { type: 'Polygon', coordinates: [[[lng0 - 0.1, lat0 - 0.1], [lng0 + 0.1, lat0 - 0.1], [lng0 + 0.1, lat0 + 0.1], [lng0 - 0.1, lat0 + 0.1]]] };
    const none = await proposeZonesFromDemand(demand, { k: 6, candidates, exclude: everywhere });
    expect(none.zones).toHaveLength(0);
    expect(none.summary.reason).toBe('every site of the candidate layer lies inside an exclusion polygon, so no zone centre is allowed');
    for (const z of excluded.zones) expect(z.centerLat).not.toBeCloseTo(lat0, 9);
  });

  it('samples lines every candidateSpacingM metres, ends included', async () => {
    const line = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[lng0, lat0], [lng0 + 60 / M_LNG, lat0], [lng0 + 100 / M_LNG, lat0]] } };
    const sites = parseCandidateSites(layer(line), 25);
    expect(sites.count).toBe(5); // 0, 25, 50, 75, 100 m
    for (let i = 1; i < sites.count; i++) expect(haversineM(sites.lat[i - 1]!, sites.lng[i - 1]!, sites.lat[i]!, sites.lng[i]!)).toBeCloseTo(25, 0);
    const multi = { type: 'MultiLineString', coordinates: [[[lng0, lat0], [lng0, north(50)]], [[lng0, north(200)], [lng0, north(210)]]] };
    expect(parseCandidateSites(multi, 20).count).toBe(4 + 2);
    // Demand 50 m along the line: the zone stands at that sample.
    const demand = demandFromPoints(at(0, 20, 50), 12);
    const p = await proposeZonesFromDemand(demand, { res: 12, k: 1, candidates: layer(line) });
    expect(haversineM(p.zones[0]!.centerLat, p.zones[0]!.centerLng, lat0, lng0 + 50 / M_LNG)).toBeLessThan(0.5);
  });

  it('rejects bad GeoJSON with BAD_OPTION naming candidates and the feature', () => {
    const bad = (candidates: unknown, re: RegExp) => {
      try {
        resolveZoneOptions({ candidates });
        expect.unreachable();
      } catch (e) {
        expect(isParkzonesError(e, 'BAD_OPTION')).toBe(true);
        expect((e as { location: { option?: string } }).location.option).toBe('candidates');
        expect((e as Error).message).toMatch(re);
      }
    };
    bad(layer(point(lat0, lng0), { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] } }), /^candidates: feature 1 is a Polygon/);
    bad(layer(point(lat0, lng0), point(lat0, 200)), /^candidates: feature 1: \[200, 45.52\] is outside/);
    bad(layer({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[lng0, lat0]] } }), /^candidates: feature 0: a LineString needs at least 2 positions/);
    bad({ type: 'FeatureCollection', features: [] }, /no site/);
    bad('corners', /must be a GeoJSON FeatureCollection/);
    expect(() => resolveZoneOptions({ candidates: layer(point(lat0, lng0)), method: 'dbscan' })).toThrow(/^candidates: a candidate layer needs method 'mclp'/);
  });
});
