/**
 * The OpenAPI 3.1 description of the API. Hand-written, next to the routes it describes; a test checks that its
 * paths and methods are exactly the routes the app registers.
 */
import { DEFAULT_INGEST_LIMITS, INFLATE_RATIO } from '../engine/index.ts';

import { publishPaths } from './openapi-publish.ts';

const problem = { $ref: '#/components/responses/Problem' };
// Wherever a key is checked (401), too many failed keys from one address answer 429 with Retry-After.
const errors = (...codes: number[]) => Object.fromEntries([...codes, ...(codes.includes(401) ? [429] : [])].map((c) => [String(c), problem]));
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
        get: op('What the page needs: basemap style, k, the city’s time zone, and the caller’s role and provider (null without a valid key)', [], {
          responses: { 200: json(ref('Config'), 'Configuration'), ...errors(429) },
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
          description: `The body is the file itself, streamed to disk (at most ${o.uploadLimitBytes} bytes; 413 beyond). An operator's upload is scoped to its provider: rows of other providers are rejected. ` +
            `Hostile input is bounded: a gzip inflating past ${INFLATE_RATIO * o.uploadLimitBytes} bytes, a record over ${DEFAULT_INGEST_LIMITS.maxRecordBytes} bytes, JSON nested deeper than ${DEFAULT_INGEST_LIMITS.maxJsonDepth} or an ingest over ${DEFAULT_INGEST_LIMITS.maxSeconds} s is a 413 whose \`limit\` names the bound (inflated_bytes, record_bytes, json_depth, seconds). `,
          parameters: [
            { name: 'provider', in: 'query', description: 'Provider id of rows whose file names none (operators: their own, implied): 1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' } },
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['auto', 'mds1', 'mds2', 'csv', 'parquet'], default: 'auto' } },
            { name: 'tz', in: 'query', description: 'IANA time zone of times without a zone or offset, in every format (default UTC, with a warning)', schema: { type: 'string' } },
            { name: 'encoding', in: 'query', description: 'Text encoding of a CSV or JSON body: auto checks every byte (all valid UTF-8: utf-8, else windows-1252 / Latin-1); utf-8 refuses a body that is not', schema: { type: 'string', enum: ['auto', 'utf-8', 'windows-1252', 'latin1'], default: 'auto' } },
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
      '/api/uploads/{id}/reject-groups': {
        get: op('An upload’s rejects grouped by reason (and field), largest first, each with its count and first rows (raw rows only for admins)', ['admin', 'operator'], {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'rows', in: 'query', description: 'Rows shown per group', schema: { type: 'integer', minimum: 0, maximum: 100, default: 3 } },
          ],
          responses: { 200: json(ref('RejectGroups'), 'Grouped rejects'), ...errors(400, 401, 403, 404) },
        }),
      },
      '/api/uploads/{id}/rejects.csv': {
        get: op('Every reject of an upload as CSV (upload_id, row_number, field, reason; raw for admins)', ['admin', 'operator'], {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { 200: { description: 'CSV, RFC 4180', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 404) },
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
      '/basemap/style.json': {
        get: op('MapLibre style of the server’s street basemap (its own tiles and glyphs; the style fits the archive’s schema)', [], {
          responses: { 200: json({ type: 'object' }, 'MapLibre style v8'), ...errors(404) },
        }),
      },
      '/basemap/tiles/{z}/{x}/{y}.mvt': {
        get: op('Street basemap vector tile from the served PMTiles archive (204 where it has none)', [], {
          parameters: ['z', 'x', 'y'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 0 } })),
          responses: { 200: { description: 'Mapbox Vector Tile', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } }, 204: { description: 'No tile here' }, ...errors(400, 404) },
        }),
      },
      '/basemap/fonts/{fontstack}/{range}.pbf': {
        get: op('Label glyphs (first font of the comma-separated stack that the server has)', [], {
          parameters: [
            { name: 'fontstack', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'range', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]+-[0-9]+$' } },
          ],
          responses: { 200: { description: 'Glyph PBF', content: { 'application/x-protobuf': { schema: { type: 'string', format: 'binary' } } } }, ...errors(404) },
        }),
      },
      '/api/runs': {
        get: op('List runs, newest first, those still queued or running included', ['admin', 'analyst', 'planner'], {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }, { name: 'layers', in: 'query', description: 'count: the options’ GeoJSON layers (candidates, districts) as {type: FeatureCollection, featureCount} instead of whole (the page’s run list)', schema: { type: 'string', enum: ['full', 'count'], default: 'full' } }],
          responses: { 200: json({ type: 'object', properties: { runs: { type: 'array', items: ref('Run') } } }, 'Runs'), ...errors(400, 401, 403) },
        }),
        post: op('Start a recompute (background job; one at a time per store, others queue)', ['admin', 'analyst', 'planner'], {
          'x-planner': 'only where the server sets PARKZONES_PLANNER_RECOMPUTE=1 (GET /api/config plannerRecompute)',
          description:
            'The body holds zone options and, optionally, the run’s name and note. Stores the run at once and answers 202 with it (its runId, Location /api/runs/{runId}): status running when the queue was free, else queued with its queuePosition (runs ahead of it). A run still queued when the server stops is marked failed. ',
          requestBody: { required: false, content: { 'application/json': { schema: { allOf: [ref('ZoneOptions'), { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, note: { type: 'string', maxLength: 4000 } } }] } } } },
          responses: { 202: json(ref('Run'), 'Queued'), ...errors(400, 401, 403, 415) },
        }),
      },
      '/api/runs/current': {
        get: op('The run or plan the city marked current (the page opens on it)', ['admin', 'analyst', 'planner'], {
          responses: { 200: json(ref('Run'), 'The current run'), ...errors(401, 403, 404) },
        }),
      },
      '/api/runs/{id}/current': {
        put: op('Mark a done run or plan as the one the city uses (one at a time)', ['admin', 'planner'], {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { 200: json(ref('Run'), 'Marked current'), ...errors(400, 401, 403, 404, 409) },
        }),
      },
      '/api/runs/{id}/plans': {
        post: op('Make a plan from a done run: move, delete, add zones, fix capacities, add areas to avoid', ['admin', 'analyst', 'planner'], {
          description:
            'Applies the edits in order to the run’s zones (an added zone gets id add-N, N counting the adds, so later edits may name it) and stores the edited set as a new done run that names its parent, ' +
            'with covered share, covered trips, median walk and slots recomputed at once over the parent’s demand (capacities from parked-vehicle peaks unless fixed). ' +
            'The areas to avoid join the parent’s exclude option: POST /api/runs/{id}/recompute from the plan keeps zone centres out of them. Answers 201 with the plan, Location /api/runs/{planId}. ',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('NewPlan') } } },
          responses: { 201: json(ref('Run'), 'The plan'), ...errors(400, 401, 403, 404, 409, 415) },
        }),
      },
      '/api/runs/{id}/recompute': {
        post: op('Recompute from a run or plan: its options, its filter and its areas to avoid, as a new queued run naming it as parent', ['admin', 'analyst', 'planner'], {
          'x-planner': 'only where the server sets PARKZONES_PLANNER_RECOMPUTE=1 (GET /api/config plannerRecompute)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { 202: json(ref('Run'), 'Queued'), ...errors(400, 401, 403, 404) },
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
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }, { name: 'layers', in: 'query', description: 'count: the options’ GeoJSON layers (candidates, districts) as {type: FeatureCollection, featureCount} instead of whole (the page’s run list)', schema: { type: 'string', enum: ['full', 'count'], default: 'full' } }],
          responses: { 200: json(ref('Run'), 'Run'), ...errors(400, 401, 403, 404) },
        }),
        patch: op('Rename or annotate a run or plan', ['admin', 'analyst', 'planner'], {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { name: { type: ['string', 'null'], minLength: 1, maxLength: 200 }, note: { type: ['string', 'null'], maxLength: 4000 } } } } } },
          responses: { 200: json(ref('Run'), 'Run'), ...errors(400, 401, 403, 404, 415) },
        }),
      },
      ...publishPaths(op, errors),
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
        from: { name: 'from', in: 'query', description: 'First local date or date-time included (ISO); for all but admins widened to the first of its month', schema: { type: 'string' }, example: '2026-06-01' },
        to: { name: 'to', in: 'query', description: 'First local date or date-time excluded (ISO); after from; for all but admins widened to the first of the next month unless it is one', schema: { type: 'string' } },
        hours: { name: 'hours', in: 'query', description: 'Local hours 0–23, comma-separated', schema: { type: 'string' }, example: '7,8,9' },
        days: { name: 'days', in: 'query', schema: { type: 'string', enum: ['all', 'weekday', 'weekend'] } },
        providers: { name: 'providers', in: 'query', description: 'Provider ids, comma-separated (operators: only their own)', schema: { type: 'string' } },
        tz: { name: 'tz', in: 'query', description: 'IANA time zone of from, to, hours and days (default UTC; GET /api/config names the city’s, which is always used for all but admins)', schema: { type: 'string' } },
      },
      schemas: {
        Problem: {
          type: 'object', required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' },
            instance: { type: 'string' }, option: { type: 'string' }, file: { type: 'string' }, row: { type: 'integer' }, field: { type: 'string' }, position: { type: 'integer' },
            limit: { type: 'string', description: 'The bound an upload went past (413): inflated_bytes, record_bytes, json_depth or seconds' },
          },
        },
        Health: { type: 'object', properties: { status: { type: 'string' }, store: { type: 'string' }, uptimeS: { type: 'number' }, jobs: { type: 'object' } } },
        Config: {
          type: 'object', required: ['basemapStyleUrl', 'kAnonymity', 'tz', 'role', 'providerId'],
          properties: {
            basemapStyleUrl: { type: ['string', 'null'] }, kAnonymity: { type: 'integer' },
            tz: { type: 'string', description: 'IANA time zone of the city (PARKZONES_TZ): pass it as the tz of filters so hours of day are local' },
            role: { type: ['string', 'null'], enum: ['admin', 'analyst', 'planner', 'operator', null] }, providerId: { type: ['string', 'null'] },
            plannerRecompute: { type: 'boolean', description: 'Planners may start recomputes (PARKZONES_PLANNER_RECOMPUTE=1)' },
            dataRange: {
              type: ['object', 'null'], description: 'First and last local date (city time zone) with a trip end, for the date pickers; an operator: its own provider’s. Only dates, never counts; null without a key or without trips',
              required: ['from', 'to'], properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
            },
            openingRunId: { type: ['integer', 'null'], description: 'Callers who may read runs: the run the page opens on — the one the city marked current, else the newest done run (null: none is done)' },
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
            optimize: { type: 'string', enum: ['auto', 'greedy', 'local', 'lagrangian'] }, objective: { type: 'string', enum: ['decay', 'coverage'] }, decayScaleM: { type: ['number', 'null'] },
            capacityPercentile: { type: 'number' }, safetyFactor: { type: 'number' }, minCapacity: { type: 'integer' }, maxCapacity: { type: ['integer', 'null'] },
            slotMinutes: { type: 'integer' }, parkedCapHours: { type: 'number' }, dbscanEpsM: { type: ['number', 'null'] }, dbscanMinTrips: { type: ['number', 'null'] },
            candidates: {
              type: ['object', 'null'],
              description:
                'mclp: a GeoJSON FeatureCollection of candidate sites; zones stand only there. Point/MultiPoint positions are sites; LineString/MultiLineString are sampled every candidateSpacingM metres, both ends included. Zone ids are site:<lat>,<lng>. Stored with the run, so a recompute reproduces it. A bad layer answers 400 BAD_OPTION naming candidates and the feature index',
            },
            candidateSpacingM: { type: 'number', minimum: 1, maximum: 5000, description: 'Spacing of sites sampled along candidate lines, metres (default 25)' },
            districts: {
              type: ['object', 'null'],
              description:
                'mclp: a GeoJSON FeatureCollection of district polygons with properties min_zones (integer) and/or min_share (0–1) and name; minimums are met first within the greedy; the run summary reports districts[] (name, minZones, minShare, zones, coveredTrips, totalTrips, share, met, reason)',
            },
            filter: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, hours: { type: 'array', items: { type: 'integer' } }, days: { type: 'string' }, providers: { type: 'array', items: { type: 'string' } }, tz: { type: 'string' } } },
          },
        },
        Run: {
          type: 'object',
          properties: {
            runId: { type: 'integer' }, jobId: { type: ['integer', 'null'] }, status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] }, progress: { type: 'number', minimum: 0, maximum: 1 },
            stage: { type: ['string', 'null'] }, queuePosition: { type: 'integer' }, createdAt: { type: 'string' }, params: { type: 'object' }, stats: { type: ['object', 'null'] }, error: { type: ['string', 'null'] },
            name: { type: ['string', 'null'] }, note: { type: ['string', 'null'] }, parentRunId: { type: ['integer', 'null'], description: 'The run a plan was made from, or a recompute started from' },
            authorRole: { type: ['string', 'null'] }, kind: { type: 'string', enum: ['run', 'plan'] }, edits: { type: ['array', 'null'], items: ref('PlanEdit') },
            current: { type: 'boolean', description: 'The run the city marked current' },
          },
        },
        PlanEdit: {
          oneOf: [
            { type: 'object', required: ['op', 'zone_id', 'lat', 'lng'], properties: { op: { const: 'move' }, zone_id: { type: 'string' }, lat: { type: 'number' }, lng: { type: 'number' } } },
            { type: 'object', required: ['op', 'zone_id'], properties: { op: { const: 'delete' }, zone_id: { type: 'string' } } },
            { type: 'object', required: ['op', 'lat', 'lng'], properties: { op: { const: 'add' }, lat: { type: 'number' }, lng: { type: 'number' }, capacity: { type: ['integer', 'null'], minimum: 0 } } },
            { type: 'object', required: ['op', 'zone_id', 'capacity'], properties: { op: { const: 'capacity' }, zone_id: { type: 'string' }, capacity: { type: ['integer', 'null'], minimum: 0, description: 'null: size from parked-vehicle peaks again' } } },
          ],
        },
        NewPlan: {
          type: 'object', required: ['name'], additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 }, note: { type: 'string', maxLength: 4000 },
            edits: { type: 'array', items: ref('PlanEdit') },
            exclusions: { type: 'object', description: 'Areas to avoid: GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection of them ([lng, lat])' },
          },
        },
        RejectGroups: {
          type: 'object',
          properties: {
            uploadId: { type: 'integer' }, total: { type: 'integer' },
            groups: { type: 'array', items: { type: 'object', properties: { reason: { type: 'string' }, field: { type: 'string' }, count: { type: 'integer' }, rows: { type: 'array', items: ref('Reject') } } } },
          },
        },
      },
    },
  };
}
