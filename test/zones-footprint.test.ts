import { describe, expect, it } from 'vitest';
import { cellToBoundary, gridDisk, gridPathCells, latLngToCell } from 'h3-js';
import { hexHull, roundDeg } from '../engine/zones/footprint.ts';
import { Random } from '../fixtures/random.ts';
import { hexHullReference } from './helpers/hex-hull-reference.ts';

describe('hexHull', () => {
  it('of one cell is its hexagon, counter-clockwise from the westmost vertex, closed', () => {
    const hex = latLngToCell(45.52, -122.68, 11);
    const ring = hexHull([hex]).coordinates[0]!;
    expect(ring.length).toBe(7);
    expect(ring[6]).toEqual(ring[0]);
    const vertices = cellToBoundary(hex, true).slice(0, 6).map(([lng, lat]) => [roundDeg(lng!), roundDeg(lat!)]);
    expect(new Set(ring.slice(0, 6).map((p) => p.join()))).toEqual(new Set(vertices.map((p) => p.join())));
    const west = Math.min(...vertices.map((p) => p[0]!));
    expect(ring[0]![0]).toBe(west);
    let area2 = 0;
    for (let i = 0; i < 6; i++) area2 += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
    expect(area2).toBeGreaterThan(0); // counter-clockwise (RFC 7946)
  });

  it('gives the reference implementation’s ring on seeded random catchments (disks, lines, scatters)', () => {
    const rnd = new Random(17);
    for (let trial = 0; trial < 120; trial++) {
      const lat = -60 + 120 * rnd.next();
      const lng = -179 + 358 * rnd.next();
      const res = 8 + rnd.int(5);
      const centre = latLngToCell(lat, lng, res);
      let cells: string[];
      const kind = trial % 3;
      if (kind === 0) cells = gridDisk(centre, 1 + rnd.int(4));
      else if (kind === 1) cells = gridPathCells(centre, gridDisk(centre, 6).at(-1 - rnd.int(30))!);
      else cells = gridDisk(centre, 5).filter(() => rnd.next() < 0.3);
      if (cells.length === 0) cells = [centre];
      if (trial % 2) cells.reverse();
      expect(hexHull(cells)).toEqual(hexHullReference(cells));
    }
  });
});
