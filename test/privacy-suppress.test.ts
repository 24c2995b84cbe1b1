import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerTrips, releaseFilter, releaseZones, suppressCells, suppressProfile, suppressZones, visibleCellSet, type CellColumns } from '../engine/privacy/index.ts';
import { tempStore } from './helpers/temp-store.ts';
import type { ExportZone } from '../engine/export/index.ts';

function cells(trips: number[]): CellColumns {
  const n = trips.length;
  const profile = new Float64Array(n * 24);
  trips.forEach((t, i) => {
    profile[i * 24 + 8] = t - Math.min(t, 2);
    profile[i * 24 + 9] = Math.min(t, 2);
  });
  return {
    res: 10, count: n, cell: BigUint64Array.from(trips, (_, i) => BigInt(1000 + i)), lat: Float64Array.from(trips, (_, i) => i),
    lng: Float64Array.from(trips, (_, i) => -i), trips: Float64Array.from(trips), devices: Float64Array.from(trips), days: new Float64Array(n).fill(1),
    profile, totalTrips: trips.reduce((a, b) => a + b, 0),
  };
}

describe('suppressCells', () => {
  it('drops cells with fewer than k trip ends and keeps the rest aligned', () => {
    const out = suppressCells(cells([1, 5, 4, 9, 0]), 5);
    expect(out.count).toBe(2);
    expect(Array.from(out.trips)).toEqual([5, 9]);
    expect(Array.from(out.cell)).toEqual([1001n, 1003n]);
    expect(Array.from(out.lat)).toEqual([1, 3]);
    expect(out.totalTrips).toBe(14);
    expect(out.suppression).toEqual({ k: 5, suppressedCells: 3 });
  });

  it('zeroes profile hours below k inside kept cells', () => {
    const out = suppressCells(cells([9]), 5);
    expect(out.profile[8]).toBe(7);
    expect(out.profile[9]).toBe(0);
  });

  it('keeps everything at k = 1 and refuses k < 1', () => {
    expect(suppressCells(cells([1, 2]), 1).count).toBe(2);
    expect(() => suppressCells(cells([1]), 0)).toThrow('k-anonymity threshold must be a whole number ≥ 1, got 0');
  });

  it('does not change its input', () => {
    const input = cells([1, 9]);
    suppressCells(input, 5);
    expect(input.count).toBe(2);
    expect(Array.from(input.trips)).toEqual([1, 9]);
  });

  it('names the visible cells', () => {
    expect([...visibleCellSet(cells([1, 7, 5]), 5)]).toEqual([1001n, 1002n]);
  });
});

describe('suppressZones and suppressProfile', () => {
  const zone = (id: string, covered: number): ExportZone => ({
    runId: 1, zoneId: id, rank: 1, centerLat: 0, centerLng: 0, cell: 1n, capacity: 3, coveredTrips: covered, share: 0.1,
    footprint: { type: 'Polygon', coordinates: [] }, catchment: [1001n, 1002n, 1003n], profile: [0, 1, 4, 5, 6, ...new Array(19).fill(0)],
  });

  it('drops zones covering fewer than k trips, zeroes small hours, filters the catchment', () => {
    const out = suppressZones([zone('A', 4), zone('B', 50)], 5, new Set([1002n]));
    expect(out.map((z) => z.zoneId)).toEqual(['B']);
    expect(out[0]!.profile.slice(0, 5)).toEqual([0, 0, 0, 5, 6]);
    expect(out[0]!.catchment).toEqual([1002n]);
  });

  it('suppresses profile values below k', () => {
    expect(suppressProfile([4, 5, 100], 5)).toEqual([0, 5, 100]);
  });
});

describe('providerTrips', () => {
  let ctx: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    ctx = await tempStore();
    // 6 trips of "bird", 4 of "tiny", 5 of "acme".
    const rows = [...Array(6).fill('bird'), ...Array(4).fill('tiny'), ...Array(5).fill('acme')].map(
      (p, i) => `('${p}', 't${i}', TIMESTAMPTZ '2026-06-01 08:00:00+00', TIMESTAMPTZ '2026-06-01 08:10:00+00', 38.25, -85.75, 1)`,
    );
    await ctx.store.run(`INSERT INTO trips (provider_id, trip_id, start_time, end_time, end_lat, end_lng, upload_id) VALUES ${rows.join(', ')}`);
  });
  afterAll(() => ctx.cleanup());

  it('lists every provider sorted by id with its trips when k is null', async () => {
    expect(await providerTrips(ctx.store, { k: null })).toEqual([{ id: 'acme', trips: 5 }, { id: 'bird', trips: 6 }, { id: 'tiny', trips: 4 }]);
  });

  it('leaves out a count below k but keeps the provider', async () => {
    expect(await providerTrips(ctx.store, { k: 5 })).toEqual([{ id: 'acme', trips: 5 }, { id: 'bird', trips: 6 }, { id: 'tiny' }]);
  });

  it('refuses k < 1', async () => {
    await expect(providerTrips(ctx.store, { k: 0 })).rejects.toThrow('k-anonymity threshold must be a whole number ≥ 1, got 0');
  });
});

describe('releaseZones', () => {
  const cells = {
    res: 10, count: 2, cell: BigUint64Array.from([0x8a2668845247fffn, 0x8a26688458effffn]), lat: new Float64Array(2), lng: new Float64Array(2),
    trips: Float64Array.from([5, 7]), devices: new Float64Array(2), days: new Float64Array(2),
    profile: Float64Array.from({ length: 48 }, (_, i) => (i === 8 ? 5 : i === 24 + 9 ? 7 : 0)), totalTrips: 12,
  };
  const zone = (rank: number, catchment: string[]) => ({ rank, coveredTrips: 999, share: 0.9, profile: new Array(24).fill(1), catchment });

  it('recomputes covered trips, profile and share from the shown cells of the catchment, and drops zones with none', () => {
    const { zones, figures } = releaseZones([zone(2, ['8a26688458effff', '8a2668841c07fff']), zone(1, ['8a2668845247fff']), zone(3, ['8a2668841c07fff'])], cells, 5);
    expect(zones.map((z) => [z.rank, z.coveredTrips, z.catchment])).toEqual([[1, 5, ['8a2668845247fff']], [2, 7, ['8a26688458effff']]]);
    expect(zones[0]!.profile[8]).toBe(5);
    expect(zones[1]!.share).toBeCloseTo(7 / 12, 12);
    expect(figures).toEqual({ totalTrips: 12, coveredTrips: 12, coveredShare: 1, curve: [5 / 12, 1, 1] });
  });
});

describe('releaseFilter', () => {
  it('widens from and to to whole local months and takes the city time zone', () => {
    expect(releaseFilter({ from: '2026-06-03T07:00', to: '2026-06-03T08:00', tz: 'UTC', hours: [7] }, 'Europe/Paris')).toEqual({ from: '2026-06-01', to: '2026-07-01', tz: 'Europe/Paris', hours: [7] });
    expect(releaseFilter({ from: '2026-06-01', to: '2026-08-01T00:00' }, 'UTC')).toEqual({ from: '2026-06-01', to: '2026-08-01', tz: 'UTC' });
    expect(releaseFilter({ to: '2026-12-31' }, 'UTC')).toEqual({ to: '2027-01-01', tz: 'UTC' });
  });
});
