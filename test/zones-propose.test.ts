import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellToLatLng, getResolution, gridDisk, latLngToCell } from 'h3-js';
import { generateCity } from '../fixtures/index.ts';
import { demandFromCells, demandFromPoints } from '../bench/zones-synth.ts';
import { emptyDemand, proposeZonesFromDemand, zonesToGeoJson, type ZoneDemand, type ZoneProposal, type ZoneStage } from '../engine/zones/index.ts';
import { haversineM } from '../engine/zones/geo.ts';
import { pointInPolygon, parseExclusions } from '../engine/zones/exclusions.ts';

const GOLDEN = path.join(import.meta.dirname, 'golden', 'zones');

const city = generateCity({ trips: 6000, seed: 21, days: 7 });
const trips = [...city.trips()];
const cityDemand = demandFromPoints(
  trips.map((t) => ({ lat: t.endLat, lng: t.endLng, hour: new Date(t.endMs).getUTCHours() })),
  11,
);

/** The same demand with its cells in reversed order. */
function reversed(d: ZoneDemand): ZoneDemand {
  const n = d.count;
  const rev = <T extends Float64Array | BigUint64Array>(a: T): T => a.slice().reverse() as T;
  const profile = new Float64Array(n * 24);
  for (let i = 0; i < n; i++) profile.set(d.profile.subarray((n - 1 - i) * 24, (n - i) * 24), i * 24);
  const ends = d.endLat && d.endLng ? { endLat: rev(d.endLat), endLng: rev(d.endLng) } : {};
  return { ...d, cell: rev(d.cell), lat: rev(d.lat), lng: rev(d.lng), trips: rev(d.trips), devices: rev(d.devices), days: rev(d.days), profile, ...ends };
}

/** JSON with one level of indentation per object and arrays of numbers on one line (readable diffs, small files). */
function pretty(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\[[\s\d.,eE+-]*\]/g, (m) => m.replace(/\s+/g, ''));
}

/** Compares with a golden file, or rewrites it with REGEN=1. */
function golden(name: string, value: unknown): void {
  const file = path.join(GOLDEN, name);
  const text = pretty(value) + '\n';
  if (process.env.REGEN || !fs.existsSync(file)) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(JSON.parse(text)).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
}

describe('proposeZonesFromDemand on a hand-checked instance', () => {
  // A hot cell with 10 trip ends, its six neighbours with 1 each, and a far cell with 3.
  const centre = latLngToCell(45.52, -122.68, 11);
  const ring = gridDisk(centre, 1).filter((h) => h !== centre);
  const far = latLngToCell(45.53, -122.68, 11);
  const demand = demandFromCells([{ hex: centre, trips: 10 }, ...ring.map((hex) => ({ hex, trips: 1 })), { hex: far, trips: 3 }], 11);

  it('puts the first zone on the hot cell covering its ring, the second on the far cell', async () => {
    const p = await proposeZonesFromDemand(demand, { k: 2, walkRadiusM: 60 });
    expect(p.zones.map((z) => z.cell)).toEqual([centre, far]);
    expect(p.zones.map((z) => z.coveredTrips)).toEqual([16, 3]);
    expect(p.curve).toEqual([16 / 19, 1]);
    expect(p.zones[0]!.catchment).toEqual([centre, ...ring].sort());
    expect(p.summary.coveredShare).toBe(1);
    expect(p.summary.stop).toBe('k');
  });

  it('reports the trip-weighted median walk from trip end cell to zone centre', async () => {
    const p = await proposeZonesFromDemand(demand, { k: 2, walkRadiusM: 60 });
    expect(p.summary.medianWalkM).toBe(0); // 13 of 19 trip ends are in a zone's own cell
    // Two neighbouring cells, 1 and 3 trip ends, both within reach of each other: equal gain, the lower id wins.
    const pair = demandFromCells([{ hex: centre, trips: 1 }, { hex: ring[0]!, trips: 3 }], 11);
    const one = await proposeZonesFromDemand(pair, { k: 1, walkRadiusM: 60 });
    const winner = [centre, ring[0]!].sort()[0]!;
    expect(one.zones[0]!.cell).toBe(winner);
    const [lat0, lng0] = cellToLatLng(centre);
    const [lat1, lng1] = cellToLatLng(ring[0]!);
    const d = Math.round(haversineM(lat0!, lng0!, lat1!, lng1!) * 10) / 10;
    // Median over 4 trip ends: 3 of them walk 0 m if the zone is on their cell, else d.
    expect(one.summary.medianWalkM).toBe(winner === ring[0] ? 0 : d);
  });

  it('puts each catchment cell of a zone within the walking radius of its centre', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { k: 40, walkRadiusM: 100 });
    for (const z of p.zones) {
      for (const hex of z.catchment) {
        const [lat, lng] = cellToLatLng(hex);
        expect(haversineM(z.centerLat, z.centerLng, lat!, lng!)).toBeLessThanOrEqual(100);
      }
    }
  });
});

