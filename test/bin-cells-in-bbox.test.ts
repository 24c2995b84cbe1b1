import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { CellBboxIndex, cellsInBbox, checkBbox, isParkzonesError, pickCells, type BboxLngLat, type CellColumns } from '../engine/index.ts';

/** Cells at the given [lat, lng] points (res 9), trips 1, 2, 3…, profile hour h = trips × h. */
function cellsAt(latLngs: [number, number][]): CellColumns {
  const n = latLngs.length;
  const c: CellColumns = {
    res: 9, count: n, cell: new BigUint64Array(n), lat: new Float64Array(n), lng: new Float64Array(n),
    trips: Float64Array.from({ length: n }, (_, i) => i + 1), devices: Float64Array.from({ length: n }, (_, i) => i + 10),
    days: Float64Array.from({ length: n }, (_, i) => i + 20), profile: Float64Array.from({ length: n * 24 }, (_, j) => Math.floor(j / 24 + 1) * (j % 24)),
    totalTrips: (n * (n + 1)) / 2,
  };
  latLngs.forEach(([lat, lng], i) => {
    const hex = latLngToCell(lat, lng, 9);
    c.cell[i] = BigInt('0x' + hex);
    [c.lat[i], c.lng[i]] = cellToLatLng(hex);
  });
  return c;
}

function hexes(c: CellColumns): string[] {
  return Array.from(c.cell, (x) => x.toString(16));
}

const city = cellsAt(Array.from({ length: 60 }, (_, i) => [38.2 + (i % 10) * 0.01, -85.8 + Math.floor(i / 10) * 0.01] as [number, number]));

describe('pickCells', () => {
  it('copies the cells at the given positions, in that order, and sums their trips', () => {
    const got = pickCells(city, [5, 0, 59, 5, 7, 8], 5);
    const want = [5, 0, 59, 5, 7];
    expect(got.count).toBe(5);
    expect(got.res).toBe(city.res);
    expect(Array.from(got.cell)).toEqual(want.map((i) => city.cell[i]));
    expect(Array.from(got.days)).toEqual(want.map((i) => city.days[i]));
    expect(Array.from(got.profile)).toEqual(want.flatMap((i) => Array.from(city.profile.subarray(i * 24, i * 24 + 24))));
    expect(got.totalTrips).toBe(want.reduce((t, i) => t + city.trips[i]!, 0));
    expect(pickCells(city, []).count).toBe(0);
  });
});

