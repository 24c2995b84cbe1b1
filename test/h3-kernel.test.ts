import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as h3 from 'h3-js';
import {
  latLngToCellBatch,
  cellToLatLngBatch,
  gridDisk,
  cellToBoundaryLngLat,
  H3_NULL,
  cellToHex,
} from '../engine/h3/index.ts';
import { kernelStats } from '../engine/h3/lat-lng-to-cell.ts';
import { gridDiskStats } from '../engine/h3/grid-disk.ts';
import { Random } from '../fixtures/random.ts';

const D = Math.PI / 180;

/** h3-js's answer as an integer, H3_NULL where h3-js refuses the point. */
function ref(lat: number, lng: number, res: number): bigint {
  try {
    return BigInt('0x' + h3.latLngToCell(lat, lng, res));
  } catch {
    return H3_NULL;
  }
}

/** Kernel cells for points at one resolution. */
function kernel(points: [number, number][], res: number): BigUint64Array {
  const lat = Float64Array.from(points, (p) => p[0]);
  const lng = Float64Array.from(points, (p) => p[1]);
  return latLngToCellBatch(lat, lng, res, new BigUint64Array(points.length));
}

/** The points where the kernel and h3-js disagree, as readable strings (empty when bit-exact). */
function mismatches(points: [number, number][], res: number): string[] {
  const got = kernel(points, res);
  const bad: string[] = [];
  points.forEach(([lat, lng], i) => {
    const want = ref(lat, lng, res);
    if (got[i] !== want) bad.push(`(${lat}, ${lng}) res ${res}: ${got[i]!.toString(16)} ≠ ${want.toString(16)}`);
  });
  return bad;
}

