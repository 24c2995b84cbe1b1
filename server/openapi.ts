/**
 * The OpenAPI 3.1 description of the API. Hand-written, next to the routes it describes; a test checks that its
 * paths and methods are exactly the routes the app registers.
 */

const problem = { $ref: '#/components/responses/Problem' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const FILTER = ['from', 'to', 'hours', 'days', 'providers', 'tz'].map(param);

function op(summary: string, roles: string[], extra: Record<string, unknown>): Record<string, unknown> {
  const open = roles.length === 0;
  return {
    summary,
    'x-roles': roles,
    ...(open ? { security: [{}, { bearer: [] }] } : {}),
    ...extra,
    description: `${(extra.description as string | undefined) ?? ''}${open ? 'No key needed.' : `Roles: ${roles.join(', ')}.`}`.trim(),
  };
}

/** Options that appear in the document's text. */
export interface OpenApiOptions {
  kAnonymity: number;
  uploadLimitBytes: number;
}

/** The OpenAPI document served at /api/openapi.json. */
export function openApiDocument(o: OpenApiOptions): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'parkzones API',
      version: '0.1.0',
      description:
        `Micromobility parking-zone analytics. Authenticate with \`Authorization: Bearer <API key>\`. ` +
        `Aggregates served to anyone but an admin leave out cells with fewer than k = ${o.kAnonymity} trip ends ` +
        `(and zero hours of a profile below k). Operators see only their own provider's data. Errors are RFC 9457 problem+json.`,
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/api/health': { get: op('Liveness and store check', [], { responses: { 200: json(ref('Health'), 'Up'), 503: json(ref('Health'), 'Store unavailable') } }) },
      '/api/config': {
        get: op('What the page needs: basemap style, k, the city’s time zone, and the caller’s role and provider', [], {
          responses: { 200: json(ref('Config'), 'Configuration'), ...errors(401) },
        }),
      },
      '/api/openapi.json': { get: op('This document', [], { responses: { 200: json({ type: 'object' }, 'OpenAPI 3.1 document') } }) },
      '/api/keys': {
        get: op('List API keys (no secrets)', ['admin'], { responses: { 200: json({ type: 'object', properties: { keys: { type: 'array', items: ref('ApiKey') } } }, 'Keys'), ...errors(401, 403) } }),
        post: op('Create an API key; the token is shown once', ['admin'], {
          requestBody: { required: true, content: { 'application/json': { schema: ref('NewKey') } } },
          responses: { 201: json(ref('CreatedKey'), 'Created'), ...errors(400, 401, 403, 415) },
        }),
      },
      '/api/keys/{keyId}': {
        delete: op('Revoke an API key (not the last admin key)', ['admin'], {
          parameters: [{ name: 'keyId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404, 409) },
        }),
      },
      '/api/uploads': {
        get: op('List uploads (an operator: its own)', ['admin', 'operator'], {
          parameters: [{ name: 'provider', in: 'query', schema: { type: 'string' } }],
          responses: { 200: json({ type: 'object', properties: { uploads: { type: 'array', items: ref('Upload') } } }, 'Uploads'), ...errors(400, 401, 403) },
        }),
        post: op('Upload a trip export (raw body: MDS JSON, CSV, Parquet, gzipped or not); ingested as one transaction', ['admin', 'operator'], {
          description: `The body is the file itself, streamed to disk (at most ${o.uploadLimitBytes} bytes; 413 beyond). An operator's upload is scoped to its provider: rows of other providers are rejected. `,
          parameters: [
            { name: 'provider', in: 'query', description: 'Provider id of rows whose file names none (operators: their own, implied)', schema: { type: 'string' } },
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['auto', 'mds1', 'mds2', 'csv', 'parquet'], default: 'auto' } },
            { name: 'tz', in: 'query', description: 'IANA time zone of times without a zone or offset, in every format (default UTC, with a warning)', schema: { type: 'string' } },
            { name: 'filename', in: 'query', description: 'Name to record for the upload', schema: { type: 'string' } },
            { name: 'map', in: 'query', description: 'Explicit CSV mapping, field=column[:unit] pairs, comma-separated (as the CLI --map)', schema: { type: 'string' }, example: 'end_lat=Lat_End,distance_m=Dist:mi' },
          ],
          requestBody: {
            required: true,
            content: Object.fromEntries(
              ['application/json', 'text/csv', 'application/gzip', 'application/vnd.apache.parquet', 'application/zip', 'application/octet-stream'].map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
            ),
          },
          responses: { 201: json(ref('IngestReport'), 'Stored'), ...errors(400, 401, 403, 413, 415, 422) },
        }),
      },
      '/api/uploads/{id}': {
        get: op('One upload with a page of its rejects (raw rows only for admins)', ['admin', 'operator'], {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: { 200: json(ref('UploadDetail'), 'Upload'), ...errors(400, 401, 403, 404) },
        }),
      },
      '/api/providers': {
        get: op('The providers the caller may see, with their stored trips', ['admin', 'analyst', 'planner', 'operator'], {
          description:
            `An operator gets only its own provider, without a count. Other roles get every provider in the store; its trip count is left out when below k = ${o.kAnonymity} (admins: always shown). `,
          responses: { 200: json(ref('ProviderList'), 'Providers, sorted by id'), ...errors(401) },
        }),
      },
      '/api/cells': {
        get: op('Demand per H3 cell (GeoJSON or Arrow IPC stream)', ['admin', 'analyst', 'planner', 'operator'], {
          parameters: [
            { name: 'res', in: 'query', schema: { type: 'integer', minimum: 7, maximum: 12, default: 10 } },
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['geojson', 'arrow'], default: 'geojson' } },
            {
              name: 'bbox',
              in: 'query',
              description:
                'Only the cells whose centre lies in this box, edges included: west,south,east,north in degrees (WGS84), as OGC API / STAC bbox. ' +
                'Longitudes in [-180, 180], latitudes in [-90, 90], south ≤ north; west > east crosses the antimeridian. ' +
                'Without it: every cell of the city. With it, cells come in no particular order (Arrow: in several record batches), totalTrips sums the cells returned, and suppressedCells still counts the whole city.',
              schema: { type: 'string' },
              example: '-85.79,38.23,-85.73,38.27',
            },
            ...FILTER,
          ],
          responses: {
            200: {
              description: 'Cells',
              content: { 'application/geo+json': { schema: { type: 'object' } }, 'application/vnd.apache.arrow.stream': { schema: { type: 'string', format: 'binary' } } },
            },
            ...errors(400, 401, 403),
          },
        }),
      },
      '/api/tiles/{z}/{x}/{y}.mvt': {
        get: op('Vector tile of demand cells (layer "demand"; coarser H3 cells at low zoom)', ['admin', 'analyst', 'planner', 'operator'], {
          parameters: [
            ...['z', 'x', 'y'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 0 } })),
            ...FILTER,
          ],
          responses: { 200: { description: 'Mapbox Vector Tile 2.1', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } }, ...errors(400, 401, 403) },
        }),
      },
      '/api/runs': {
        get: op('List runs, newest first, those still queued or running included', ['admin', 'analyst', 'planner'], {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }],
          responses: { 200: json({ type: 'object', properties: { runs: { type: 'array', items: ref('Run') } } }, 'Runs'), ...errors(400, 401, 403) },
        }),
        post: op('Start a recompute (background job; one at a time per store, others queue)', ['admin', 'analyst'], {
          description:
            'Stores the run at once and answers 202 with it (its runId, Location /api/runs/{runId}): status running when the queue was free, else queued with its queuePosition (runs ahead of it). A run still queued when the server stops is marked failed. ',
          requestBody: { required: false, content: { 'application/json': { schema: ref('ZoneOptions') } } },
          responses: { 202: json(ref('Run'), 'Queued'), ...errors(400, 401, 403, 415) },
        }),
      },
      '/api/runs/compare': {
        get: op('Compare two runs', ['admin', 'analyst', 'planner'], {
          parameters: ['a', 'b'].map((name) => ({ name, in: 'query', required: true, schema: { type: 'integer', minimum: 1 } })),
          responses: { 200: json({ type: 'object' }, 'Comparison'), ...errors(400, 401, 403, 404, 409) },
        }),
      },
      '/api/runs/{id}': {
        get: op('One run with its progress (0–1) and stage', ['admin', 'analyst', 'planner'], {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { 200: json(ref('Run'), 'Run'), ...errors(400, 401, 403, 404) },
        }),
      },
      '/api/runs/{id}/zones': {
        get: op('The zones of a finished run, in one of several standard formats', ['admin', 'analyst', 'planner'], {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['geojson', 'csv', 'parquet', 'mds-geography', 'mds-stops', 'mds-policy', 'gbfs', 'ngsi-ld'], default: 'geojson' } },
          ],
          responses: {
            200: {
              description: 'Zones: GeoJSON FeatureCollection; CSV; Parquet; MDS 2.0 Geography payload (geography_type "stop"); MDS 2.0 Stops; MDS 2.0 Policy with its geographies; GBFS 2.3 station_information; NGSI-LD OnStreetParking entities',
              content: {
                'application/geo+json': { schema: { type: 'object' } },
                'text/csv': { schema: { type: 'string' } },
                'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
                'application/json': { schema: { type: 'object' } },
                'application/ld+json': { schema: { type: 'array' } },
              },
            },
            ...errors(400, 401, 403, 404, 409),
          },
        }),
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: pzk_<id>_<secret>' } },
      responses: {
        Problem: { description: 'RFC 9457 problem details', content: { 'application/problem+json': { schema: ref('Problem') } } },
      },
      parameters: {
        from: { name: 'from', in: 'query', description: 'First local date or date-time included (ISO)', schema: { type: 'string' }, example: '2026-06-01' },
        to: { name: 'to', in: 'query', description: 'First local date or date-time excluded (ISO); after from', schema: { type: 'string' } },
        hours: { name: 'hours', in: 'query', description: 'Local hours 0–23, comma-separated', schema: { type: 'string' }, example: '7,8,9' },
        days: { name: 'days', in: 'query', schema: { type: 'string', enum: ['all', 'weekday', 'weekend'] } },
        providers: { name: 'providers', in: 'query', description: 'Provider ids, comma-separated (operators: only their own)', schema: { type: 'string' } },
        tz: { name: 'tz', in: 'query', description: 'IANA time zone of from, to, hours and days (default UTC; GET /api/config names the city’s)', schema: { type: 'string' } },
      },
      schemas: {
        Problem: {
          type: 'object', required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' },
            instance: { type: 'string' }, option: { type: 'string' }, file: { type: 'string' }, row: { type: 'integer' }, field: { type: 'string' }, position: { type: 'integer' },
          },
        },
        Health: { type: 'object', properties: { status: { type: 'string' }, store: { type: 'string' }, uptimeS: { type: 'number' }, jobs: { type: 'object' } } },
        Config: {
          type: 'object', required: ['basemapStyleUrl', 'kAnonymity', 'tz', 'role', 'providerId'],
          properties: {
            basemapStyleUrl: { type: ['string', 'null'] }, kAnonymity: { type: 'integer' },
            tz: { type: 'string', description: 'IANA time zone of the city (PARKZONES_TZ): pass it as the tz of filters so hours of day are local' },
            role: { type: ['string', 'null'], enum: ['admin', 'analyst', 'planner', 'operator', null] }, providerId: { type: ['string', 'null'] },
          },
        },
        ProviderList: {
          type: 'object', required: ['providers'],
          properties: {
            providers: {
              type: 'array',
              items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, trips: { type: 'integer', description: 'Trips stored; absent for operators and below k' } } },
            },
          },
        },
        ApiKey: {
          type: 'object',
          properties: { keyId: { type: 'string' }, role: { type: 'string', enum: ['admin', 'analyst', 'planner', 'operator'] }, providerId: { type: ['string', 'null'] }, createdAt: { type: 'string' }, label: { type: ['string', 'null'] } },
        },
        NewKey: {
          type: 'object', required: ['role'], additionalProperties: false,
          properties: { role: { type: 'string', enum: ['admin', 'analyst', 'planner', 'operator'] }, providerId: { type: 'string', description: 'Required for operator keys' }, label: { type: 'string' } },
        },
        CreatedKey: { allOf: [ref('ApiKey'), { type: 'object', properties: { token: { type: 'string', description: 'Shown once' } } }] },
        Upload: { type: 'object', properties: { uploadId: { type: 'integer' }, providerId: { type: ['string', 'null'] }, fileName: { type: 'string' }, format: { type: 'string' }, rowsRead: { type: 'integer' }, rowsStored: { type: 'integer' }, rowsDuplicate: { type: 'integer' }, rowsRejected: { type: 'integer' }, status: { type: 'string' } } },
        Reject: { type: 'object', properties: { uploadId: { type: 'integer' }, rowNumber: { type: 'integer' }, field: { type: 'string' }, reason: { type: 'string' }, raw: { type: ['string', 'null'] } } },
        UploadDetail: { type: 'object', properties: { upload: ref('Upload'), rejectsByReason: { type: 'array', items: ref('RejectGroup') }, rejects: { type: 'object', properties: { total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' }, rows: { type: 'array', items: ref('Reject') } } } } },
        IngestReport: {
          allOf: [ref('Upload'), {
            type: 'object',
            properties: {
              sha256: { type: 'string' }, columns: { type: 'array', items: { type: 'object' } }, firstRejects: { type: 'array', items: ref('Reject') }, sameAsUploadId: { type: ['integer', 'null'] },
              allRejected: { type: 'boolean', description: 'rows were read and every one was rejected: nothing was stored' },
              warnings: { type: 'array', items: { type: 'string' }, description: 'what the counts do not say (nothing stored, local times read without a zone, repeated clock hours, …)' },
              rejectsByReason: { type: 'array', items: ref('RejectGroup') },
              files: { type: 'array', items: { type: 'object' }, description: 'a zip archive: the report of each file in it (the top level is the first)' },
            },
          }],
        },
        RejectGroup: {
          type: 'object', description: 'rejects of one field and reason, with their count and the first row',
          properties: { field: { type: 'string' }, reason: { type: 'string' }, count: { type: 'integer' }, firstRow: { type: 'integer' }, example: { type: 'string' } },
        },
        ZoneOptions: {
          type: 'object', description: 'Zone proposal options (engine/zones DEFAULT_ZONE_OPTIONS); unknown keys are refused',
          properties: {
            res: { type: 'integer', minimum: 7, maximum: 12 }, walkRadiusM: { type: 'number' }, k: { type: ['integer', 'null'] }, coverage: { type: ['number', 'null'] },
            minSpacingM: { type: 'number' }, minTrips: { type: 'number' }, exclude: {}, method: { type: 'string', enum: ['mclp', 'dbscan'] },
            capacityPercentile: { type: 'number' }, safetyFactor: { type: 'number' }, minCapacity: { type: 'integer' }, maxCapacity: { type: ['integer', 'null'] },
            slotMinutes: { type: 'integer' }, parkedCapHours: { type: 'number' }, dbscanEpsM: { type: ['number', 'null'] }, dbscanMinTrips: { type: ['number', 'null'] },
            filter: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, hours: { type: 'array', items: { type: 'integer' } }, days: { type: 'string' }, providers: { type: 'array', items: { type: 'string' } }, tz: { type: 'string' } } },
          },
        },
        Run: {
          type: 'object',
          properties: {
            runId: { type: 'integer' }, jobId: { type: ['integer', 'null'] }, status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] }, progress: { type: 'number', minimum: 0, maximum: 1 },
            stage: { type: ['string', 'null'] }, queuePosition: { type: 'integer' }, createdAt: { type: 'string' }, params: { type: 'object' }, stats: { type: ['object', 'null'] }, error: { type: ['string', 'null'] },
          },
        },
      },
    },
  };
}
