import { describe, expect, it } from 'vitest';
import { DEFAULT_ZONE_OPTIONS, resolveZoneOptions, type ZoneOptions } from '../engine/zones/index.ts';
import { isParkzonesError } from '../engine/errors.ts';

/** The BAD_OPTION error an options object raises. */
function failure(options: unknown): { message: string; option: string | undefined } {
  try {
    resolveZoneOptions(options as ZoneOptions);
  } catch (e) {
    if (isParkzonesError(e, 'BAD_OPTION')) return { message: e.message, option: e.location.option };
    throw e;
  }
  throw new Error('no error');
}

describe('resolveZoneOptions', () => {
  it('fills every default (documented in DEFAULT_ZONE_OPTIONS) and the 0.8 coverage target when no budget is set', () => {
    expect(resolveZoneOptions({})).toEqual({ ...DEFAULT_ZONE_OPTIONS, coverage: 0.8, filter: {} });
    expect(DEFAULT_ZONE_OPTIONS.walkRadiusM).toBe(100);
    expect(DEFAULT_ZONE_OPTIONS.method).toBe('mclp');
    expect(DEFAULT_ZONE_OPTIONS.capacityPercentile).toBe(0.85);
  });

  it('keeps no coverage target when only a budget is given', () => {
    expect(resolveZoneOptions({ k: 40 })).toMatchObject({ k: 40, coverage: null });
  });

  it('keeps both when both are given (whichever comes first stops)', () => {
    expect(resolveZoneOptions({ k: 40, coverage: 0.7 })).toMatchObject({ k: 40, coverage: 0.7 });
  });

  it('is idempotent: resolved options resolve to themselves (a stored run replays exactly)', () => {
    const once = resolveZoneOptions({ k: 3, filter: { days: 'weekday', tz: 'Europe/Paris' } });
    expect(resolveZoneOptions(once)).toEqual(once);
  });

  it.each([
    [{ walkRadiusM: -5 }, 'walkRadiusM', 'walkRadiusM: must be a number of metres > 0, got -5'],
    [{ walkRadiusM: 0 }, 'walkRadiusM', 'walkRadiusM: must be a number of metres > 0, got 0'],
    [{ walkRadiusM: 9000 }, 'walkRadiusM', 'walkRadiusM: must be at most 5000 m (a walk), got 9000'],
    [{ k: 0 }, 'k', 'k: must be a whole number of zones ≥ 1, got 0'],
    [{ k: 2.5 }, 'k', 'k: must be a whole number of zones ≥ 1, got 2.5'],
    [{ coverage: 1.5 }, 'coverage', 'coverage: must be a share in (0, 1], got 1.5'],
    [{ coverage: 0 }, 'coverage', 'coverage: must be a share in (0, 1], got 0'],
    [{ res: 13 }, 'res', 'res: must be an H3 resolution from 7 to 12, got 13'],
    [{ res: 6 }, 'res', 'res: must be an H3 resolution from 7 to 12, got 6'],
    [{ res: '11' }, 'res', 'res: must be an H3 resolution from 7 to 12, got "11"'],
    [{ minSpacingM: -1 }, 'minSpacingM', 'minSpacingM: must be a number of metres ≥ 0, got -1'],
    [{ minTrips: -3 }, 'minTrips', 'minTrips: must be a number of trip ends ≥ 0, got -3'],
    [{ method: 'kmeans' }, 'method', `method: must be 'mclp' or 'dbscan', got "kmeans"`],
    [{ optimize: 'max' }, 'optimize', `optimize: must be 'auto', 'greedy', 'local' or 'lagrangian', got "max"`],
    [{ capacityPercentile: 1.2 }, 'capacityPercentile', 'capacityPercentile: must be a share in (0, 1], got 1.2'],
    [{ safetyFactor: 0 }, 'safetyFactor', 'safetyFactor: must be a number > 0, got 0'],
    [{ minCapacity: -1 }, 'minCapacity', 'minCapacity: must be a whole number of slots ≥ 0, got -1'],
    [{ minCapacity: 5, maxCapacity: 3 }, 'maxCapacity', 'maxCapacity: must be a whole number of slots ≥ minCapacity (5) and ≥ 1, got 3'],
    [{ slotMinutes: 7 }, 'slotMinutes', 'slotMinutes: must be a whole number of minutes that divides a day (1, 5, 15, 60 …), got 7'],
    [{ parkedCapHours: 0 }, 'parkedCapHours', 'parkedCapHours: must be a number of hours > 0, got 0'],
    [{ dbscanEpsM: -1 }, 'dbscanEpsM', 'dbscanEpsM: must be a number of metres in (0, 5000], got -1'],
    [{ dbscanMinTrips: 0 }, 'dbscanMinTrips', 'dbscanMinTrips: must be a number of trip ends > 0, got 0'],
    [{ walkRadius: 100 }, 'walkRadius', 'walkRadius: unknown option (known: res, walkRadiusM, k, coverage, minSpacingM, minTrips, exclude, method, optimize, objective, decayScaleM, capacityPercentile, safetyFactor, minCapacity, maxCapacity, slotMinutes, parkedCapHours, dbscanEpsM, dbscanMinTrips, candidates, candidateSpacingM, districts, filter)'],
  ])('rejects %j naming %s', (options, option, message) => {
    expect(failure(options)).toEqual({ message, option });
  });

  it.each([
    [{ filter: { hours: [25] } }, 'filter.hours', 'filter.hours: each hour must be a whole number 0–23, got 25'],
    [{ filter: { days: 'sunday' } }, 'filter.days', 'filter.days: must be all, weekday or weekend, got "sunday"'],
    [{ filter: { tz: 'Mars/Base' } }, 'filter.tz', 'filter.tz: unknown time zone "Mars/Base"'],
    [{ filter: { from: 'yesterday' } }, 'filter.from', 'filter.from: must be an ISO date or date-time such as 2026-06-01 or 2026-06-01T07:00, got "yesterday"'],
    [{ filter: { from: '2026-07-01', to: '2026-06-01' } }, 'filter.from', 'filter.from: must be before to (2026-07-01 ≥ 2026-06-01)'],
    [{ filter: { provider: ['a'] } }, 'filter.provider', 'filter.provider: unknown filter (known: from, to, hours, days, providers, tz)'],
  ])('rejects the filter %j naming %s', (options, option, message) => {
    expect(failure(options)).toEqual({ message, option });
  });

  it.each([
    [{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }, 'exclude: the GeoJSON is a LineString; only Polygon and MultiPolygon can exclude'],
    [{ type: 'Point', coordinates: [0, 0] }, 'exclude: the GeoJSON is a Point; only Polygon and MultiPolygon can exclude'],
    [
      { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } }, { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: [] } }] },
      'exclude: feature 1 is a MultiLineString; only Polygon and MultiPolygon can exclude',
    ],
    [{ type: 'Feature', geometry: null }, 'exclude: the GeoJSON has no geometry; only Polygon and MultiPolygon can exclude'],
    [{ type: 'Polygon', coordinates: [[[0, 0], [1, 0]]] }, 'exclude: the GeoJSON ring 0: needs at least 3 positions'],
    [{ type: 'Polygon', coordinates: [[[45.5, -122.6], [45.6, -122.6], [45.6, -122.7]]] }, 'exclude: the GeoJSON ring 0 position 0: [45.5, -122.6] is outside [-180..180, -90..90]; GeoJSON positions are [lng, lat]'],
    ['parks.geojson', 'exclude: the GeoJSON must be a GeoJSON object, got "parks.geojson"'],
  ])('rejects an exclusion that is not polygons: %j', (exclude, message) => {
    expect(failure({ exclude })).toEqual({ message, option: 'exclude' });
  });
});
