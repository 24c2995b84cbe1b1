/**
 * Typed access to the parkzones HTTP API. Every failure becomes an {@link ApiError} whose
 * `message` is a sentence a person can read (built from the RFC 9457 problem+json body).
 */
import type {
  ApiConfig,
  DemandFilter,
  CoveragePoint,
  ProviderInfo,
  RejectRow,
  RunComparison,
  RunInfo,
  UploadResult,
  ZoneCollection,
  ZoneOptions,
} from './api-types.ts';
import { getApiKey } from './session.ts';

/** An RFC 9457 problem document. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  [key: string]: unknown;
}

/** A failed API call, with a message meant for people. */
export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** The problem document, when the server sent one. */
  readonly problem: Problem | null;

  constructor(status: number, message: string, problem: Problem | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

const STATUS_HINTS: Record<number, string> = {
  401: 'Your API key was not accepted. Sign in again with a valid key.',
  403: 'Your API key is not allowed to do this.',
  404: 'Not found.',
  413: 'The file is too large for the server.',
  429: 'Too many requests; wait a moment and try again.',
};

/**
 * Turns an HTTP status and (possibly empty) problem body into one readable sentence.
 * @param status - HTTP status code
 * @param problem - parsed problem+json body, or null
 * @param statusText - the HTTP reason phrase, used when nothing better is known
 * @returns a message such as "Invalid filter: hours must be 0–23 (400)"
 */
export function problemMessage(status: number, problem: Problem | null, statusText = ''): string {
  const title = typeof problem?.title === 'string' ? problem.title.trim() : '';
  const detail = typeof problem?.detail === 'string' ? problem.detail.trim() : '';
  let text: string;
  if (title && detail) text = detail.toLowerCase().startsWith(title.toLowerCase()) ? detail : `${title}: ${detail}`;
  else text = detail || title || STATUS_HINTS[status] || statusText || 'The server could not complete the request';
  if (status === 401 && !/key|sign/i.test(text)) text += ' — sign in again with a valid API key';
  return `${text.replace(/\.$/, '')} (${status})`;
}

/** yyyy-mm-dd → the next day, yyyy-mm-dd (UTC calendar arithmetic). */
export function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return isoDate;
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The page's filter as the API reads it: the page's "to" date is inclusive (people mean "up to and
 * including 30 June"), the API's `to` is the first instant excluded.
 */
export function apiFilter(filter: DemandFilter): DemandFilter {
  const out: DemandFilter = {};
  if (filter.from) out.from = filter.from;
  if (filter.to) out.to = /^\d{4}-\d{2}-\d{2}$/.test(filter.to) ? nextDay(filter.to) : filter.to;
  if (filter.hours && filter.hours.length > 0 && filter.hours.length < 24) out.hours = [...filter.hours];
  if (filter.days && filter.days !== 'all') out.days = filter.days;
  if (filter.providers && filter.providers.length > 0) out.providers = [...filter.providers];
  if (filter.tz) out.tz = filter.tz;
  return out;
}

/** Builds the query string for demand filters (empty values are left out). */
export function filterParams(filter: DemandFilter): URLSearchParams {
  const params = new URLSearchParams();
  const f = apiFilter(filter);
  if (filter.res !== undefined) params.set('res', String(filter.res));
  if (f.from) params.set('from', f.from);
  if (f.to) params.set('to', f.to);
  if (f.hours) params.set('hours', f.hours.join(','));
  if (f.days) params.set('days', f.days);
  if (f.providers) params.set('providers', f.providers.join(','));
  if (f.tz) params.set('tz', f.tz);
  return params;
}

/** Headers with the session's bearer key, when signed in. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const key = getApiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : { ...extra };
}

async function errorFromResponse(res: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') problem = parsed as Problem;
    } catch {
      problem = null;
    }
  }
  return new ApiError(res.status, problemMessage(res.status, problem, res.statusText), problem);
}

/**
 * Sends a request to the API and returns the raw response when it succeeded.
 * @throws ApiError with a readable message on network failure or a non-2xx status
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) };
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ApiError(0, `Cannot reach the parkzones server (${why}). Check that it is running.`);
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

/** GETs or POSTs JSON and parses the answer. */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await apiFetch(path, { ...init, headers: { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, `The server sent an answer that is not JSON (${path}).`);
  }
}

function postJson<T>(path: string, body: unknown): Promise<T> {
  return apiJson<T>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** Unwraps list answers that come either bare (`[...]`) or wrapped (`{runs: [...]}`). */
function listOf<T>(value: unknown, ...keys: string[]): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') {
    for (const key of [...keys, 'items', 'data']) {
      const inner = (value as Record<string, unknown>)[key];
      if (Array.isArray(inner)) return inner as T[];
    }
  }
  return [];
}

/** GET /api/config: basemap, k-anonymity threshold and the role of the presented key. */
export function getConfig(): Promise<ApiConfig> {
  return apiJson<ApiConfig>('/api/config');
}

/** URL template of the demand vector tiles for the given filter (MapLibre fills in z/x/y). */
export function tileUrlTemplate(filter: DemandFilter): string {
  const params = filterParams(filter).toString();
  return `${location.origin}/api/tiles/{z}/{x}/{y}.mvt${params ? `?${params}` : ''}`;
}

/** GET /api/providers: providers the caller may see. */
export async function getProviders(): Promise<ProviderInfo[]> {
  const raw = listOf<ProviderInfo | string>(await apiJson<unknown>('/api/providers'), 'providers');
  return raw.map((p) => {
    if (typeof p === 'string') return { providerId: p };
    const loose = p as ProviderInfo & { provider_id?: string; id?: string };
    return { ...p, providerId: loose.providerId ?? loose.provider_id ?? loose.id ?? '' };
  });
}

/**
 * A run as the page keeps it: ids as strings, the filter among the parameters, and the stats flat
 * (the server nests them as `{summary, curve: [share after 1, 2, … zones]}`).
 */
export function normaliseRun(raw: RunInfo & { filter?: unknown; summary?: unknown }): RunInfo {
  const run: RunInfo = { ...raw, runId: raw.runId === null || raw.runId === undefined ? '' : String(raw.runId) };
  const stats = raw.stats as (Record<string, unknown> & { summary?: Record<string, unknown>; curve?: unknown }) | null | undefined;
  const summary = (stats?.summary ?? raw.summary) as Record<string, unknown> | undefined;
  if (summary && typeof summary === 'object') {
    const curve = Array.isArray(stats?.curve) ? (stats.curve as unknown[]) : [];
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    run.stats = {
      zones: num(summary.zones) ?? 0,
      coveredShare: num(summary.coveredShare) ?? 0,
      totalSlots: num(summary.totalSlots),
      medianWalkM: summary.medianWalkM === null ? null : num(summary.medianWalkM),
      totalTrips: num(summary.totalTrips),
      reason: typeof summary.reason === 'string' ? summary.reason : null,
      coverageCurve: curve.map((share, i) => (typeof share === 'number' ? { zones: i + 1, share } : (share as CoveragePoint))),
    };
  }
  if (raw.filter && typeof raw.filter === 'object' && run.params && !run.params.filter) run.params = { ...run.params, filter: raw.filter as DemandFilter };
  return run;
}

/** GET /api/runs: all runs, newest first (their options' GeoJSON layers as feature counts: the page never shows them). */
export async function listRuns(): Promise<RunInfo[]> {
  const runs = listOf<RunInfo>(await apiJson<unknown>('/api/runs?layers=count'), 'runs').map(normaliseRun);
  return runs.sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')) || String(b.runId).localeCompare(String(a.runId), undefined, { numeric: true }));
}

/** GET /api/runs/:id: status, progress and stats of one run (its options' GeoJSON layers as feature counts). */
export async function getRun(runId: string): Promise<RunInfo> {
  return normaliseRun(await apiJson<RunInfo>(`/api/runs/${encodeURIComponent(runId)}?layers=count`));
}

/**
 * POST /api/runs: starts a recompute. The server stores the run at once, so the answer always
 * carries its id, also when it waits behind another run (status `queued`, with its queue position).
 */
export async function startRun(options: ZoneOptions): Promise<RunInfo> {
  const res = await postJson<RunInfo>('/api/runs', options);
  if (!res || res.runId === undefined || res.runId === null) throw new ApiError(0, 'The server accepted the run but sent no run id.');
  return normaliseRun(res);
}

/** GET /api/runs/:id/zones?format=geojson */
export function getZones(runId: string): Promise<ZoneCollection> {
  return apiJson<ZoneCollection>(`/api/runs/${encodeURIComponent(runId)}/zones?format=geojson`);
}

/** URL of a run's zones in an export format. */
export function zonesExportUrl(runId: string, format: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/zones?format=${encodeURIComponent(format)}`;
}

/** GET /api/runs/compare?a&b */
export function compareRuns(a: string, b: string): Promise<RunComparison> {
  return apiJson<RunComparison>(`/api/runs/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
}

/** GET /api/uploads: the caller's uploads. */
export async function listUploads(): Promise<UploadResult[]> {
  return listOf<UploadResult>(await apiJson<unknown>('/api/uploads'), 'uploads');
}

/**
 * GET /api/uploads/:id with one page of rejects, flattened to an {@link UploadResult} whose
 * `rejects` holds the page (the server nests it as `{upload, rejects: {total, rows}}`).
 */
export async function getUpload(uploadId: string | number, offset: number, limit: number): Promise<UploadResult> {
  const body = await apiJson<Record<string, unknown>>(`/api/uploads/${encodeURIComponent(String(uploadId))}?offset=${offset}&limit=${limit}`);
  const upload = (body.upload && typeof body.upload === 'object' ? body.upload : body) as UploadResult;
  const rejects = body.rejects as { rows?: RejectRow[] } | RejectRow[] | undefined;
  const rows = Array.isArray(rejects) ? rejects : Array.isArray(rejects?.rows) ? rejects.rows : [];
  return { ...upload, rejects: rows };
}

/** GET /api/openapi.json (used to learn which export formats the server offers). */
export function getOpenApi(): Promise<Record<string, unknown>> {
  return apiJson<Record<string, unknown>>('/api/openapi.json');
}

/** Options of {@link uploadFile}. */
export interface UploadOptions {
  provider?: string; // provider id the trips belong to (operators: their own)
  format?: string; // 'mds' | 'csv' | 'parquet'; empty = let the server detect it
  tz?: string; // IANA time zone of local times in CSV files
  onUploadProgress?: (share: number) => void; // 0–1 of bytes sent
  onUploaded?: () => void; // all bytes sent; the server is now ingesting
}

/**
 * POST /api/uploads with the raw file as body, through XMLHttpRequest so upload progress is reported.
 * @returns the ingest result
 * @throws ApiError with a readable message
 */
export function uploadFile(file: File, options: UploadOptions = {}): Promise<UploadResult> {
  const params = new URLSearchParams();
  if (options.provider) params.set('provider', options.provider);
  if (options.format) params.set('format', options.format);
  if (options.tz) params.set('tz', options.tz);
  params.set('filename', file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/uploads?${params}`);
    for (const [name, value] of Object.entries(authHeaders({ Accept: 'application/json' }))) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) options.onUploadProgress?.(e.loaded / e.total);
    };
    xhr.upload.onload = () => options.onUploaded?.();
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: cannot reach the parkzones server.'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === 'object') resolve(body as UploadResult);
      else if (xhr.status >= 200 && xhr.status < 300) reject(new ApiError(xhr.status, 'The server sent an unreadable upload result.'));
      else reject(new ApiError(xhr.status, problemMessage(xhr.status, body as Problem | null, xhr.statusText), body as Problem | null));
    };
    xhr.send(file);
  });
}
