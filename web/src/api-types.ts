/**
 * Shapes of the parkzones HTTP API as the page uses them (types only; the server is the authority).
 */
import type { Feature, FeatureCollection, Polygon, MultiPolygon } from 'geojson';

/** Roles an API key can carry. */
export type Role = 'admin' | 'analyst' | 'planner' | 'operator';

/** GET /api/config */
export interface ApiConfig {
  basemapStyleUrl: string | null;
  kAnonymity: number;
  tz?: string; // the city's IANA time zone: hours of day, dates and weekdays are local to it (servers before it: UTC)
  role: Role | null;
  providerId: string | null;
  providerName?: string | null; // the operator's provider's name, when an upload gave one
  plannerRecompute?: boolean; // planners may start recomputes on this server
  dataRange?: { from: string; to: string } | null; // first and last local date with trips (inclusive); null: none or not signed in
  openingRunId?: number | null; // roles that read runs: the run the page opens on (marked current, else the newest done; null: none)
}

/** Which days of the week a filter keeps. */
export type DayKind = 'all' | 'weekday' | 'weekend';

/** Filters shared by demand queries and recompute inputs. Empty fields mean "no restriction". */
export interface DemandFilter {
  from?: string; // ISO date (yyyy-mm-dd), inclusive
  to?: string; // ISO date (yyyy-mm-dd), inclusive on the page (the API's `to` is exclusive: see apiFilter)
  hours?: number[]; // hours of day 0–23
  days?: DayKind;
  providers?: string[];
  tz?: string; // IANA time zone of dates, hours and weekdays (the city's, from GET /api/config)
  res?: number; // H3 resolution
}

/** The map's demand filter: `res` unset means hexes that get finer as you zoom in (vector tiles). */
export type MapFilter = DemandFilter;

/** GET /api/cells?bbox=west,south,east,north: degrees (WGS84); west > east crosses the antimeridian. */
export type BboxLngLat = [west: number, south: number, east: number, north: number];

/** Properties of one demand hex from GET /api/cells?format=geojson. */
export interface CellProperties {
  cell: string;
  res?: number;
  trips: number;
  devices?: number;
  days?: number;
  profile?: number[];
  suppressed?: boolean;
}

export type CellFeature = Feature<Polygon | MultiPolygon, CellProperties>;
export type CellCollection = FeatureCollection<Polygon | MultiPolygon, CellProperties>;

/** One provider the caller may see. */
export interface ProviderInfo {
  providerId: string;
  name?: string;
  trips?: number;
}

/** What a column of an uploaded file was used for. */
export interface ColumnUse {
  field: string;
  source: string;
  unit?: string;
  how?: string;
}

/** One rejected row of an upload. */
export interface RejectRow {
  rowNumber: number;
  field: string;
  reason: string;
  raw?: string;
}

/** POST /api/uploads response, and the body of GET /api/uploads/:id. */
export interface UploadResult {
  uploadId: string | number;
  providerId?: string | null;
  fileName?: string;
  format?: string;
  receivedAt?: string;
  status?: string;
  rowsRead: number;
  rowsStored: number;
  rowsDuplicate: number;
  rowsRejected: number;
  firstRejects?: RejectRow[];
  rejects?: RejectRow[];
  columns?: ColumnUse[] | Record<string, string> | string[];
  sameAsUploadId?: string | number | null;
  warnings?: string[];
}

/** Zone-siting method. */
export type ZoneMethod = 'mclp' | 'dbscan';

/** Body of POST /api/runs (names as the server's OpenAPI ZoneOptions; unknown keys are refused). */
export interface ZoneOptions {
  k?: number | null; // zone budget
  coverage?: number | null; // target share 0–1
  walkRadiusM?: number; // metres, great-circle
  res?: number; // H3 resolution 7–12
  minSpacingM?: number; // metres between zone centres
  minTrips?: number; // least trip ends a zone must cover
  method: ZoneMethod;
  exclude?: unknown; // GeoJSON polygons where no zone may sit
  candidates?: unknown; // GeoJSON FeatureCollection of candidate sites (points, lines): zones only there
  districts?: unknown; // GeoJSON FeatureCollection of districts with min_zones / min_share
  filter?: DemandFilter; // `to` exclusive, as the API wants it
}

/** A point of a run's coverage curve. */
export interface CoveragePoint {
  zones: number;
  share: number;
}

/** Summary statistics of a finished run. */
export interface RunStats {
  zones: number;
  coveredShare: number;
  totalSlots?: number;
  medianWalkM?: number | null;
  totalTrips?: number;
  coverageCurve?: CoveragePoint[];
  reason?: string | null; // why there are fewer zones than asked, in words
}

/** Status of a zone-proposal run. */
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

/** GET /api/runs/:id and one item of GET /api/runs. */
export interface RunInfo {
  runId: string;
  jobId?: number | string | null; // the server's job while queued or running
  queuePosition?: number;
  status: RunStatus;
  progress?: number;
  stage?: string;
  createdAt?: string;
  params?: (Partial<ZoneOptions> & Record<string, unknown>) | null;
  stats?: RunStats | null;
  error?: string | null;
  name?: string | null; // what the city calls the run or plan
  note?: string | null;
  parentRunId?: number | string | null; // the run a plan was made from, or a recompute started from
  authorRole?: string | null; // role of the key that made it
  kind?: 'run' | 'plan';
  edits?: unknown[] | null; // a plan's edits
  current?: boolean; // the run the city marked current
}

/** Properties of one proposed zone. */
export interface ZoneProperties {
  zone_id: string | number;
  rank: number;
  capacity: number;
  covered_trips: number;
  share: number;
  center_lat: number;
  center_lng: number;
  cell?: string;
  profile?: number[];
  median_walk_m?: number | null;
  [key: string]: unknown;
}

export type ZoneFeature = Feature<Polygon | MultiPolygon, ZoneProperties>;
export type ZoneCollection = FeatureCollection<Polygon | MultiPolygon, ZoneProperties>;

/** GET /api/runs/compare?a&b. Zone items may be features or plain zone records; moved ones may be {from, to} pairs. */
export interface RunComparison {
  added: unknown[];
  removed: unknown[];
  kept: unknown[];
  moved: unknown[];
  coverageDiff?: number | { a?: number; b?: number; diff?: number; difference?: number } | null;
  coverage?: { a: number; b: number; difference: number };
  slots?: { a: number; b: number; difference: number };
  moveToleranceM?: number;
  sameInput?: boolean;
}
