/** The page's view boxes (web/src/geo.ts): what it asks GET /api/cells?bbox for, and when it must ask again. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bboxCovers, bboxUnion, paddedBboxLngLat, wrapBboxLngLat } from '../web/src/geo.ts';
import type { BboxLngLat } from '../web/src/api-types.ts';

/** A 1280×800 screen at zoom z (MapLibre's 512 px tiles) centred on (lat, lng), in plain degrees. */
function screen(lat: number, lng: number, z: number): BboxLngLat {
  const dLng = (1280 * 360) / (512 * 2 ** z);
  const dLat = dLng * (800 / 1280) * Math.cos((lat * Math.PI) / 180);
  return [lng - dLng / 2, lat - dLat / 2, lng + dLng / 2, lat + dLat / 2];
}

describe('paddedBboxLngLat', () => {
  it('pads a zoom-14 screen by 15 % on each side and rounds outward to a round step', () => {
    const view = screen(38.2527, -85.7585, 14);
    expect(paddedBboxLngLat(view)).toEqual([-85.795, 38.235, -85.72, 38.275]);
    const box = paddedBboxLngLat(view);
    expect(bboxCovers(box, view)).toBe(true);
    // A little larger than the view, not much: about twice its area.
    expect(((box[2] - box[0]) * (box[3] - box[1])) / ((view[2] - view[0]) * (view[3] - view[1]))).toBeLessThan(2.2);
  });

  it('covers the view after it moves by up to 15 % of its size, so small pans fetch nothing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }), fc.double({ min: -179, max: 179, noNaN: true }), fc.double({ min: 3, max: 18, noNaN: true }),
        fc.double({ min: -0.15, max: 0.15, noNaN: true }), fc.double({ min: -0.15, max: 0.15, noNaN: true }),
        (lat, lng, z, fx, fy) => {
          const v = screen(lat, lng, z);
          const [dx, dy] = [(v[2] - v[0]) * fx, (v[3] - v[1]) * fy];
          const moved: BboxLngLat = [v[0] + dx, Math.max(-90, v[1] + dy), v[2] + dx, Math.min(90, v[3] + dy)];
          expect(bboxCovers(paddedBboxLngLat(v), wrapBboxLngLat(moved))).toBe(true);
        },
      ),
    );
  });

  it('asks for the same box again for a view shown again, in round numbers', () => {
    const box = paddedBboxLngLat(screen(38.2527, -85.7585, 15));
    expect(paddedBboxLngLat(screen(38.2527, -85.7585, 15))).toEqual(box);
    for (const x of box) expect(String(x)).toMatch(/^-?\d+(\.\d{1,3})?$/);
  });

  it('keeps latitudes within ±90 and gives the whole world for a view wider than it', () => {
    expect(paddedBboxLngLat([-170, 80, -160, 89.9])[3]).toBe(90);
    expect(paddedBboxLngLat([-400, -89, 400, 89])).toEqual([-180, -90, 180, 90]);
  });

  it('crosses the antimeridian (west > east) for a view over it, whichever copy of the world it is in', () => {
    const box = paddedBboxLngLat([178, -18, 182, -16]);
    expect(box[0]).toBeGreaterThan(box[2]);
    expect(box[0]).toBeLessThan(178);
    expect(box[2]).toBeGreaterThan(-178);
    expect(paddedBboxLngLat([-182, -18, -178, -16])).toEqual(box);
  });
});

describe('wrapBboxLngLat', () => {
  it('wraps longitudes of other copies of the world, and crosses the antimeridian where the view does', () => {
    expect(wrapBboxLngLat([-445, 10, -435, 20])).toEqual([-85, 10, -75, 20]);
    expect(wrapBboxLngLat([170, 10, 190, 20])).toEqual([170, 10, -170, 20]);
    expect(wrapBboxLngLat([170, 10, 180, 20])).toEqual([170, 10, 180, 20]);
    expect(wrapBboxLngLat([-10, -95, 10, 95])).toEqual([-10, -90, 10, 90]);
  });
});

describe('bboxCovers', () => {
  it('is true for a box inside another, edges included, and false when any side sticks out', () => {
    const outer: BboxLngLat = [-86, 38, -85, 39];
    expect(bboxCovers(outer, outer)).toBe(true);
    expect(bboxCovers(outer, [-85.9, 38.1, -85.1, 38.9])).toBe(true);
    for (const inner of [[-86.1, 38.1, -85.1, 38.9], [-85.9, 37.9, -85.1, 38.9], [-85.9, 38.1, -84.9, 38.9], [-85.9, 38.1, -85.1, 39.1]] as BboxLngLat[]) {
      expect(bboxCovers(outer, inner)).toBe(false);
    }
  });

  it('handles boxes across the antimeridian', () => {
    const outer: BboxLngLat = [170, -20, -170, 20];
    expect(bboxCovers(outer, [175, -10, 179, 10])).toBe(true);
    expect(bboxCovers(outer, [-179, -10, -175, 10])).toBe(true);
    expect(bboxCovers(outer, [175, -10, -175, 10])).toBe(true);
    expect(bboxCovers(outer, [160, -10, 175, 10])).toBe(false);
    expect(bboxCovers(outer, [0, -10, 10, 10])).toBe(false);
    expect(bboxCovers([-180, -90, 180, 90], [175, -10, -175, 10])).toBe(true);
    expect(bboxCovers([175, -10, 179, 10], outer)).toBe(false);
  });
});

describe('bboxUnion', () => {
  it('holds both boxes, or keeps the first when there is no second or either crosses the antimeridian', () => {
    expect(bboxUnion([0, 0, 1, 1], [0.5, -1, 2, 0.5])).toEqual([0, -1, 2, 1]);
    expect(bboxUnion([0, 0, 1, 1], null)).toEqual([0, 0, 1, 1]);
    expect(bboxUnion([170, 0, -170, 1], [0, 0, 1, 1])).toEqual([170, 0, -170, 1]);
  });
});
