import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellToLatLng, getBaseCellNumber, getRes0Cells, isPentagon, latLngToCell } from 'h3-js';
import { CellNeighbourIndex, type CellPoints, type NeighbourMode } from '../engine/zones/cell-neighbours.ts';
import { buildCoverageGraph } from '../engine/zones/coverage-graph.ts';
import { haversineM } from '../engine/zones/geo.ts';
import { Random } from '../fixtures/random.ts';

/** Distinct cells of random points scattered around a centre. */
function scatter(lat0: number, lng0: number, spreadM: number, count: number, res: number, seed: number): CellPoints {
  const rnd = new Random(seed);
  const set = new Set<string>();
  for (let i = 0; i < count; i++) {
    const lat = lat0 + (rnd.normal() * spreadM) / 111_320;
    const lng = lng0 + (rnd.normal() * spreadM) / (111_320 * Math.cos((lat0 * Math.PI) / 180));
    set.add(latLngToCell(lat, lng, res));
  }
  const hexes = [...set].sort();
  const n = hexes.length;
  const points: CellPoints = { count: n, res, cell: new BigUint64Array(n), lat: new Float64Array(n), lng: new Float64Array(n) };
  hexes.forEach((h, i) => {
    const [lat, lng] = cellToLatLng(h);
    points.cell[i] = BigInt('0x' + h);
    points.lat[i] = lat!;
    points.lng[i] = lng!;
  });
  return points;
}

/**
 * The draws of a random city for the property tests: where, at which resolution, within which radius, which seed
 * (fc.record's fields, in this order).
 */
function cityDraws(res: fc.Arbitrary<number>, radiusM: fc.Arbitrary<number>) {
  return { lat: fc.double({ min: -60, max: 60, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }), res, radiusM, seed: fc.integer({ min: 1, max: 1e6 }) };
}

/**
 * Moves every point of `p` north or south of its cell's centroid by up to half the jitter (as a mean of trip ends
 * would sit), seeded; returns the jitter, metres: 10 m at res 10, halving at each finer resolution.
 */
function jitterOffCentroids(p: CellPoints, res: number, seed: number): number {
  const rnd = new Random(seed);
  const jitter = 10 * 0.5 ** (res - 10);
  for (let c = 0; c < p.count; c++) p.lat[c] = p.lat[c]! + ((rnd.next() - 0.5) * jitter) / 111_320;
  return jitter;
}

/** Every pair within the radius by brute force, as sorted rows. */
function bruteRows(p: CellPoints, radiusM: number): number[][] {
  const rows: number[][] = [];
  for (let a = 0; a < p.count; a++) {
    const row: number[] = [];
    for (let b = 0; b < p.count; b++) if (haversineM(p.lat[a]!, p.lng[a]!, p.lat[b]!, p.lng[b]!) <= radiusM) row.push(b);
    rows.push(row);
  }
  return rows;
}

function graphRows(p: CellPoints, radiusM: number, mode?: NeighbourMode): { rows: number[][]; mode: NeighbourMode } {
  const index = CellNeighbourIndex.build(p, mode ? { mode } : {});
  const g = buildCoverageGraph(index, radiusM);
  const rows: number[][] = [];
  for (let c = 0; c < g.count; c++) rows.push(Array.from(g.targets.subarray(g.offsets[c]!, g.offsets[c + 1]!)).sort((x, y) => x - y));
  return { rows, mode: index.mode };
}

/** A point where cells of two base cells meet at `res`: walk east from a start until the base cell changes. */
function baseCellBorder(lat: number, lng: number, res: number): [number, number] {
  const b0 = getBaseCellNumber(latLngToCell(lat, lng, res));
  for (let d = 0; d < 60; d += 0.002) if (getBaseCellNumber(latLngToCell(lat, lng + d, res)) !== b0) return [lat, lng + d];
  throw new Error('no border found');
}

