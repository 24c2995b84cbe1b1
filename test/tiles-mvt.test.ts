import { describe, expect, it } from 'vitest';
import Pbf from 'pbf';
import { VectorTile, classifyRings } from '@mapbox/vector-tile';
import { cellToBoundary, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { DemandTileSource, encodeMvt, polygonCommands, resForZoom, isValidTile, tileBoundsLngLat, lngToTileX, latToTileY } from '../engine/tiles/index.ts';
import type { CellColumns } from '../engine/privacy/index.ts';

function cellsOf(hexes: string[], trips: number[]): CellColumns {
  const n = hexes.length;
  const c: CellColumns = {
    res: 9, count: n, cell: new BigUint64Array(n), lat: new Float64Array(n), lng: new Float64Array(n),
    trips: Float64Array.from(trips), devices: Float64Array.from(trips, (t) => Math.ceil(t / 2)), days: new Float64Array(n).fill(3),
    profile: new Float64Array(n * 24), totalTrips: trips.reduce((a, b) => a + b, 0),
  };
  hexes.forEach((h, i) => {
    c.cell[i] = BigInt('0x' + h);
    [c.lat[i], c.lng[i]] = cellToLatLng(h);
  });
  return c;
}

function decode(bytes: Uint8Array) {
  return new VectorTile(new Pbf(bytes));
}

function featureCount(bytes: Uint8Array, layer = 'demand'): number {
  // The reference decoder leaves out layers without features.
  return decode(bytes).layers[layer]?.length ?? 0;
}

function tileOf(lat: number, lng: number, z: number): [number, number] {
  return [Math.floor(lngToTileX(lng, z)), Math.floor(latToTileY(lat, z))];
}

describe('tile math', () => {
  it('maps zoom to coarser H3 resolutions when zoomed out', () => {
    expect([5, 8, 10, 12, 14, 15, 20].map(resForZoom)).toEqual([7, 7, 8, 9, 10, 11, 11]);
  });

  it('rejects tiles outside the zoom pyramid', () => {
    expect(isValidTile(0, 0, 0)).toBe(true);
    expect(isValidTile(3, 8, 0)).toBe(false);
    expect(isValidTile(3, -1, 0)).toBe(false);
    expect(isValidTile(23, 0, 0)).toBe(false);
    expect(isValidTile(1.5, 0, 0)).toBe(false);
  });

  it('gives tile bounds whose corners project back to the tile', () => {
    const [w, s, e, n] = tileBoundsLngLat(13, 2143, 3147);
    expect(lngToTileX(w, 13)).toBeCloseTo(2143, 9);
    expect(lngToTileX(e, 13)).toBeCloseTo(2144, 9);
    expect(latToTileY(n, 13)).toBeCloseTo(3147, 9);
    expect(latToTileY(s, 13)).toBeCloseTo(3148, 9);
  });
});

describe('MVT encoding', () => {
  it('encodes a square with exterior ring of positive area that the reference decoder reads back', () => {
    // Counter-clockwise on screen: must be rewound.
    const bytes = encodeMvt([{ name: 'demand', features: [{ rings: [[0, 0, 0, 100, 100, 100, 100, 0]], properties: { trips: 7, h3: 'abc', share: 0.5 } }] }]);
    const layer = decode(bytes).layers.demand!;
    expect(layer.version).toBe(2);
    expect(layer.extent).toBe(4096);
    expect(layer.length).toBe(1);
    const f = layer.feature(0);
    expect(f.type).toBe(3);
    expect(f.properties).toEqual({ trips: 7, h3: 'abc', share: 0.5 });
    const rings = f.loadGeometry();
    expect(classifyRings(rings)).toHaveLength(1);
    expect(rings[0]!.map((p) => [p.x, p.y])).toEqual([[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]);
  });

  it('writes the exact command stream of the spec example polygon', () => {
    // Spec 2.1 §4.3.4.4: ring (3,6) (8,12) (20,34) → MoveTo(3,6) LineTo(5,6)(12,22) ClosePath.
    expect(polygonCommands([[3, 6, 8, 12, 20, 34]])).toEqual([9, 6, 12, 18, 10, 12, 24, 44, 15]);
  });

  it('skips rings with fewer than three points', () => {
    expect(featureCount(encodeMvt([{ name: 'l', features: [{ rings: [[0, 0, 5, 5]], properties: {} }] }]), 'l')).toBe(0);
  });
});

describe('DemandTileSource', () => {
  const center = latLngToCell(38.2527, -85.7585, 9);
  const hexes = gridDisk(center, 2);
  const trips = hexes.map((_, i) => 5 + i);
  const source = new DemandTileSource(cellsOf(hexes, trips));

  it('draws every cell of the tile as a hexagon with its counts', () => {
    const z = 14;
    const [x, y] = tileOf(38.2527, -85.7585, z);
    const layer = decode(source.tile(z, x, y)).layers.demand!;
    const seen = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      seen.set(f.properties.h3 as string, f.properties);
      expect(f.loadGeometry()[0]!.length).toBe(7); // 6 corners + closing point
    }
    expect(seen.get(center)).toMatchObject({ trips: 5, res: 9, days: 3 });
  });

  it('places hexagon corners where h3-js puts them, within a tile unit', () => {
    const z = 15;
    const [x, y] = tileOf(38.2527, -85.7585, z);
    const layer = decode(source.tile(z, x, y)).layers.demand!;
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const gj = f.toGeoJSON(x, y, z) as { geometry: { coordinates: number[][][] } };
      const expected = cellToBoundary(f.properties.h3 as string, true);
      const got = gj.geometry.coordinates[0]!;
      const unitDeg = 360 / 2 ** z / 4096;
      for (const [lng, lat] of got) {
        const nearest = Math.min(...expected.map(([el, ea]) => Math.hypot(el! - lng!, (ea! - lat!) * 1.3)));
        expect(nearest).toBeLessThan(2 * unitDeg);
      }
    }
  });

  it('gives an empty layer far from the cells', () => {
    expect(featureCount(source.tile(14, 0, 0))).toBe(0);
  });

  it('finds cells near tile edges through the buffer, not beyond it', () => {
    const z = 16;
    const [x, y] = tileOf(38.2527, -85.7585, z);
    const inTile = featureCount(source.tile(z, x, y));
    const farTile = featureCount(source.tile(z, x + 3, y));
    expect(inTile).toBeGreaterThan(0);
    expect(farTile).toBeLessThan(inTile);
  });
});