describe('proposeZonesFromDemand on the synthetic city', () => {
  it('gives every hotspot a zone within the walking radius', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { walkRadiusM: 100 });
    for (const h of city.hotspots) {
      const nearest = Math.min(...p.zones.map((z) => haversineM(h.lat, h.lng, z.centerLat, z.centerLng)));
      expect(nearest, h.name).toBeLessThanOrEqual(100);
    }
  });

  it('stops at the default coverage target of 0.8 when no budget is given', async () => {
    const p = await proposeZonesFromDemand(cityDemand, {});
    expect(p.summary.stop).toBe('coverage');
    expect(p.summary.coveredShare).toBeGreaterThanOrEqual(0.8);
    expect(p.curve.at(-2)!).toBeLessThan(0.8);
  });

  it('stops at k zones when k comes first', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { k: 7, coverage: 0.95 });
    expect(p.zones).toHaveLength(7);
    expect(p.summary.stop).toBe('k');
  });

  it('gives the same zones for the same input, whatever the order of the cells', async () => {
    const a = await proposeZonesFromDemand(cityDemand, { k: 30 });
    const b = await proposeZonesFromDemand(reversed(cityDemand), { k: 30 });
    expect(b.zones).toEqual(a.zones);
    expect(b.curve).toEqual(a.curve);
    expect(b.summary).toEqual(a.summary);
  });

  it('covers at least as much after local search and the Lagrangian phase as the plain greedy, and bounds the optimum', async () => {
    const greedy = await proposeZonesFromDemand(cityDemand, { k: 25, optimize: 'greedy', objective: 'coverage' });
    const local = await proposeZonesFromDemand(cityDemand, { k: 25, optimize: 'local', objective: 'coverage' });
    const lagrangian = await proposeZonesFromDemand(cityDemand, { k: 25, optimize: 'lagrangian', objective: 'coverage' });
    expect(local.summary.coveredTrips).toBeGreaterThanOrEqual(greedy.summary.coveredTrips);
    expect(lagrangian.summary.coveredTrips).toBeGreaterThanOrEqual(local.summary.coveredTrips);
    expect(lagrangian.summary.upperBoundTrips!).toBeGreaterThanOrEqual(lagrangian.summary.coveredTrips);
    expect(lagrangian.summary.shareOfBound!).toBeGreaterThan(0.95);
    expect(greedy.summary.upperBoundTrips).toBeNull();
  });

  it('keeps zone centres at least minSpacingM apart', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { k: 40, minSpacingM: 250 });
    for (let a = 0; a < p.zones.length; a++) {
      for (let b = a + 1; b < p.zones.length; b++) {
        const d = haversineM(p.zones[a]!.centerLat, p.zones[a]!.centerLng, p.zones[b]!.centerLat, p.zones[b]!.centerLng);
        expect(d).toBeGreaterThanOrEqual(250);
      }
    }
  });

  it('refuses zones that would cover fewer than minTrips trip ends, and says so', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { k: 10_000, coverage: 1, minTrips: 20, objective: 'coverage' });
    expect(p.summary.stop).toBe('min-trips');
    expect(p.summary.reason).toMatch(/minTrips \(20\)/);
    for (let i = 1; i < p.curve.length; i++) expect((p.curve[i]! - p.curve[i - 1]!) * p.summary.totalTrips).toBeGreaterThanOrEqual(20 - 1e-9);
  });

  it('adds up: zone trip ends sum to the covered total, profiles to trip ends, shares to the covered share', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { k: 50 });
    expect(p.zones.reduce((s, z) => s + z.coveredTrips, 0)).toBe(p.summary.coveredTrips);
    for (const z of p.zones) expect(z.profile.reduce((a, b) => a + b, 0)).toBe(z.coveredTrips);
    expect(p.zones.reduce((s, z) => s + z.share, 0)).toBeCloseTo(p.summary.coveredShare, 12);
    expect(p.curve.at(-1)).toBeCloseTo(p.summary.coveredShare, 12);
    expect(p.summary.totalTrips).toBe(6000);
  });

  it('draws each footprint as a closed counter-clockwise ring holding its catchment', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { k: 20 });
    for (const z of p.zones) {
      expect(z.footprint.type).toBe('Polygon');
      const ring = z.footprint.coordinates[0] as number[][];
      expect(ring[0]).toEqual(ring.at(-1));
      let area2 = 0;
      for (let i = 0; i + 1 < ring.length; i++) area2 += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
      expect(area2).toBeGreaterThan(0);
      const polygon = parseExclusions(z.footprint).polygons[0]!;
      for (const hex of z.catchment) {
        const [lat, lng] = cellToLatLng(hex);
        expect(pointInPolygon(polygon, lng!, lat!)).toBe(true);
      }
    }
  });

  it('reports progress from 0 to 1 through the stages in order', async () => {
    const seen: [number, ZoneStage][] = [];
    await proposeZonesFromDemand(cityDemand, { k: 10 }, { onProgress: (f, s) => seen.push([f, s]) });
    const fractions = seen.map(([f]) => f);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual([1, 'done']);
    const stages = [...new Set(seen.map(([, s]) => s))];
    expect(stages).toEqual(['candidates', 'solve', 'capacity', 'zones', 'done']);
  });

  it('sizes zones from the percentile peak × safety factor, rounded up, within floor and ceiling', async () => {
    const peaks = async (_d: ZoneDemand, _g: Int32Array, count: number) => Float64Array.from({ length: count }, (_, z) => [5, 0.4, 100][z % 3]!);
    const p = await proposeZonesFromDemand(cityDemand, { k: 3, safetyFactor: 1.2, minCapacity: 2, maxCapacity: 50 }, { peaks });
    expect(p.zones.map((z) => z.capacity)).toEqual([6, 2, 50]);
    expect(p.summary.totalSlots).toBe(58);
    expect(p.summary.capacitySized).toBe(true);
  });

  it('gives the sizing function each demand cell’s zone', async () => {
    let groups: Int32Array | null = null;
    const p = await proposeZonesFromDemand(cityDemand, { k: 4 }, { peaks: async (_d, g, n) => ((groups = g), new Float64Array(n)) });
    const cellsPerZone = [0, 0, 0, 0];
    for (const g of groups!) if (g >= 0) cellsPerZone[g]!++;
    expect(cellsPerZone).toEqual(p.zones.map((z) => z.catchment.length));
  });

  it('writes the golden GeoJSON of a small proposal', async () => {
    const small = demandFromPoints(
      trips.slice(0, 1500).map((t) => ({ lat: t.endLat, lng: t.endLng, hour: new Date(t.endMs).getUTCHours() })),
      11,
    );
    const p = await proposeZonesFromDemand(small, { k: 6, walkRadiusM: 100 });
    golden('small-city-mclp.geojson', zonesToGeoJson(p.zones, { curve: p.curve }));
  });
});

