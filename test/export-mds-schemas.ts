/**
 * The official MDS 2.0 models (../shared/data/mds-schemas/mds-2.0-openapi/models) as ajv validators, and a GBFS 2.3
 * station_information schema; shared by test/export-standards.test.ts and test/server-exports.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import yaml from 'js-yaml';
import { Ajv, type ValidateFunction } from 'ajv';

export const MODELS = path.resolve(import.meta.dirname, '../../shared/data/mds-schemas/mds-2.0-openapi/models');
export const haveModels = fs.existsSync(MODELS);

/** The MDS models `entries` reach through `$ref`s, each under its own file URL so that relative refs resolve as written. */
export function mdsAjv(entries: string[]): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const seen = new Set<string>();
  const refsOf = (node: unknown, out: string[]): string[] => {
    if (Array.isArray(node)) for (const x of node) refsOf(x, out);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.push(v.split('#')[0]!);
        else refsOf(v, out);
      }
    return out;
  };
  const load = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const schema = yaml.load(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    schema.$id = pathToFileURL(file).href;
    ajv.addSchema(schema);
    for (const ref of refsOf(schema, [])) load(path.resolve(path.dirname(file), ref));
  };
  for (const e of entries) load(path.join(MODELS, e));
  return ajv;
}

export function validator(ajv: Ajv, model: string): ValidateFunction {
  const v = ajv.getSchema(pathToFileURL(path.join(MODELS, model)).href);
  if (!v) throw new Error(`no schema ${model}`);
  return v;
}

export function expectValid(v: ValidateFunction, data: unknown): void {
  const ok = v(data);
  expect(ok, JSON.stringify(v.errors, null, 1)).toBe(true);
}

/** A GBFS 2.3 file's schema: the envelope every file has (GBFS 2.3 reference, "Output Format"), around `data`. */
export function gbfs23File(data: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    required: ['last_updated', 'ttl', 'version', 'data'],
    properties: {
      last_updated: { type: 'integer', minimum: 1450155600 },
      ttl: { type: 'integer', minimum: 0 },
      version: { const: '2.3' },
      data,
    },
  };
}

/** GBFS 2.3 station_information.json, written from the GBFS 2.3 reference (only the fields we emit, plus required ones). */
export const GBFS_23_STATION_INFORMATION = gbfs23File({
  type: 'object',
  required: ['stations'],
  properties: {
    stations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['station_id', 'name', 'lat', 'lon'],
        properties: {
          station_id: { type: 'string' },
          name: { type: 'string' },
          short_name: { type: 'string' },
          lat: { type: 'number', minimum: -90, maximum: 90 },
          lon: { type: 'number', minimum: -180, maximum: 180 },
          is_virtual_station: { type: 'boolean' },
          station_area: {
            type: 'object', required: ['type', 'coordinates'],
            properties: { type: { const: 'MultiPolygon' }, coordinates: { type: 'array', items: { type: 'array', items: { type: 'array', minItems: 4, items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } } } } } },
          },
          parking_type: { enum: ['parking_lot', 'street_parking', 'underground_parking', 'sidewalk_parking', 'other'] },
          capacity: { type: 'integer', minimum: 0 },
          vehicle_capacity: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
        },
      },
    },
  },
});

