import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, it, expect, afterAll } from 'vitest';
import { Ajv } from 'ajv';
import { generateCity, writeTrips, mds2Trip } from '../fixtures/index.ts';
import { tempDir, sharedData } from './helpers/temp-store.ts';
import { haversineM } from '../engine/geo/haversine.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
/** Draft-06 and draft-07 schemas alike: the meta-schema check is skipped, formats are checked by their patterns. */
const compile = (schema: object) => new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false }).compile(schema);
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('generateCity', () => {
  it('gives the same bytes for the same seed, in every format', async () => {
    for (const format of ['mds1', 'mds2', 'csv', 'parquet'] as const) {
      const a = path.join(dir, `a.${format}`);
      const b = path.join(dir, `b.${format}`);
      await writeTrips(generateCity({ trips: 500, seed: 11 }).trips(), a, { format });
      await writeTrips(generateCity({ trips: 500, seed: 11 }).trips(), b, { format });
      expect(sha(a), format).toBe(sha(b));
    }
  });

  it('gives different trips for a different seed', () => {
    const a = [...generateCity({ trips: 50, seed: 1 }).trips()].map((t) => t.tripId);
    const b = [...generateCity({ trips: 50, seed: 2 }).trips()].map((t) => t.tripId);
    expect(a).not.toEqual(b);
  });

  it('chains each device: a trip starts where and after the previous one ended', () => {
    const trips = [...generateCity({ trips: 2000, seed: 5 }).trips()];
    const byDevice = new Map<string, typeof trips>();
    for (const t of trips) byDevice.set(t.deviceId, [...(byDevice.get(t.deviceId) ?? []), t]);
    expect(byDevice.size).toBeGreaterThan(10);
    for (const list of byDevice.values()) {
      for (let i = 1; i < list.length; i++) {
        expect(list[i]!.startLat).toBe(list[i - 1]!.endLat);
        expect(list[i]!.startLng).toBe(list[i - 1]!.endLng);
        expect(list[i]!.startMs).toBeGreaterThan(list[i - 1]!.endMs);
      }
    }
  });

  it('concentrates trip ends at the hotspots it returns', () => {
    const city = generateCity({ trips: 5000, seed: 3, hotspotShare: 0.6 });
    const trips = [...city.trips()];
    const near = trips.filter((t) => city.hotspots.some((h) => haversineM(t.endLat, t.endLng, h.lat, h.lng) < 100)).length;
    expect(near / trips.length).toBeGreaterThan(0.55);
    expect(city.hotspots).toHaveLength(12);
  });

  it('plants each kind of bad row at about the asked share and counts them', () => {
    const city = generateCity({ trips: 20_000, seed: 9, defects: { zero_zero: 0.01, seconds_timestamp: 0.02 } });
    const trips = [...city.trips()];
    const counts = city.defectCounts();
    expect(trips.filter((t) => t.defect === 'zero_zero')).toHaveLength(counts.zero_zero);
    expect(counts.zero_zero).toBeGreaterThan(120);
    expect(counts.zero_zero).toBeLessThan(280);
    expect(counts.seconds_timestamp).toBeGreaterThan(300);
    expect(counts.lat_out_of_range).toBe(0);
  });
});

describe('generated MDS files against the official schemas', () => {
  const schemaDir = sharedData('mds-schemas');
  it.skipIf(!schemaDir)('MDS 1.2 payload validates against mds-1.2.0-provider-trips.schema.json', async () => {
    const file = path.join(dir, 'v12.json');
    await writeTrips(generateCity({ trips: 300, seed: 4 }).trips(), file, { format: 'mds1' });
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir!, 'mds-1.2.0-provider-trips.schema.json'), 'utf8'));
    const validate = compile(schema);
    const ok = validate(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.skipIf(!schemaDir)('MDS 2.0 trips validate against the bundled models/trip schema', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir!, 'mds-2.0-trip.bundled.schema.json'), 'utf8'));
    const validate = compile(schema);
    for (const t of generateCity({ trips: 300, seed: 4 }).trips()) {
      const ok = validate(mds2Trip(t));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it.skipIf(!schemaDir)('the committed MDS 0.4 fixture validates against the 0.4.1 schema', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir!, 'mds-0.4.1-provider-dockless-trips.schema.json'), 'utf8'));
    const validate = compile(schema);
    const ok = validate(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/small/mds-0.4-trips.json'), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.skipIf(!schemaDir)('a planted bad row fails the schema (the validation can fail)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir!, 'mds-2.0-trip.bundled.schema.json'), 'utf8'));
    const validate = compile(schema);
    const bad = [...generateCity({ trips: 2000, seed: 4, defects: { lat_out_of_range: 0.05 } }).trips()].find((t) => t.defect)!;
    expect(validate(mds2Trip(bad))).toBe(false);
  });
});