describe('CellNeighbourIndex', () => {
  it('finds exactly the cells within the radius (local IJ, random cities)', () => {
    fc.assert(
      fc.property(
        fc.record(cityDraws(fc.integer({ min: 8, max: 12 }), fc.integer({ min: 20, max: 600 }))),
        ({ lat, lng, res, radiusM, seed }) => {
          const spread = radiusM * 3;
          const p = scatter(lat, lng, spread, 250, res, seed);
          expect(graphRows(p, radiusM).rows).toEqual(bruteRows(p, radiusM));
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });

  it('finds exactly the points within the radius when points stand off their centroids (maxOffsetM)', () => {
    fc.assert(
      fc.property(
        fc.record({ res: fc.integer({ min: 10, max: 12 }), radiusM: fc.integer({ min: 20, max: 300 }), seed: fc.integer({ min: 1, max: 1e6 }) }),
        ({ res, radiusM, seed }) => {
          const p = scatter(45.52, -122.68, radiusM * 3, 250, res, seed);
          // Move each point to a random spot of its own cell (up to its circumradius from the centroid).
          const rnd = new Random(seed + 1);
          let maxOffsetM = 0;
          for (let c = 0; c < p.count; c++) {
            const hex = p.cell[c]!.toString(16);
            for (;;) {
              const lat = p.lat[c]! + ((rnd.next() - 0.5) * 2 * 60 * 0.5 ** (res - 10)) / 111_320;
              const lng = p.lng[c]! + ((rnd.next() - 0.5) * 2 * 60 * 0.5 ** (res - 10)) / 78_000;
              if (latLngToCell(lat, lng, res) !== hex) continue;
              maxOffsetM = Math.max(maxOffsetM, haversineM(p.lat[c]!, p.lng[c]!, lat, lng));
              p.lat[c] = lat;
              p.lng[c] = lng;
              break;
            }
          }
          const g = buildCoverageGraph(CellNeighbourIndex.build(p, { maxOffsetM }), radiusM);
          const rows: number[][] = [];
          for (let c = 0; c < g.count; c++) rows.push(Array.from(g.targets.subarray(g.offsets[c]!, g.offsets[c + 1]!)).sort((x, y) => x - y));
          expect(rows).toEqual(bruteRows(p, radiusM));
        },
      ),
      { numRuns: 15, seed: 5 },
    );
  });

  it('uses local IJ in an ordinary city', () => {
    const p = scatter(45.52, -122.68, 800, 400, 11, 1);
    expect(CellNeighbourIndex.build(p).mode).toBe('local-ij');
  });

  it('is exact across a base-cell border', () => {
    const [lat, lng] = baseCellBorder(45.5, -123, 10);
    const p = scatter(lat, lng, 1500, 800, 10, 3);
    const bases = new Set(Array.from(p.cell, (c) => getBaseCellNumber(c.toString(16))));
    expect(bases.size).toBeGreaterThan(1);
    const { rows, mode } = graphRows(p, 400);
    expect(mode).toBe('local-ij');
    expect(rows).toEqual(bruteRows(p, 400));
  });

  it('falls back to grid disks next to a pentagon, and stays exact', () => {
    const pentagon = getRes0Cells().find((h) => isPentagon(h))!;
    const [lat, lng] = cellToLatLng(pentagon);
    const p = scatter(lat!, lng!, 1500, 600, 9, 5);
    const { rows, mode } = graphRows(p, 800);
    expect(mode).toBe('grid-disk');
    expect(rows).toEqual(bruteRows(p, 800));
  });

  it('gives the same graph in both modes', () => {
    const p = scatter(48.85, 2.35, 600, 500, 11, 9);
    expect(graphRows(p, 150, 'grid-disk').rows).toEqual(graphRows(p, 150, 'local-ij').rows);
  });

  it('puts each cell first in its own row at distance 0', () => {
    const p = scatter(48.85, 2.35, 300, 100, 11, 2);
    const g = buildCoverageGraph(CellNeighbourIndex.build(p), 100);
    for (let c = 0; c < g.count; c++) {
      expect(g.targets[g.offsets[c]!]).toBe(c);
      expect(g.distM[g.offsets[c]!]).toBe(0);
    }
  });
});

describe('CellNeighbourIndex lookup tables', () => {
  /** The graph as built, entry by entry: row offsets, targets in their order, distances to the bit. */
  const graphOf = (p: CellPoints, radiusM: number, options: Parameters<typeof CellNeighbourIndex.build>[1]) => {
    const g = buildCoverageGraph(CellNeighbourIndex.build(p, options), radiusM);
    return { offsets: Array.from(g.offsets), targets: Array.from(g.targets), distM: Array.from(g.distM) };
  };

  it('gives the same graph, in the same order, from sorted rows and the hash (random cities, points off centroids)', () => {
    fc.assert(
      fc.property(
        fc.record(cityDraws(fc.integer({ min: 9, max: 12 }), fc.integer({ min: 20, max: 600 }))),
        ({ lat, lng, res, radiusM, seed }) => {
          const p = scatter(lat, lng, radiusM * 3, 300, res, seed);
          const opts = { maxOffsetM: jitterOffCentroids(p, res, seed) };
          const rows = graphOf(p, radiusM, { ...opts, mode: 'local-ij', ijLookup: 'rows' });
          expect(rows).toEqual(graphOf(p, radiusM, { ...opts, mode: 'local-ij', ijLookup: 'hash' }));
        },
      ),
      { numRuns: 15, seed: 21 },
    );
  });

  it('gives the same graph from sorted rows and the hash for a city and for far-apart clusters, exact both ways', () => {
    const city = scatter(45.52, -122.68, 500, 400, 11, 4);
    expect(graphOf(city, 150, {})).toEqual(graphOf(city, 150, { ijLookup: 'hash' }));
    // Two clusters 60 km apart at res 11: rows hold only the cells present, however much empty plane lies between.
    const a = scatter(45.52, -122.68, 300, 200, 11, 6);
    const b = scatter(45.52 + 0.54, -122.68 - 0.76, 300, 200, 11, 7);
    const both: CellPoints = {
      count: a.count + b.count,
      res: 11,
      cell: BigUint64Array.from([...a.cell, ...b.cell]),
      lat: Float64Array.from([...a.lat, ...b.lat]),
      lng: Float64Array.from([...a.lng, ...b.lng]),
    };
    const index = CellNeighbourIndex.build(both);
    expect(index.mode).toBe('local-ij');
    expect((index as unknown as { rowStart: Int32Array | null }).rowStart).not.toBeNull();
    expect(graphOf(both, 150, {})).toEqual(graphOf(both, 150, { ijLookup: 'hash' }));
    expect(graphRows(both, 150).rows).toEqual(bruteRows(both, 150));
    // The disks of the plain-coverage search (rings, no distance) agree as well, in order.
    const viaHash = CellNeighbourIndex.build(both, { ijLookup: 'hash' });
    const r1 = new Int32Array(index.maxResults(400));
    const r2 = new Int32Array(r1.length);
    for (let c = 0; c < both.count; c += 7) {
      const m1 = index.disk(c, 4, r1);
      const m2 = viaHash.disk(c, 4, r2);
      expect(Array.from(r1.subarray(0, m1))).toEqual(Array.from(r2.subarray(0, m2)));
    }
  });
});

describe('CellNeighbourIndex on cells in any order', () => {
  /** The same cells in reverse order. */
  const reversed = (p: CellPoints): CellPoints => ({
    count: p.count,
    res: p.res,
    cell: p.cell.slice().reverse(),
    lat: p.lat.slice().reverse(),
    lng: p.lng.slice().reverse(),
  });

  it('checks local IJ against grid disks whether or not the cells are sorted', () => {
    const city = reversed(scatter(45.52, -122.68, 800, 400, 11, 1));
    expect(CellNeighbourIndex.build(city).mode).toBe('local-ij');
    expect(graphRows(city, 150).rows).toEqual(bruteRows(city, 150));
    const pentagon = getRes0Cells().find((h) => isPentagon(h))!;
    const [lat, lng] = cellToLatLng(pentagon);
    const near = reversed(scatter(lat!, lng!, 1500, 600, 9, 5));
    const { rows, mode } = graphRows(near, 800);
    expect(mode).toBe('grid-disk');
    expect(rows).toEqual(bruteRows(near, 800));
  });
});

describe('CellNeighbourIndex.sitesWithin', () => {
  it('finds the cells within finds, in the same order (sorted rows and hash, points off centroids, radii at cell spacings)', () => {
    fc.assert(
      fc.property(
        fc.record({ ...cityDraws(fc.integer({ min: 9, max: 12 }), fc.double({ min: 5, max: 600, noNaN: true })), rows: fc.boolean() }),
        ({ lat, lng, res, radiusM, seed, rows }) => {
          const p = scatter(lat, lng, radiusM * 3, 200, res, seed);
          const jitter = jitterOffCentroids(p, res, seed);
          const index = CellNeighbourIndex.build(p, { maxOffsetM: jitter, ijLookup: rows ? 'rows' : 'hash' });
          const a = new Int32Array(index.maxResults(radiusM));
          const b = new Int32Array(a.length);
          const d = new Float64Array(a.length);
          for (let c = 0; c < p.count; c++) {
            // Also exactly at the distance of a neighbour found, where the haversine decides.
            const m = index.within(c, radiusM, a, d);
            let edge = radiusM;
            for (let q = 1; q < m; q++) edge = q === 1 ? d[q]! : Math.max(edge, d[q]!);
            for (const r of [radiusM, edge]) {
              const mw = index.within(c, r, a, d);
              const ms = index.sitesWithin(c, r, b);
              expect(Array.from(b.subarray(0, ms))).toEqual(Array.from(a.subarray(0, mw)));
            }
          }
        },
      ),
      { numRuns: 20, seed: 3 },
    );
  });
});
