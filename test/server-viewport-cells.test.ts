/**
 * The pieces behind GET /api/cells?bbox: gzip members assembled from deflate pieces, and ViewportCells' GeoJSON and
 * Arrow answers against the engine's cellsInBbox and the whole-city encoders.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tableFromIPC } from 'apache-arrow';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { cellsInBbox, cellsToGeoJson, type BboxLngLat, type CellColumns } from '../engine/index.ts';
import { concatGzip, concatPlain, deflatedPiece, storedPiece } from '../server/gzip-pieces.ts';
import { ViewportCells } from '../server/viewport-cells.ts';

describe('gzip from pieces', () => {
  it('joins deflated and stored pieces of any level into one member that gunzips to their concatenation', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 9 }), fc.boolean()), { maxLength: 12 }), (parts) => {
        const pieces = parts.map(([bytes, level, stored]) => (stored ? storedPiece(Buffer.from(bytes)) : deflatedPiece(Buffer.from(bytes), level)));
        const plain = Buffer.concat(parts.map(([bytes]) => Buffer.from(bytes)));
        expect(concatPlain(pieces).equals(plain)).toBe(true);
        expect(zlib.gunzipSync(concatGzip(pieces)).equals(plain)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('splits stored pieces longer than a stored block holds (65,535 bytes)', () => {
    const big = Buffer.alloc(200_000, 7);
    big[123_456] = 9;
    expect(zlib.gunzipSync(concatGzip([storedPiece(Buffer.from('a')), storedPiece(big), deflatedPiece(big, 1)])).equals(Buffer.concat([Buffer.from('a'), big, big]))).toBe(true);
  });

  it('an empty list of pieces is an empty gzip member', () => {
    expect(zlib.gunzipSync(concatGzip([])).length).toBe(0);
  });
});

/** A seeded grid of cells around Louisville at res 10 with varied trips, devices, days and profiles. */
function cityCells(n: number): CellColumns {
  const seen = new Set<string>();
  const hexes: string[] = [];
  for (let i = 0; hexes.length < n; i++) {
    const hex = latLngToCell(38.2 + (i % 47) * 0.0011 + ((i * 7) % 13) * 1e-5, -85.8 + Math.floor(i / 47) * 0.0013, 10);
    if (!seen.has(hex)) hexes.push(hex), seen.add(hex);
  }
  hexes.sort();
  const c: CellColumns = {
    res: 10, count: n, cell: new BigUint64Array(n), lat: new Float64Array(n), lng: new Float64Array(n), trips: new Float64Array(n),
    devices: new Float64Array(n), days: new Float64Array(n), profile: new Float64Array(n * 24), totalTrips: 0,
  };
  hexes.forEach((hex, i) => {
    c.cell[i] = BigInt('0x' + hex);
    [c.lat[i], c.lng[i]] = cellToLatLng(hex);
    c.trips[i] = 5 + ((i * 37) % 200);
    c.devices[i] = 1 + (i % 9);
    c.days[i] = 1 + (i % 30);
    for (let h = 0; h < 24; h++) c.profile[i * 24 + h] = (i * h) % 11;
    c.totalTrips += c.trips[i]!;
  });
  return c;
}

const cells = cityCells(1500);
const extent = (() => {
  const lngs = Array.from(cells.lng);
  const lats = Array.from(cells.lat);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
})();
const META = { filter: { tz: 'UTC' }, kAnonymity: 5, suppressedCells: 17 };

/** Random boxes over (and a little beyond) the cells, antimeridian-style ones (west > east) among them. */
const boxes = fc
  .tuple(fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: -0.1, max: 1.1, noNaN: true }))
  .map(([a, b, c, d]): BboxLngLat => {
    const [w, s, e, n] = extent as [number, number, number, number];
    return [w + (e - w) * a, s + (n - s) * Math.min(b, d), w + (e - w) * c, s + (n - s) * Math.max(b, d)];
  });

function byId(features: any[]): Map<string, any> {
  return new Map(features.map((f) => [f.properties.cell, f]));
}

