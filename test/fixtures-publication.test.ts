import { describe, expect, it } from 'vitest';
import { generateCity } from '../fixtures/index.ts';
import { haversineM } from '../engine/geo/haversine.ts';

const base = { trips: 4000, seed: 5, days: 14, providers: 2 };
const AFTER = Date.UTC(2026, 5, 8);
const zones: [number, number][] = [[38.2527, -85.7585], [38.26, -85.74]];
const nearestM = (lat: number, lng: number) => Math.min(...zones.map((z) => haversineM(lat, lng, z[0], z[1])));

describe('generator: simulated publication', () => {
  it('keeps trips, devices and times; only ends after the date move', () => {
    const plain = [...generateCity(base).trips()];
    const sim = [...generateCity({ ...base, publication: { afterMs: AFTER, zonesLatLng: zones, share: [1, 0] } }).trips()];
    expect(sim.map((t) => [t.tripId, t.deviceId, t.providerId])).toEqual(plain.map((t) => [t.tripId, t.deviceId, t.providerId]));
    const p0 = plain[0]!.providerId === sim[0]!.providerId ? plain[0]!.providerId : '';
    let moved = 0;
    sim.forEach((t, i) => {
      const before = t.startMs < AFTER;
      if (before) expect([t.endLat, t.endLng]).toEqual([plain[i]!.endLat, plain[i]!.endLng]);
      if (!before && t.providerId === p0) {
        expect(nearestM(t.endLat, t.endLng)).toBeLessThan(25);
        moved++;
      }
    });
    expect(moved).toBeGreaterThan(500);
  });

  it('a share of 0 for an operator leaves its ends where riders left them', () => {
    const plain = [...generateCity(base).trips()];
    const sim = [...generateCity({ ...base, publication: { afterMs: AFTER, zonesLatLng: zones, share: [1, 0] } }).trips()];
    const p1 = generateCity(base).providers[1]!.id;
    const far = sim.filter((t, i) => t.providerId === p1 && t.endLat === plain[i]!.endLat).length;
    expect(far).toBe(sim.filter((t) => t.providerId === p1).length);
  });

  it('a share of one half moves about half of the ends after the date', () => {
    const sim = [...generateCity({ ...base, publication: { afterMs: AFTER, zonesLatLng: zones, share: 0.5 } }).trips()];
    const after = sim.filter((t) => t.startMs >= AFTER);
    const inZone = after.filter((t) => nearestM(t.endLat, t.endLng) < 25).length / after.length;
    expect(inZone).toBeGreaterThan(0.45);
    expect(inZone).toBeLessThan(0.6);
  });

  it('bad shares and no zones are errors', () => {
    expect(() => generateCity({ ...base, publication: { afterMs: AFTER, zonesLatLng: zones, share: 1.5 } })).toThrow(/publication.share: each share must be 0–1/);
    expect(() => generateCity({ ...base, publication: { afterMs: AFTER, zonesLatLng: [], share: 1 } })).toThrow(/name at least one zone/);
  });
});