describe('proposeZonesFromDemand with exclusions', () => {
  const square = (lat: number, lng: number, halfM: number) => {
    const dLat = halfM / 111_320;
    const dLng = halfM / (111_320 * Math.cos((lat * Math.PI) / 180));
    return [[[lng - dLng, lat - dLat], [lng + dLng, lat - dLat], [lng + dLng, lat + dLat], [lng - dLng, lat + dLat], [lng - dLng, lat - dLat]]];
  };

  it('never puts a zone centre inside an exclusion polygon', async () => {
    const exclude = { type: 'FeatureCollection', features: city.hotspots.slice(0, 4).map((h) => ({ type: 'Feature', properties: { name: 'park' }, geometry: { type: 'Polygon', coordinates: square(h.lat, h.lng, 80) } })) };
    const p = await proposeZonesFromDemand(cityDemand, { k: 30, exclude });
    const polygons = parseExclusions(exclude).polygons;
    expect(p.summary.excludedCells).toBeGreaterThan(0);
    for (const z of p.zones) for (const poly of polygons) expect(pointInPolygon(poly, z.centerLng, z.centerLat)).toBe(false);
  });

  it('still covers an excluded hotspot from outside its polygon when the walk allows', async () => {
    const h = city.hotspots[0]!;
    const p = await proposeZonesFromDemand(cityDemand, { k: 40, walkRadiusM: 150, exclude: { type: 'Polygon', coordinates: square(h.lat, h.lng, 40) } });
    const nearest = Math.min(...p.zones.map((z) => haversineM(h.lat, h.lng, z.centerLat, z.centerLng)));
    expect(nearest).toBeGreaterThan(40);
    expect(nearest).toBeLessThanOrEqual(150 + 30);
  });

  it('yields zero zones, and says why, when every demand cell is excluded', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { exclude: { type: 'Polygon', coordinates: [[[-180, -89], [180, -89], [180, 89], [-180, 89], [-180, -89]]] } });
    expect(p.zones).toEqual([]);
    expect(p.summary.reason).toBe('every demand cell lies inside an exclusion polygon, so no zone centre is allowed');
  });
});

