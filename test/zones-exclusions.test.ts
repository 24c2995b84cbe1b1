import { describe, expect, it } from 'vitest';
import { excludedMask, parseExclusions, pointInPolygon } from '../engine/zones/exclusions.ts';
import { capacityFromPeak } from '../engine/zones/capacity.ts';

const square = [[0, 0], [10, 0], [10, 10], [0, 10]]; // unclosed on purpose: closing is optional
const hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]];

describe('exclusions', () => {
  it('tests points against a polygon with a hole', () => {
    const [polygon] = parseExclusions({ type: 'Polygon', coordinates: [square, hole] }).polygons;
    expect(pointInPolygon(polygon!, 2, 2)).toBe(true);
    expect(pointInPolygon(polygon!, 5, 5)).toBe(false); // in the hole
    expect(pointInPolygon(polygon!, 11, 5)).toBe(false);
    expect(pointInPolygon(polygon!, 5, -0.1)).toBe(false);
  });

  it('reads MultiPolygons, Features, FeatureCollections and GeometryCollections', () => {
    const multi = { type: 'MultiPolygon', coordinates: [[square], [[[20, 20], [21, 20], [21, 21], [20, 20]]]] };
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: multi }, { type: 'Feature', properties: {}, geometry: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [hole] }] } }] };
    expect(parseExclusions(fc).polygons).toHaveLength(3);
    expect(parseExclusions(null).polygons).toHaveLength(0);
  });

  it('marks the points inside any polygon', () => {
    const ex = parseExclusions({ type: 'MultiPolygon', coordinates: [[square, hole], [[[20, 20], [30, 20], [30, 30], [20, 30]]]] });
    const lat = Float64Array.from([1, 5, 25, 15]);
    const lng = Float64Array.from([1, 5, 25, 15]);
    expect(Array.from(excludedMask(ex, lat, lng))).toEqual([1, 0, 1, 0]);
  });
});

describe('capacityFromPeak', () => {
  const opts = { safetyFactor: 1.2, minCapacity: 2, maxCapacity: null };
  it.each([
    [5, 6], // 5 × 1.2 = 6.000000000000001 in floating point: still 6 slots
    [5.1, 7],
    [0, 2],
    [0.5, 2],
    [10, 12],
    [NaN, 2],
  ])('sizes a zone with percentile peak %d at %d slots', (peak, slots) => {
    expect(capacityFromPeak(peak, opts)).toBe(slots);
  });

  it('holds the ceiling', () => {
    expect(capacityFromPeak(100, { ...opts, maxCapacity: 40 })).toBe(40);
  });
});
