import { DEFAULT_K, checkK, isValidTimeZone, requireOption, type ServiceArea, type Store } from '../engine/index.ts';
import { DemandCache } from './demand-cache.ts';
import { JobQueue, Lane } from './jobs.ts';
import type { BasemapService } from './basemap-service.ts';
import { GracefulStop } from './graceful-stop.ts';
import { DEFAULT_AUTH_FAILURE_LIMIT, type AuthFailureLimit } from './security.ts';

/** What the app needs; {@link resolveDeps} fills in everything but the store. */
export interface AppDeps {
  store: Store;
  /** Cells with fewer trip ends are hidden from everyone but admins. Default 5. */
  kAnonymity?: number;
  /** The city's IANA time zone, handed to the page (its hours of day, dates and weekdays are local to it). Default 'UTC'. */
  tz?: string;
  /** Largest upload body, bytes. Default 512 MiB. */
  uploadLimitBytes?: number;
  /** The city's service area: uploaded trip ends outside it are rejected. Default null (none; far ends draw a warning). */
  serviceArea?: ServiceArea | null;
  /** Where upload bodies are spooled before ingest. Default: the store's spool folder (Store.spoolDir), emptied on open. */
  uploadDir?: string;
  /** MapLibre style the page should use; null = the page's built-in offline style. */
  basemapStyleUrl?: string | null;
  /** Street basemap served at /basemap (a PMTiles archive, see server/basemap-service.ts); null = none. */
  basemap?: BasemapService | null;
  /** Folder served at / (the built web page); null = none. */
  staticDir?: string | null;
  /** Recompute queue (one per store). */
  jobs?: JobQueue;
  /** Serialises uploads of one store. */
  uploadLane?: Lane;
  /** Demand and tile cache of the store. */
  cache?: DemandCache;
  /** Planners may start recomputes (POST /api/runs), not only make plans. Default false (analysts and admins only). */
  plannerRecompute?: boolean;
  /** Where unexpected errors are written. Default console.error. */
  log?: (message: string) => void;
  /** The app's orderly stop (requests in flight, 503 once stopping). Default: a new one. */
  stop?: GracefulStop;
  /** Failed authentications allowed per client address and window before 429. Default 30 per 15 minutes. */
  authFailureLimit?: AuthFailureLimit;
}

/** {@link AppDeps} with every field present. */
export type ResolvedDeps = Required<AppDeps>;

/** Time zone of a city that names none. */
export const DEFAULT_TZ = 'UTC';

/**
 * Checks an IANA time zone name.
 * @throws ParkzonesError BAD_OPTION naming `option`, e.g. `tz: unknown time zone "Mars/Olympus" (…)`
 */
export function checkTimeZone(tz: unknown, option = 'tz'): asserts tz is string {
  requireOption(typeof tz === 'string' && isValidTimeZone(tz), option, `unknown time zone ${JSON.stringify(tz)} (give an IANA name such as America/Kentucky/Louisville)`);
}

/** Default upload limit: 512 MiB (a month of a large city's trips as gzipped CSV is well below). */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;

/** The per-store services: one recompute queue, one upload lane, one demand cache per store, however many apps serve it. */
interface StoreServices {
  jobs: JobQueue;
  uploadLane: Lane;
  cache: DemandCache;
  users: number;
}

const services = new WeakMap<Store, StoreServices>();

function storeServices(store: Store): StoreServices {
  let s = services.get(store);
  if (!s) services.set(store, (s = { jobs: new JobQueue(), uploadLane: new Lane(), cache: new DemandCache(store), users: 0 }));
  return s;
}

/**
 * The store's shared queue, lane and cache (created on first use), counted as used once more; pair every call with
 * {@link releaseStoreServices}.
 */
export function acquireStoreServices(store: Store): Pick<StoreServices, 'jobs' | 'uploadLane' | 'cache'> {
  const s = storeServices(store);
  s.users++;
  return { jobs: s.jobs, uploadLane: s.uploadLane, cache: s.cache };
}

/**
 * One user of the store's services is done; the last one closes the queue (dropping queued jobs, waiting for the
 * running one).
 * @returns true when this call closed the queue (no job of this process works on the store any more)
 */
export async function releaseStoreServices(store: Store): Promise<boolean> {
  const s = services.get(store);
  if (!s) return false;
  if (--s.users > 0) return false;
  services.delete(store);
  await s.jobs.close();
  return true;
}

/** Applies defaults; queue, lane and cache default to the store's shared ones (see {@link acquireStoreServices}). */
export function resolveDeps(deps: AppDeps): ResolvedDeps {
  const k = deps.kAnonymity ?? DEFAULT_K;
  checkK(k);
  const tz = deps.tz ?? DEFAULT_TZ;
  checkTimeZone(tz);
  const limit = deps.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError(`uploadLimitBytes must be a whole number > 0, got ${limit}`);
  // Without explicit services, the store's shared ones (not counted: only startServer acquires and releases).
  const shared = () => storeServices(deps.store);
  return {
    store: deps.store,
    kAnonymity: k,
    tz,
    uploadLimitBytes: limit,
    serviceArea: deps.serviceArea ?? null,
    uploadDir: deps.uploadDir ?? deps.store.spoolDir,
    basemapStyleUrl: deps.basemapStyleUrl ?? null,
    basemap: deps.basemap ?? null,
    staticDir: deps.staticDir ?? null,
    jobs: deps.jobs ?? shared().jobs,
    uploadLane: deps.uploadLane ?? shared().uploadLane,
    cache: deps.cache ?? shared().cache,
    plannerRecompute: deps.plannerRecompute ?? false,
    log: deps.log ?? ((m) => console.error(m)),
    stop: deps.stop ?? new GracefulStop(),
    authFailureLimit: deps.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT,
  };
}
