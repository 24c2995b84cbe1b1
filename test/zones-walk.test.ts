/**
 * Each zone's median walk (engine/zones/zone-walk.ts): worked by hand on a few cells, then the same definition as the
 * run's summary on a proposal and on a hand-made zone set (plans).
 */
import { describe, expect, it } from 'vitest';
import { generateCity } from '../fixtures/index.ts';
import { demandFromPoints } from '../bench/zones-synth.ts';
import { evaluateZoneSet, proposeZonesFromDemand, resolveZoneOptions } from '../engine/zones/index.ts';
import { zoneMedianWalks } from '../engine/zones/zone-walk.ts';

describe('zoneMedianWalks', () => {
  it('gives each zone the trip-weighted median walk of the cells it serves, worked by hand', () => {
    // cell:        0    1    2    3    4     5    6
    const group = [0, 0, 0, 1, 1, -1, 3];
    const walkM = [30, 10, 20, 5, 50, 1, 12.345];
    const trips = [1, 1, 5, 2, 2, 100, 4];
    // Zone 0: walks sorted 10 (1 trip), 20 (5), 30 (1); 7 trips, half 3.5 is reached at 20 (1 + 5 = 6).
    // Zone 1: 5 (2 trips), 50 (2); half of 4 is reached at 5 already (the smallest such walk).
    // Zone 2 serves no cell; cell 5 is served by none (its 100 trips count nowhere); zone 3: one cell, 12.345 → 12.3.
    expect(zoneMedianWalks(group, walkM, trips, 4)).toEqual([20, 5, null, 12.3]);
  });

  it('is null for a zone whose cells hold no trip ends, and empty without zones', () => {
    expect(zoneMedianWalks([0, 0], [10, 20], [0, 0], 1)).toEqual([null]);
    expect(zoneMedianWalks([-1], [10], [3], 0)).toEqual([]);
  });
});

describe('per-zone walk in proposals and zone sets', () => {
  const city = generateCity({ trips: 3000, seed: 5, days: 7 });
  const demand = demandFromPoints(
    [...city.trips()].map((t) => ({ lat: t.endLat, lng: t.endLng, hour: new Date(t.endMs).getUTCHours() })),
    11,
  );

  it('a one-zone proposal’s zone walk is the run’s median walk; zones of a larger one differ', async () => {
    const one = await proposeZonesFromDemand(demand, { k: 1 });
    expect(one.zones[0]!.medianWalkM).toBe(one.summary.medianWalkM);
    const many = await proposeZonesFromDemand(demand, { k: 8 });
    const walks = many.zones.map((z) => z.medianWalkM);
    for (const w of walks) expect(w).toBeGreaterThanOrEqual(0);
    for (const w of walks) expect(w).toBeLessThanOrEqual(many.options.walkRadiusM);
    expect(new Set(walks).size).toBeGreaterThan(1);
  });

  it('a hand-made zone set (plans) gives each zone its walk by the set’s own definition', async () => {
    const p = await proposeZonesFromDemand(demand, { k: 5 });
    const sites = p.zones.map((z) => ({ zoneId: z.zoneId, lat: z.centerLat, lng: z.centerLng }));
    const opts = resolveZoneOptions({ k: 5 });
    // One site: its zone's walk is the set's median walk (walks from the cells' points, as evaluateZoneSet's figures).
    const single = await evaluateZoneSet(demand, sites.slice(0, 1), opts);
    expect(single.zones[0]!.medianWalkM).toBe(single.figures.medianWalkM);
    const all = await evaluateZoneSet(demand, sites, opts);
    const walks = all.zones.map((z) => z.medianWalkM);
    for (const w of walks) expect(w).toBeLessThanOrEqual(opts.walkRadiusM);
    expect(new Set(walks).size).toBeGreaterThan(1);
    // A site serving no trip end has no walk.
    const far = await evaluateZoneSet(demand, [...sites, { lat: 0.5, lng: 0.5 }], opts);
    expect(far.zones.at(-1)!.medianWalkM).toBe(null);
  });
});