describe('cellsInBbox', () => {
  it('keeps the cells whose centre lies in the box, in order, with all their columns', () => {
    const box: BboxLngLat = [-85.775, 38.215, -85.745, 38.245];
    const got = cellsInBbox(city, box);
    const want = [...Array(city.count).keys()].filter((i) => city.lng[i]! >= box[0] && city.lng[i]! <= box[2] && city.lat[i]! >= box[1] && city.lat[i]! <= box[3]);
    expect(want.length).toBeGreaterThan(4);
    expect(got.count).toBe(want.length);
    expect(got.res).toBe(9);
    expect(Array.from(got.cell)).toEqual(want.map((i) => city.cell[i]));
    expect(Array.from(got.lat)).toEqual(want.map((i) => city.lat[i]));
    expect(Array.from(got.lng)).toEqual(want.map((i) => city.lng[i]));
    expect(Array.from(got.trips)).toEqual(want.map((i) => city.trips[i]));
    expect(Array.from(got.devices)).toEqual(want.map((i) => city.devices[i]));
    expect(Array.from(got.days)).toEqual(want.map((i) => city.days[i]));
    expect(Array.from(got.profile)).toEqual(want.flatMap((i) => Array.from(city.profile.subarray(i * 24, i * 24 + 24))));
    expect(got.totalTrips).toBe(want.reduce((s, i) => s + city.trips[i]!, 0));
  });

  it('includes a centre on any edge of the box, and a box that is a single point', () => {
    const i = 23;
    const [lng, lat] = [city.lng[i]!, city.lat[i]!];
    expect(hexes(cellsInBbox(city, [lng, lat, lng, lat]))).toEqual([city.cell[i]!.toString(16)]);
    for (const box of [[lng, lat - 1e-3, lng + 1e-3, lat + 1e-3], [lng - 1e-3, lat, lng + 1e-3, lat + 1e-3], [lng - 1e-3, lat - 1e-3, lng, lat + 1e-3], [lng - 1e-3, lat - 1e-3, lng + 1e-3, lat]] as const) {
      expect(hexes(cellsInBbox(city, box))).toContain(city.cell[i]!.toString(16));
    }
    // A hair outside the edge: left out.
    expect(cellsInBbox(city, [lng + 1e-9, lat, lng + 1e-3, lat]).count).toBe(0);
  });

  it('an empty box gives no cells and no trips', () => {
    const got = cellsInBbox(city, [0, 0, 1, 1]);
    expect(got).toMatchObject({ res: 9, count: 0, totalTrips: 0 });
    expect(got.cell.length).toBe(0);
    expect(got.profile.length).toBe(0);
  });

  it('a box with west > east crosses the antimeridian', () => {
    const dateline = cellsAt([[0, 179.95], [0, -179.95], [0, 0], [0, 170], [0, -170]]);
    const [east, west] = [hexes(dateline)[0], hexes(dateline)[1]];
    expect(hexes(cellsInBbox(dateline, [179, -1, -179, 1])).sort()).toEqual([east, west].sort());
    expect(hexes(cellsInBbox(dateline, [-179, -1, 179, 1])).sort()).toEqual([hexes(dateline)[2], hexes(dateline)[3], hexes(dateline)[4]].sort());
    // The whole world either way round.
    expect(cellsInBbox(dateline, [-180, -90, 180, 90]).count).toBe(5);
  });

  it('agrees with a plain filter on random boxes', () => {
    fc.assert(
      fc.property(fc.double({ min: -85.82, max: -85.7, noNaN: true }), fc.double({ min: -85.82, max: -85.7, noNaN: true }), fc.double({ min: 38.18, max: 38.32, noNaN: true }), fc.double({ min: 38.18, max: 38.32, noNaN: true }), (w, e, a, b) => {
        const box: BboxLngLat = [w, Math.min(a, b), e, Math.max(a, b)];
        const inLng = (x: number) => (w <= e ? x >= w && x <= e : x >= w || x <= e);
        const want = hexes(city).filter((_, i) => inLng(city.lng[i]!) && city.lat[i]! >= box[1] && city.lat[i]! <= box[3]);
        expect(hexes(cellsInBbox(city, box))).toEqual(want);
      }),
    );
  });
});

describe('checkBbox', () => {
  const bad: [number[], string][] = [
    [[1, 2, 3], 'bbox: must be 4 numbers west,south,east,north (degrees, WGS84), got 3'],
    [[NaN, 0, 1, 1], 'bbox: must be 4 finite numbers west,south,east,north, got NaN,0,1,1'],
    [[0, 0, Infinity, 1], 'bbox: must be 4 finite numbers west,south,east,north, got 0,0,Infinity,1'],
    [[-180.5, 0, 1, 1], 'bbox: west and east are longitudes and must lie in [-180, 180], got west -180.5, east 1'],
    [[0, -90.5, 1, 1], 'bbox: south and north are latitudes and must lie in [-90, 90], got south -90.5, north 1'],
    [[0, 2, 1, 1], 'bbox: south must not exceed north, got south 2 > north 1'],
  ];
  for (const [box, message] of bad) {
    it(`refuses ${box.join(',')}`, () => {
      let err: unknown;
      try {
        checkBbox(box);
      } catch (e) {
        err = e;
      }
      expect(isParkzonesError(err, 'BAD_OPTION')).toBe(true);
      expect((err as Error).message).toBe(message);
      expect((err as { location: object }).location).toEqual({ option: 'bbox' });
    });
  }

  it('names another parameter when asked', () => {
    expect(() => checkBbox([0, 2, 1, 1], 'view')).toThrow(/^view: south must not exceed north/);
  });

  it('accepts the edges of the world and an antimeridian box', () => {
    for (const box of [[-180, -90, 180, 90], [170, -10, -170, 10], [0, 0, 0, 0]]) expect(() => checkBbox(box)).not.toThrow();
  });

  it('cellsInBbox refuses a bad box too', () => {
    expect(() => cellsInBbox(city, [0, 2, 1, 1])).toThrow(/^bbox: south must not exceed north/);
  });
});