const randomPoint = (r: Random): [number, number] => [Math.asin(r.next() * 2 - 1) / D, r.next() * 360 - 180];
const vec = (lat: number, lng: number) => [Math.cos(lat * D) * Math.cos(lng * D), Math.cos(lat * D) * Math.sin(lng * D), Math.sin(lat * D)];
const geo = (p: number[]): [number, number] => [Math.atan2(p[2]!, Math.hypot(p[0]!, p[1]!)) / D, Math.atan2(p[1]!, p[0]!) / D];
const toCell = (hex: string) => BigInt('0x' + hex);
const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe('latLngToCellBatch: properties against h3-js', () => {
  it('equals h3-js for random points worldwide at every resolution', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: 0, max: 15 }),
        (lat, lng, res) => kernel([[lat, lng]], res)[0] === ref(lat, lng, res),
      ),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('equals h3-js (or gives H3_NULL where h3-js refuses) for any doubles at all', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.integer({ min: 0, max: 15 }), (lat, lng, res) => {
        return kernel([[lat, lng]], res)[0] === ref(lat, lng, res);
      }),
      { numRuns: 5_000, seed: 11 },
    );
  });

  it('equals h3-js for clustered points (one city, then another) processed in one batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -89, max: 89, noNaN: true }), fc.double({ min: -179, max: 179, noNaN: true })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (centres, res, seed) => {
          const r = new Random(seed);
          const points = centres.flatMap(([la, lo]) => Array.from({ length: 50 }, () => [la + (r.next() - 0.5) * 0.2, lo + (r.next() - 0.5) * 0.2] as [number, number]));
          return mismatches(points, res).length === 0;
        },
      ),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('latLngToCellBatch: a seeded sweep', () => {
  it('has 0 mismatches over 1 M random points across resolutions 0–15', () => {
    const r = new Random(20240611);
    const perRes = 62_500;
    const lat = new Float64Array(perRes);
    const lng = new Float64Array(perRes);
    const out = new BigUint64Array(perRes);
    let bad = 0;
    for (let res = 0; res <= 15; res++) {
      for (let i = 0; i < perRes; i++) [lat[i], lng[i]] = randomPoint(r);
      latLngToCellBatch(lat, lng, res, out);
      for (let i = 0; i < perRes; i++) if (out[i] !== toCell(h3.latLngToCell(lat[i]!, lng[i]!, res))) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('latLngToCellBatch: edge cases', () => {
  it('handles the poles', () => {
    const points: [number, number][] = [[90, 0], [-90, 0], [90, 180], [-90, -180], [90, 37.5], [-90, -123], [89.99999999999, 10], [-89.9999999999999, 77]];
    for (let res = 0; res <= 15; res++) expect(mismatches(points, res)).toEqual([]);
  });

  it('handles the antimeridian', () => {
    const points: [number, number][] = [[0, 180], [0, -180], [12.5, 179.9999999999999], [-45, -179.9999999999999], [65, 180], [-16.5, -180]];
    for (let res = 0; res <= 15; res++) expect(mismatches(points, res)).toEqual([]);
  });

  it('handles longitudes outside ±180 as h3-js does', () => {
    const points: [number, number][] = [[45, 540], [45, -200], [10, 1e6], [-33, -720.5], [0, 360], [60, 181], [-60, -181]];
    for (let res = 0; res <= 15; res++) expect(mismatches(points, res)).toEqual([]);
  });

  it('handles tiny, huge and signed-zero values', () => {
    const points: [number, number][] = [[0, 0], [-0, -0], [1e-300, 1e-300], [5e-324, -5e-324], [1e300, 5], [5, 1e300], [100, 30], [-135, 80], [1e308, 0], [-1e308, 1]];
    for (let res = 0; res <= 15; res++) expect(mismatches(points, res)).toEqual([]);
  });

  it('gives H3_NULL for NaN and ±Infinity, and converts the finite points around them', () => {
    const points: [number, number][] = [[NaN, 0], [0, NaN], [Infinity, 0], [0, -Infinity], [NaN, NaN], [48.85, 2.35]];
    const out = kernel(points, 9);
    expect([...out.slice(0, 5)]).toEqual([H3_NULL, H3_NULL, H3_NULL, H3_NULL, H3_NULL]);
    expect(cellToHex(out[5]!)).toBe(h3.latLngToCell(48.85, 2.35, 9));
  });

  it('is exact on cell vertices (points within rounding of three cells) at every resolution', () => {
    const r = new Random(3);
    for (let res = 0; res <= 15; res++) {
      const points: [number, number][] = [];
      for (let s = 0; s < 400; s++) {
        const [la, lo] = randomPoint(r);
        for (const v of h3.cellToBoundary(h3.latLngToCell(la, lo, res))) points.push([v[0]!, v[1]!]);
      }
      expect(mismatches(points, res)).toEqual([]);
    }
  });

  it('is exact just inside and just outside cell edges, 1e-15 to 1e-3 cell widths away', () => {
    const r = new Random(5);
    for (let res = 0; res <= 15; res++) {
      const points: [number, number][] = [];
      for (let s = 0; s < 60; s++) {
        const [la, lo] = randomPoint(r);
        const cell = h3.latLngToCell(la, lo, res);
        const c = vec(...(h3.cellToLatLng(cell) as [number, number]));
        const ring = h3.cellToBoundary(cell);
        ring.forEach((v1, i) => {
          const a = vec(v1[0]!, v1[1]!);
          const b = vec(ring[(i + 1) % ring.length]![0]!, ring[(i + 1) % ring.length]![1]!);
          const m = [0, 1, 2].map((k) => (a[k]! + b[k]!) / 2); // on the edge's great circle
          for (let e = -15; e <= -3; e += 1) {
            for (const t of [10 ** e, -(10 ** e)]) points.push(geo([0, 1, 2].map((k) => m[k]! + t * (c[k]! - m[k]!))));
          }
        });
      }
      expect(mismatches(points, res)).toEqual([]);
    }
  });

  it('is exact at the 12 pentagons, their neighbours and their vertices', () => {
    for (let res = 0; res <= 15; res++) {
      const points: [number, number][] = [];
      for (const p of h3.getPentagons(res)) {
        for (const c of h3.gridDisk(p, 2)) {
          points.push(h3.cellToLatLng(c) as [number, number]);
          for (const v of h3.cellToBoundary(c)) points.push([v[0]!, v[1]!]);
        }
      }
      expect(mismatches(points, res)).toEqual([]);
    }
  });

  it('is exact on and near the icosahedron edges', () => {
    const vertices = h3.getPentagons(0).map((c) => vec(...(h3.cellToLatLng(c) as [number, number])));
    const points: [number, number][] = [];
    const r = new Random(9);
    for (let i = 0; i < 12; i++) {
      for (let j = i + 1; j < 12; j++) {
        const a = vertices[i]!;
        const b = vertices[j]!;
        if (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]! < 0.4) continue; // not an icosahedron edge
        const n = [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
        for (let s = 0; s < 40; s++) {
          const t = r.next();
          const off = (r.next() - 0.5) * 10 ** -(6 + r.int(10));
          points.push(geo([0, 1, 2].map((k) => a[k]! * (1 - t) + b[k]! * t + n[k]! * off)));
        }
      }
    }
    for (let res = 0; res <= 15; res++) expect(mismatches(points, res)).toEqual([]);
  });

  it('is exact at and around the 20 face centres', () => {
    const r = new Random(17);
    const points: [number, number][] = [];
    for (const c of h3.getRes0Cells()) {
      const [la, lo] = h3.cellToLatLng(c) as [number, number];
      points.push([la, lo]);
      for (let s = 0; s < 20; s++) points.push([la + (r.next() - 0.5) * 10 ** -(2 + r.int(10)), lo + (r.next() - 0.5) * 10 ** -(2 + r.int(10))]);
    }
    for (let res = 0; res <= 15; res++) expect(mismatches(points, res)).toEqual([]);
  });
});

describe('latLngToCellBatch: its own work', () => {
  it('decides all but a handful in a million random points itself (the rest, edge-near, go to h3-js)', () => {
    const r = new Random(41);
    const n = 200_000;
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    for (let i = 0; i < n; i++) [lat[i], lng[i]] = randomPoint(r);
    const before = kernelStats.delegated;
    for (const res of [0, 5, 10, 15]) latLngToCellBatch(lat, lng, res, new BigUint64Array(n));
    expect(kernelStats.delegated - before).toBeLessThan(40); // of 800 000 conversions
  });
});

describe('latLngToCellBatch: arguments', () => {
  it('converts only `count` points and writes through an offset view', () => {
    const lat = Float64Array.of(48.85, 40.7, -33.9);
    const lng = Float64Array.of(2.35, -74, 151.2);
    const backing = new BigUint64Array(5);
    const out = backing.subarray(1, 4);
    latLngToCellBatch(lat, lng, 10, out, 2);
    expect(cellToHex(backing[1]!)).toBe(h3.latLngToCell(48.85, 2.35, 10));
    expect(cellToHex(backing[2]!)).toBe(h3.latLngToCell(40.7, -74, 10));
    expect(backing[3]).toBe(0n);
    expect(backing[0]).toBe(0n);
  });

  it('rejects a resolution outside 0–15 or not an integer', () => {
    const a = new Float64Array(1);
    for (const res of [-1, 16, 2.5, NaN]) {
      expect(() => latLngToCellBatch(a, a, res, new BigUint64Array(1))).toThrow(`H3 resolution must be an integer 0–15, got ${res}`);
    }
  });

  it('rejects a count larger than an array', () => {
    const a = new Float64Array(2);
    expect(() => latLngToCellBatch(a, a, 5, new BigUint64Array(1))).toThrow('count 2 does not fit the arrays (lat 2, lng 2, out 1)');
  });
});

describe('cellToLatLngBatch', () => {
  it('is within 1e-10° of h3-js cellToLatLng for random cells and pentagon neighbourhoods', () => {
    const r = new Random(23);
    const hexes: string[] = [];
    for (let i = 0; i < 30_000; i++) hexes.push(h3.latLngToCell(...randomPoint(r), i % 16));
    for (let res = 0; res <= 15; res++) for (const p of h3.getPentagons(res)) hexes.push(...h3.gridDisk(p, 2));
    const cells = BigUint64Array.from(hexes, toCell);
    const lat = new Float64Array(cells.length);
    const lng = new Float64Array(cells.length);
    cellToLatLngBatch(cells, lat, lng);
    let worst = 0;
    hexes.forEach((hex, i) => {
      const [la, lo] = h3.cellToLatLng(hex) as [number, number];
      const dLng = Math.abs(lng[i]! - lo) % 360;
      worst = Math.max(worst, Math.abs(lat[i]! - la), Math.min(dLng, 360 - dLng) * Math.cos(la * D));
    });
    expect(worst).toBeLessThan(1e-10);
  });

  it('gives NaN for ids that are not cells, H3_NULL included', () => {
    const cells = BigUint64Array.of(H3_NULL, 0x8a1fb46622dffffn | (1n << 63n), 0x80fffffffffffffn, toCell('8009fffffffffff') /* pentagon */);
    const lat = new Float64Array(4);
    const lng = new Float64Array(4);
    cellToLatLngBatch(cells, lat, lng);
    expect([...lat.slice(0, 3)]).toEqual([NaN, NaN, NaN]);
    expect(lat[3]).toBeCloseTo(h3.cellToLatLng('8009fffffffffff')[0]!, 10);
  });
});

describe('gridDisk', () => {
  const sameAsH3 = (hex: string, k: number) => {
    const want = h3.gridDisk(hex, k).map(toCell).sort(ascending);
    expect([...gridDisk(toCell(hex), k)]).toEqual(want);
  };

  it('equals h3-js gridDisk as a set, ascending, for random cells and k 0–4', () => {
    const r = new Random(29);
    for (let i = 0; i < 2000; i++) sameAsH3(h3.latLngToCell(...randomPoint(r), i % 16), i % 5);
  });

  it('equals h3-js around the pentagons', () => {
    for (let res = 0; res <= 15; res += 1) {
      for (const p of h3.getPentagons(res)) for (const c of h3.gridDisk(p, 2)) sameAsH3(c, 1 + (res % 3));
    }
  });

  it('equals h3-js for disks that just reach a pentagon (start cell k steps away)', () => {
    for (let res = 2; res <= 15; res += 3) {
      for (const p of h3.getPentagons(res)) {
        for (const k of [1, 3]) for (const c of h3.gridRing(p, k)) sameAsH3(c, k);
      }
    }
  });

  it('equals h3-js for cells on icosahedron edges', () => {
    const r = new Random(31);
    let found = 0;
    while (found < 300) {
      const cell = h3.latLngToCell(...randomPoint(r), 2 + r.int(14));
      if (h3.getIcosahedronFaces(cell).length < 2) continue;
      found++;
      sameAsH3(cell, 1 + r.int(6));
    }
  });

  it('reads disks off the face lattice itself for cells away from face edges', () => {
    const r = new Random(37);
    const before = { ...gridDiskStats };
    for (let i = 0; i < 500; i++) gridDisk(toCell(h3.latLngToCell(...randomPoint(r), 5 + (i % 11))), 1 + (i % 4));
    expect(gridDiskStats.fromH3js - before.fromH3js).toBeLessThan(10);
  });

  it('equals h3-js for a large disk', () => {
    sameAsH3(h3.latLngToCell(48.85, 2.35, 9), 30);
  });

  it('rejects a bad k or an id that is not a cell', () => {
    expect(() => gridDisk(toCell('8a1fb46622dffff'), -1)).toThrow('gridDisk: k must be an integer ≥ 0, got -1');
    expect(() => gridDisk(123n, 1)).toThrow('gridDisk: not an H3 cell: 7b');
  });
});

describe('cellToBoundaryLngLat', () => {
  it('is the closed [lng, lat] ring of h3-js', () => {
    const hex = h3.latLngToCell(48.85, 2.35, 10);
    const ring = cellToBoundaryLngLat(toCell(hex));
    expect(ring).toHaveLength(7);
    expect(ring[0]).toEqual(ring[6]);
    expect(ring.slice(0, 6)).toEqual(h3.cellToBoundary(hex).map(([la, lo]) => [lo, la]));
  });
});
