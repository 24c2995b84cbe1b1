/** The OpenAPI paths of plan publishing (routes/publications.ts) and the public feeds (routes/mds.ts). */

type Op = (summary: string, roles: string[], extra: Record<string, unknown>) => Record<string, unknown>;
type Errors = (...codes: number[]) => Record<string, unknown>;

const obj = { type: 'object' };
const runId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const uuid = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const PUB = ['admin', 'analyst', 'planner', 'operator'];
const mds = (description: string) => ({ description, content: { 'application/vnd.mds+json;version=2.0': { schema: obj } } });

/** Paths of the publishing routes, built with the main document's helpers. */
export function publishPaths(op: Op, errors: Errors): Record<string, unknown> {
  const publication = { description: 'The plan’s state and its history of moves', content: { 'application/json': { schema: obj } } };
  return {
    '/api/publications': {
      get: op('Plans proposed, published and retired, with their dates and the plan each replaces', PUB, {
        responses: { 200: { description: 'Publications', content: { 'application/json': { schema: obj } } }, ...errors(401, 403) },
      }),
    },
    '/api/runs/{id}/publication': {
      get: op('A run’s lifecycle state (draft, proposed, published, retired) and history: who, when, from, to (operators: not drafts, no key ids)', PUB, {
        parameters: [runId], responses: { 200: publication, ...errors(400, 401, 403, 404) },
      }),
      post: op('Move a plan: draft ↔ proposed (analyst, planner, admin); proposed → published with effectiveDate and requiredParking, published → retired with retireDate (admin)', ['admin', 'analyst', 'planner'], {
        parameters: [runId],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object', required: ['state'],
                properties: {
                  state: { enum: ['draft', 'proposed', 'published', 'retired'] }, effectiveDate: { type: ['string', 'integer'] }, retireDate: { type: ['string', 'integer'] },
                  requiredParking: { type: 'boolean', default: true }, note: { type: 'string', maxLength: 500 },
                },
              },
            },
          },
        },
        responses: { 200: publication, ...errors(400, 401, 403, 404, 409, 415) },
      }),
    },
    '/api/runs/{id}/publication/zones': {
      get: op('The zones of a proposed or published plan, for operators to check (GeoJSON; k-suppressed for all but admins)', PUB, {
        parameters: [runId], responses: { 200: { description: 'Zones', content: { 'application/geo+json': { schema: obj } } }, ...errors(400, 401, 403, 404, 409) },
      }),
    },
    '/api/runs/{id}/compliance': {
      get: op('Compliance of a published plan per operator and week (or day), before and after its effective date: trip ends in a zone, within walking radius, in the no-parking area (operators: their own; rows under k left out for all but admins)', PUB, {
        parameters: [runId, { name: 'period', in: 'query', schema: { enum: ['week', 'day'], default: 'week' } }, { name: 'format', in: 'query', schema: { enum: ['json', 'csv'], default: 'json' } }],
        responses: { 200: { description: 'Rows', content: { 'application/json': { schema: obj }, 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 404, 409) },
      }),
    },
    '/api/runs/{id}/occupancy': {
      get: op('Occupancy of a published plan’s zones since its effective date: peak and p85 of daily peaks of vehicles parked at once against slots; full, right-sized, under-used; suggested capacity (zones under k left out for all but admins)', PUB, {
        parameters: [runId, { name: 'format', in: 'query', schema: { enum: ['json', 'csv'], default: 'json' } }],
        responses: { 200: { description: 'Zones', content: { 'application/json': { schema: obj }, 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 404, 409) },
      }),
    },
    '/reports/{filename}': {
      get: op('MDS 2.0 monthly report (YYYY-MM.csv): trips ending in each published zone geography by provider and vehicle type; counts below max(10, k) are -1; rider_count is -1 (no rider ids are held); operators: their own rows', PUB, {
        parameters: [{ name: 'filename', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}\\.csv$' } }],
        responses: { 200: { description: 'Report', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403) },
      }),
    },
    '/mds/geographies': {
      get: op('MDS 2.0 Geographies of every published plan (retired ones included), with effective, retire dates and prev_geographies', [], {
        responses: { 200: mds('{version, updated, geographies}'), ...errors(406) },
      }),
    },
    '/mds/geographies/{id}': {
      get: op('One published MDS 2.0 Geography', [], { parameters: [uuid], responses: { 200: mds('{version, geography}'), ...errors(400, 404, 406) } }),
    },
    '/mds/policies': {
      get: op('MDS 2.0 Policies of published plans not yet ended: a count rule per zone, then (required parking) none elsewhere in the service area', [], {
        responses: { 200: mds('{version, updated, policies}'), ...errors(406) },
      }),
    },
    '/mds/policies/{id}': {
      get: op('One published MDS 2.0 Policy', [], { parameters: [uuid], responses: { 200: mds('{version, updated, policies: [policy]}'), ...errors(400, 404, 406) } }),
    },
    '/mds/stops': {
      get: op('MDS 2.0 Stops of the plan in force', [], { responses: { 200: mds('{version, last_updated, ttl, stops}'), ...errors(406) } }),
    },
    '/gbfs/geofencing_zones.json': {
      get: op('GBFS 2.3 geofencing_zones of the plan in force (required parking: the service area with station_parking)', [], {
        responses: { 200: { description: 'GBFS feed', content: { 'application/json': { schema: obj } } } },
      }),
    },
    '/gbfs/station_information.json': {
      get: op('GBFS 2.3 station_information of the plan in force: each zone a virtual station', [], {
        responses: { 200: { description: 'GBFS feed', content: { 'application/json': { schema: obj } } } },
      }),
    },
    '/ngsi-ld/v1/entities': {
      get: op('NGSI-LD entities of the plan in force, as a context broker answers (normalized; options=keyValues; download=true as a file)', [], {
        parameters: [
          { name: 'type', in: 'query', required: true, schema: { type: 'string', enum: ['OnStreetParking', 'ParkingSpot', 'OnStreetParking,ParkingSpot'] } },
          { name: 'options', in: 'query', schema: { type: 'string', enum: ['keyValues'] } },
          { name: 'download', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: { 200: { description: 'Entities', content: { 'application/ld+json': { schema: { type: 'array' } }, 'application/json': { schema: { type: 'array' } } } }, ...errors(400) },
      }),
    },
  };
}
