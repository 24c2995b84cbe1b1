import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { GBFS_23_STATION_INFORMATION, expectValid, haveModels, mdsAjv, validator } from './export-mds-schemas.ts';
import { cellToBoundary, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import {
  capacityByVehicleType, mdsVehicleType, stableUuid, exportZoneFromRow, zonesToCsv, zonesToGbfsStationInformation, exportZonesToGeoJson,
  zonesToMdsGeographies, zonesToMdsPolicy, zonesToMdsStops, zonesToNgsiLd, polygonToWkt, type ExportContext, type ExportZone,
} from '../engine/export/index.ts';

const center = latLngToCell(38.2527, -85.7585, 9);
const zones: ExportZone[] = gridDisk(center, 1).slice(0, 3).map((h, i) => {
  const [lat, lng] = cellToLatLng(h);
  return {
    runId: 7, zoneId: `Z${String(i + 1).padStart(3, '0')}`, rank: i + 1, centerLat: lat, centerLng: lng, cell: BigInt('0x' + h),
    capacity: 12 - i * 4, coveredTrips: 300 - i * 100, share: (300 - i * 100) / 1000,
    footprint: { type: 'Polygon', coordinates: [cellToBoundary(h, true)] }, catchment: gridDisk(h, 1).map((c) => BigInt('0x' + c)),
    profile: Array.from({ length: 24 }, (_, hr) => hr),
  };
});
const ctx: ExportContext = { runId: 7, publishedMs: Date.UTC(2026, 5, 8, 12), placeName: 'Louisville', vehicleTypeShares: { scooter: 3, bicycle: 1 } };

describe.skipIf(!haveModels)('MDS 2.0 exports validate against the official models', () => {
  let ajv: Ajv;
  beforeAll(() => {
    ajv = mdsAjv(['geography.yaml', 'stop.yaml', 'policy.yaml', 'policy-rule.yaml']);
  });

  it('Geography: every zone a valid geography of type "stop"', () => {
    const out = zonesToMdsGeographies(zones, ctx);
    expect(out.version).toBe('2.0.0');
    const v = validator(ajv, 'geography.yaml');
    for (const g of out.geographies) {
      expectValid(v, g);
      expect(g.geography_type).toBe('stop');
    }
    expect(new Set(out.geographies.map((g) => g.geography_id)).size).toBe(zones.length);
  });

  it('Stops: every zone a valid stop with capacity per vehicle type summing to the zone capacity', () => {
    const out = zonesToMdsStops(zones, ctx);
    const v = validator(ajv, 'stop.yaml');
    out.stops.forEach((s, i) => {
      expectValid(v, s);
      expect(Object.values(s.capacity).reduce((a, b) => a + b, 0)).toBe(zones[i]!.capacity);
    });
    expect(out.stops[0]!.capacity).toEqual({ scooter_standing: 9, bicycle: 3 });
  });

  it('Stops point at the geography of the same zone', () => {
    const geo = zonesToMdsGeographies(zones, ctx).geographies.map((g) => g.geography_id);
    expect(zonesToMdsStops(zones, ctx).stops.map((s) => s.geography_id)).toEqual(geo);
  });

  it('Policy: a valid policy whose rules are valid and reference only geographies it ships', () => {
    const out = zonesToMdsPolicy(zones, ctx);
    const vp = validator(ajv, 'policy.yaml');
    const vr = validator(ajv, 'policy-rule.yaml');
    const vg = validator(ajv, 'geography.yaml');
    expectValid(vp, out.policies[0]);
    for (const r of out.policies[0]!.rules) expectValid(vr, r);
    for (const g of out.geographies) expectValid(vg, g);
    const ids = new Set(out.geographies.map((g) => g.geography_id));
    for (const r of out.policies[0]!.rules) for (const g of r.geographies) expect(ids.has(g)).toBe(true);
    expect(out.policies[0]!.rules.map((r) => r.maximum)).toEqual([12, 8, 4, 0]);
    expect(out.policies[0]!.start_date - out.policies[0]!.published_date).toBeGreaterThanOrEqual(20 * 60_000);
  });

  it('the validator does catch a broken stop', () => {
    const bad = { ...zonesToMdsStops(zones, ctx).stops[0]!, capacity: { hoverboard: 3 } };
    expect(validator(ajv, 'stop.yaml')(bad)).toBe(false);
  });

  it('the validator does catch a geography with a non-UUID id (refs resolve)', () => {
    const bad = { ...zonesToMdsGeographies(zones, ctx).geographies[0]!, geography_id: 'Z001' };
    expect(validator(ajv, 'geography.yaml')(bad)).toBe(false);
  });
});

describe('GBFS, NGSI-LD, GeoJSON and CSV exports', () => {
  it('GBFS station_information: virtual stations with station_area and vehicle_capacity', () => {
    const out = zonesToGbfsStationInformation(zones, ctx);
    const v = new Ajv({ strict: false, allErrors: true }).compile(GBFS_23_STATION_INFORMATION);
    expectValid(v, out);
    const s = out.data.stations[0]!;
    expect(s.is_virtual_station).toBe(true);
    expect(s.station_area.coordinates[0]).toEqual(zones[0]!.footprint.coordinates);
    expect(s.vehicle_capacity).toEqual({ scooter_standing: 9, bicycle: 3 });
    expect(out.last_updated).toBe(ctx.publishedMs / 1000);
  });

  it('NGSI-LD: normalized OnStreetParking entities with URN ids and typed attributes', () => {
    const out = zonesToNgsiLd(zones, ctx);
    expect(out).toHaveLength(3);
    for (const e of out) {
      expect(e.id).toMatch(/^urn:ngsi-ld:OnStreetParking:/);
      expect(e.type).toBe('OnStreetParking');
      expect(Array.isArray(e['@context'])).toBe(true);
      for (const [k, a] of Object.entries(e)) {
        if (k === 'id' || k === 'type' || k === '@context') continue;
        const attr = a as { type: string; value: unknown };
        expect(['Property', 'GeoProperty', 'Relationship']).toContain(attr.type);
        expect(attr.value).toBeDefined();
      }
    }
    expect(out[0]!.totalSpotNumber).toMatchObject({ type: 'Property', value: 12 });
    expect((out[0]!.location as { value: unknown }).value).toEqual(zones[0]!.footprint);
  });

  it('GeoJSON: one polygon feature per zone with hex cell ids', () => {
    const fc = exportZonesToGeoJson(zones);
    expect(fc.features).toHaveLength(3);
    expect(fc.features[0]!.properties).toMatchObject({ zone_id: 'Z001', capacity: 12, cell: center });
  });

  it('CSV: header, one row per zone, WKT footprint', () => {
    const csv = zonesToCsv(zones);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('run_id,zone_id,rank,center_lat,center_lng,cell,capacity,covered_trips,share,catchment_cells,profile,footprint_wkt');
    expect(lines[1]).toContain(`,${center},12,300,0.3,`);
    expect(lines[1]).toContain('"POLYGON((');
  });

  it('WKT lists lng before lat', () => {
    expect(polygonToWkt({ type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 4], [1, 2]]] })).toBe('POLYGON((1 2, 3 2, 3 4, 1 2))');
  });
});

