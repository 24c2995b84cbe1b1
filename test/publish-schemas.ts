/**
 * Validators of the published documents: MDS 2.0 responses composed from the official models, the official Smart
 * Data Models schemas (the remote common-schema URL served from the local copy), and GBFS 2.3 geofencing_zones
 * written from the GBFS 2.3 reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { MODELS, gbfs23File, mdsAjv } from './export-mds-schemas.ts';

export const SDM = path.resolve(import.meta.dirname, '../../shared/data/fiware-smart-data-models');
export const haveSdm = fs.existsSync(path.join(SDM, 'common-schema.json'));

const model = (m: string) => ({ $ref: pathToFileURL(path.join(MODELS, m)).href });

/** MDS response validators: GET /geographies, /geographies/{id}, /policies, /policies/{id}, /stops. */
export function mdsResponseValidators(): Record<'geographies' | 'geography' | 'policies' | 'stops', ValidateFunction> {
  const ajv = mdsAjv(['geography.yaml', 'policy.yaml', 'policy-rule.yaml', 'stop.yaml', 'response/version.yaml', 'response/last_updated.yaml', 'response/ttl.yaml', 'data-types/timestamp.yaml']);
  const version = model('response/version.yaml');
  return {
    geographies: ajv.compile({ allOf: [version, { type: 'object', required: ['updated', 'geographies'], properties: { updated: model('data-types/timestamp.yaml'), geographies: { type: 'array', items: model('geography.yaml') } } }] }),
    geography: ajv.compile({ allOf: [version, { type: 'object', required: ['geography'], properties: { geography: model('geography.yaml') } }] }),
    policies: ajv.compile({ allOf: [version, { type: 'object', required: ['updated', 'policies'], properties: { updated: model('data-types/timestamp.yaml'), policies: { type: 'array', items: model('policy.yaml') } } }] }),
    // As the Provider API's /stops response (reference/provider.yaml).
    stops: ajv.compile({ allOf: [version, model('response/last_updated.yaml'), model('response/ttl.yaml'), { type: 'object', required: ['stops'], properties: { stops: { type: 'array', items: model('stop.yaml') } } }] }),
  };
}

/** Smart Data Models validators (key-values form), draft 2020-12, formats not checked (ajv-formats is not installed). */
export function sdmValidators(): Record<'OnStreetParking' | 'ParkingSpot', ValidateFunction> {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(SDM, f), 'utf8'));
  ajv.addSchema(read('common-schema.json')); // its $id is the remote URL the models reference
  return { OnStreetParking: ajv.compile(read('OnStreetParking/schema.json')), ParkingSpot: ajv.compile(read('ParkingSpot/schema.json')) };
}

const ring = { type: 'array', minItems: 4, items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } } };

/** GBFS 2.3 geofencing_zones.json, from the GBFS 2.3 reference (fields we emit plus required ones). */
export const GBFS_23_GEOFENCING_ZONES = gbfs23File({
  type: 'object',
  required: ['geofencing_zones'],
  properties: {
    geofencing_zones: {
      type: 'object', required: ['type', 'features'],
      properties: {
        type: { const: 'FeatureCollection' },
        features: {
          type: 'array',
          items: {
            type: 'object', required: ['type', 'geometry', 'properties'],
            properties: {
              type: { const: 'Feature' },
              geometry: { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'MultiPolygon' }, coordinates: { type: 'array', items: { type: 'array', items: ring } } } },
              properties: {
                type: 'object',
                properties: {
                  name: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object', required: ['ride_allowed', 'ride_through_allowed'],
                      properties: {
                        vehicle_type_id: { type: 'array', items: { type: 'string' } }, ride_allowed: { type: 'boolean' }, ride_through_allowed: { type: 'boolean' },
                        maximum_speed_kph: { type: 'integer', minimum: 0 }, station_parking: { type: 'boolean' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});