describe('ViewportCells', () => {
  for (const nodeSize of [4, 16]) {
    it(`GeoJSON (leaves of ${nodeSize}): the features of cellsInBbox, plain and gzipped, with totals of the box`, () => {
      const view = new ViewportCells(cells, { nodeSize });
      fc.assert(
        fc.property(boxes, (box) => {
          const want = cellsToGeoJson(cellsInBbox(cells, box), META) as { features: any[] } & Record<string, unknown>;
          const pieces = view.geojson(box, META);
          const plain = concatPlain(pieces);
          expect(zlib.gunzipSync(concatGzip(pieces)).equals(plain)).toBe(true);
          const got = JSON.parse(plain.toString());
          expect({ ...got, features: [] }).toEqual({ ...want, features: [] });
          expect(got.features).toHaveLength(want.features.length);
          expect(byId(got.features)).toEqual(byId(want.features));
        }),
        { numRuns: 60 },
      );
    });

    it(`Arrow (leaves of ${nodeSize}): the rows of cellsInBbox in every column, with the whole-city schema and metadata`, () => {
      const view = new ViewportCells(cells, { nodeSize });
      fc.assert(
        fc.property(boxes, (box) => {
          const want = cellsInBbox(cells, box);
          const pieces = view.arrow(box, META);
          const plain = concatPlain(pieces);
          expect(zlib.gunzipSync(concatGzip(pieces)).equals(plain)).toBe(true);
          const table = tableFromIPC(plain);
          expect(table.numRows).toBe(want.count);
          expect(Object.fromEntries(table.schema.metadata)).toEqual({
            res: '10', totalTrips: String(want.totalTrips), filter: JSON.stringify(META.filter), kAnonymity: '5', suppressedCells: '17',
          });
          const rows = new Map<string, unknown[]>();
          const col = (name: string) => table.getChild(name)!;
          for (let r = 0; r < table.numRows; r++) {
            rows.set(col('h3').get(r), [col('cell').get(r), col('lat').get(r), col('lng').get(r), col('trips').get(r), col('devices').get(r), col('days').get(r), Array.from(col('profile').get(r)!)]);
          }
          for (let i = 0; i < want.count; i++) {
            const hex = want.cell[i]!.toString(16);
            expect(rows.get(hex)).toEqual([want.cell[i], want.lat[i], want.lng[i], want.trips[i], want.devices[i], want.days[i], Array.from(want.profile.subarray(i * 24, i * 24 + 24))]);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it('answers the same box the same way twice (pieces reused)', () => {
    const view = new ViewportCells(cells, { nodeSize: 8 });
    const box: BboxLngLat = [extent[0]! + 0.003, extent[1]! + 0.004, extent[2]! - 0.01, extent[3]! - 0.005];
    for (const format of ['geojson', 'arrow'] as const) {
      const first = concatGzip(view[format](box, META));
      expect(concatGzip(view[format](box, META)).equals(first)).toBe(true);
    }
  });

  it('answers the same with a memory budget too small to keep pieces', () => {
    const roomy = new ViewportCells(cells);
    const tight = new ViewportCells(cells, { piecesBudgetBytes: 2048 });
    fc.assert(
      fc.property(boxes, (box) => {
        for (const format of ['geojson', 'arrow'] as const) expect(concatGzip(tight[format](box, META)).equals(concatGzip(roomy[format](box, META)))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('answers a box without cells with an empty collection and a table without rows', () => {
    const view = new ViewportCells(cells);
    const box: BboxLngLat = [10, 10, 11, 11];
    expect(JSON.parse(concatPlain(view.geojson(box, META)).toString())).toEqual({ type: 'FeatureCollection', ...META, res: 10, totalTrips: 0, features: [] });
    const table = tableFromIPC(zlib.gunzipSync(concatGzip(view.arrow(box, META))));
    expect(table.numRows).toBe(0);
    expect(table.schema.metadata.get('totalTrips')).toBe('0');
  });

  it('serves no cells at all', () => {
    const view = new ViewportCells(cityCells(0));
    expect(JSON.parse(concatPlain(view.geojson([-180, -90, 180, 90], {})).toString()).features).toEqual([]);
    expect(tableFromIPC(concatPlain(view.arrow([-180, -90, 180, 90], {}))).numRows).toBe(0);
  });
});
