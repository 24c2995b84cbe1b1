/**
 * The generator's street mode: trip ends on the real streets of central Portland (within a few metres of a road
 * segment), hotspots at corners, and the same trips for the same seed.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity, loadStreetNetwork, PORTLAND_CENTER_LAT_LNG, type StreetNetwork, type SyntheticTrip } from '../fixtures/index.ts';
import { haversineM } from '../engine/geo/haversine.ts';

const EXTRACT = path.resolve(import.meta.dirname, '..', 'basemap', 'portland-central-filtered.osm.pbf');
const M_PER_DEG_LAT = 111_320;

/** Metres from (lat, lng) to the nearest segment (local equirectangular projection: exact enough within a city). */
function metresToNearestSegment(streets: StreetNetwork, lat: number, lng: number): number {
  const kx = M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
  const s = streets.segmentsLatLng;
  let best = Infinity;
  for (let i = 0; i < s.length; i += 4) {
    const ax = (s[i + 1]! - lng) * kx, ay = (s[i]! - lat) * M_PER_DEG_LAT;
    const bx = (s[i + 3]! - lng) * kx, by = (s[i + 2]! - lat) * M_PER_DEG_LAT;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
    const d = Math.hypot(ax + t * dx, ay + t * dy);
    if (d < best) best = d;
  }
  return best;
}

describe('generateCity in street mode (central Portland)', () => {
  let streets: StreetNetwork;
  let trips: SyntheticTrip[];
  const options = () => ({ trips: 1500, seed: 4, streets, centerLatLng: PORTLAND_CENTER_LAT_LNG, spreadM: 1200 });

  beforeAll(async () => {
    streets = await loadStreetNetwork(EXTRACT);
    trips = [...generateCity(options()).trips()];
  });

  it('reads the streets and corners of the extract', () => {
    expect(streets.segmentsLatLng.length / 4).toBeGreaterThan(10_000);
    expect(streets.cornersLatLng.length / 2).toBeGreaterThan(2_000);
  });

  it('puts every trip end and start within 6 m of a street', () => {
    for (const t of trips.slice(0, 200)) {
      expect(metresToNearestSegment(streets, t.endLat, t.endLng), `${t.endLat},${t.endLng}`).toBeLessThan(6);
      expect(metresToNearestSegment(streets, t.startLat, t.startLng), `${t.startLat},${t.startLng}`).toBeLessThan(6);
    }
  });

  it('puts the hotspots at corners, and many trip ends near them', () => {
    const city = generateCity(options());
    const cornerKeys = new Set<string>();
    for (let i = 0; i < streets.cornersLatLng.length; i += 2) cornerKeys.add(`${Math.round(streets.cornersLatLng[i]! * 1e6)},${Math.round(streets.cornersLatLng[i + 1]! * 1e6)}`);
    for (const h of city.hotspots) expect(cornerKeys.has(`${Math.round(h.lat * 1e6)},${Math.round(h.lng * 1e6)}`), h.name).toBe(true);
    const near = trips.filter((t) => city.hotspots.some((h) => haversineM(t.endLat, t.endLng, h.lat, h.lng) < 80)).length;
    expect(near / trips.length).toBeGreaterThan(0.5);
  });

  it('stays in central Portland', () => {
    for (const t of trips) {
      expect(haversineM(t.endLat, t.endLng, ...PORTLAND_CENTER_LAT_LNG)).toBeLessThan(6000);
    }
  });

  it('gives the same trips for the same seed and others for another', () => {
    const again = [...generateCity(options()).trips()];
    expect(again).toEqual(trips);
    const other = [...generateCity({ ...options(), seed: 5 }).trips()];
    expect(other.map((t) => t.endLat)).not.toEqual(trips.map((t) => t.endLat));
  });

  it('leaves the synthetic mode (no streets) as it was: Louisville, off the street grid', () => {
    const synthetic = [...generateCity({ trips: 200, seed: 4 }).trips()];
    expect(haversineM(synthetic[0]!.endLat, synthetic[0]!.endLng, 38.2527, -85.7585)).toBeLessThan(15_000);
  });
});