/** Cell ids an index answers for a box, checking the runs are ascending, disjoint and whole nodes where they say so. */
function indexHexes(index: CellBboxIndex, cells: CellColumns, box: BboxLngLat): string[] {
  const out: string[] = [];
  let last = 0;
  for (const run of index.query(box)) {
    expect(run.lo).toBeGreaterThanOrEqual(last);
    expect(run.hi).toBeGreaterThan(run.lo);
    if (run.node >= 0) expect([index.nodeLo[run.node], index.nodeHi[run.node]]).toEqual([run.lo, run.hi]);
    for (let p = run.lo; p < run.hi; p++) out.push(cells.cell[index.order[p]!]!.toString(16));
    last = run.hi;
  }
  return out.sort();
}

describe('CellBboxIndex', () => {
  const grid = cellsAt(Array.from({ length: 900 }, (_, i) => [38.2 + (i % 30) * 0.004, -85.8 + Math.floor(i / 30) * 0.004] as [number, number]));

  it('orders every cell once', () => {
    const index = new CellBboxIndex(grid, 8);
    expect(Array.from(index.order).sort((a, b) => a - b)).toEqual([...Array(grid.count).keys()]);
    expect(index.nodeLo[0]).toBe(0);
    expect(index.nodeHi[0]).toBe(grid.count);
  });

  it('answers the same cells as cellsInBbox, whatever the leaf size, also across the antimeridian', () => {
    for (const nodeSize of [1, 4, 16, 64]) {
      const index = new CellBboxIndex(grid, nodeSize);
      fc.assert(
        fc.property(fc.double({ min: -85.81, max: -85.68, noNaN: true }), fc.double({ min: -85.81, max: -85.68, noNaN: true }), fc.double({ min: 38.19, max: 38.33, noNaN: true }), fc.double({ min: 38.19, max: 38.33, noNaN: true }), (w, e, a, b) => {
          const box: BboxLngLat = [w, Math.min(a, b), e, Math.max(a, b)];
          expect(indexHexes(index, grid, box)).toEqual(hexes(cellsInBbox(grid, box)).sort());
        }),
        { numRuns: 200 },
      );
    }
  });

  it('includes centres on the edges, as cellsInBbox does', () => {
    const index = new CellBboxIndex(grid, 4);
    for (const i of [0, 17, 450, 899]) {
      const [lng, lat] = [grid.lng[i]!, grid.lat[i]!];
      for (const box of [[lng, lat, lng, lat], [lng, lat - 0.01, lng + 0.01, lat], [lng - 0.01, lat, lng, lat + 0.01]] as BboxLngLat[]) {
        expect(indexHexes(index, grid, box)).toEqual(hexes(cellsInBbox(grid, box)).sort());
        expect(indexHexes(index, grid, box)).toContain(grid.cell[i]!.toString(16));
      }
    }
  });

  it('answers a box holding everything with the root node, and boxes across the antimeridian', () => {
    const index = new CellBboxIndex(grid, 4);
    expect(index.query([-180, -90, 180, 90])).toEqual([{ lo: 0, hi: grid.count, node: 0 }]);
    expect(index.query([10, 10, 11, 11])).toEqual([]);
    const dateline = cellsAt([[0, 179.95], [0, -179.95], [0, 0], [1, 179.99], [-1, -179.99], [0, 170]]);
    const dl = new CellBboxIndex(dateline, 1);
    expect(indexHexes(dl, dateline, [179, -2, -179, 2])).toEqual(hexes(cellsInBbox(dateline, [179, -2, -179, 2])).sort());
    expect(indexHexes(dl, dateline, [179, -2, -179, 2])).toHaveLength(4);
  });

  it('has no nodes and answers nothing without cells', () => {
    const index = new CellBboxIndex(cellsAt([]));
    expect(index.nodeCount).toBe(0);
    expect(index.query([-180, -90, 180, 90])).toEqual([]);
  });

  it('refuses a bad box and a bad leaf size', () => {
    expect(() => new CellBboxIndex(grid).query([0, 2, 1, 1])).toThrow(/^bbox: south must not exceed north/);
    expect(() => new CellBboxIndex(grid, 0)).toThrow(/nodeSize/);
  });
});