describe('proposeZonesFromDemand on empty input', () => {
  it('yields zero zones and says no trip ends match', async () => {
    const p = await proposeZonesFromDemand(emptyDemand(11), { k: 10, filter: { from: '2030-01-01' } });
    expect(p.zones).toEqual([]);
    expect(p.curve).toEqual([]);
    expect(p.summary.stop).toBe('empty');
    expect(p.summary.reason).toBe('no trip ends match the filter (from=2030-01-01), so there is nothing to cover');
    expect(p.summary.medianWalkM).toBeNull();
  });

  it('checks the resolution of the demand against the options', async () => {
    const d = demandFromCells([{ hex: latLngToCell(45.5, -122.6, 10), trips: 1 }], 10);
    expect(getResolution(latLngToCell(45.5, -122.6, 10))).toBe(10);
    await expect(proposeZonesFromDemand(d, { res: 11 })).rejects.toThrow('res: demand cells are at resolution 10, options ask for 11');
  });
});

describe('dbscan', () => {
  it('makes zones of dense clusters, with an outline footprint over their catchments', async () => {
    const p: ZoneProposal = await proposeZonesFromDemand(cityDemand, { method: 'dbscan', k: 12 });
    expect(p.zones.length).toBeGreaterThan(0);
    for (const z of p.zones) {
      expect(z.footprint.type).toBe('MultiPolygon');
      expect(z.catchment).toContain(z.cell);
    }
    expect(p.summary.detail.clusters).toBeGreaterThan(0);
  });

  it('finds the synthetic hotspots as clusters', async () => {
    const p = await proposeZonesFromDemand(cityDemand, { method: 'dbscan', walkRadiusM: 100, coverage: 1 });
    for (const h of city.hotspots) {
      const nearest = Math.min(...p.zones.map((z) => haversineM(h.lat, h.lng, z.centerLat, z.centerLng)));
      expect(nearest, h.name).toBeLessThanOrEqual(100);
    }
  });

  it('is deterministic whatever the order of the cells', async () => {
    const a = await proposeZonesFromDemand(cityDemand, { method: 'dbscan', k: 8 });
    const b = await proposeZonesFromDemand(reversed(cityDemand), { method: 'dbscan', k: 8 });
    expect(b.zones).toEqual(a.zones);
    expect(b.summary).toEqual(a.summary);
  });

  it('writes the golden GeoJSON of a small dbscan proposal', async () => {
    const small = demandFromPoints(
      trips.slice(0, 1500).map((t) => ({ lat: t.endLat, lng: t.endLng, hour: new Date(t.endMs).getUTCHours() })),
      11,
    );
    const p = await proposeZonesFromDemand(small, { method: 'dbscan', k: 4 });
    golden('small-city-dbscan.geojson', zonesToGeoJson(p.zones, { curve: p.curve }));
  });
});