describe('export helpers', () => {
  it('derives stable version-5 UUIDs', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('maps export vehicle types to MDS ones', () => {
    expect(['scooter', 'E-Bike', 'bicycle', 'moped', 'unicycle', null].map(mdsVehicleType)).toEqual(['scooter_standing', 'bicycle', 'bicycle', 'moped', 'other', 'other']);
  });

  it('splits capacity by largest remainders, summing exactly', () => {
    expect(capacityByVehicleType(10, { scooter: 1, bicycle: 1, moped: 1 })).toEqual({ bicycle: 4, moped: 3, scooter_standing: 3 });
    expect(capacityByVehicleType(5)).toEqual({ scooter_standing: 5 });
    expect(capacityByVehicleType(1, { scooter: 9, bicycle: 1 })).toEqual({ scooter_standing: 1 });
  });

  it('reads stored zone rows (snake_case, JSON text, UBIGINT)', () => {
    const z = exportZonesToGeoJson([zones[0]!]).features[0]!;
    const rec = exportZoneFromRow({
      run_id: 7n, zone_id: 'Z001', rank: 1, center_lat: 1, center_lng: 2, cell: BigInt('0x' + center), capacity: 12, covered_trips: 300n,
      share: 0.3, footprint: JSON.stringify(z.geometry), catchment: [BigInt('0x' + center)], profile: new Array(24).fill(1),
    });
    expect(rec).toMatchObject({ runId: 7, zoneId: 'Z001', coveredTrips: 300, cell: BigInt('0x' + center) });
    expect(rec.footprint.type).toBe('Polygon');
  });
});
