import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { countAdminKeys, createKey, defaultStorePath, failInterruptedRuns, openStore, type Store } from '../engine/index.ts';
import { createApp } from './app.ts';
import type { AuthFailureLimit } from './security.ts';
import { acquireStoreServices, checkTimeZone, DEFAULT_TZ, releaseStoreServices } from './deps.ts';
import { DEMO_FIRST_RUN, demoCandidates, needsDemo, seedDemoCity } from './seed-demo.ts';
import { seedDemoPublication } from './seed-demo-publication.ts';
import { liveRunIds, startRun } from './routes/runs.ts';
import { basemapService, BUILTIN_BASEMAP_ARCHIVE } from './basemap-service.ts';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** DuckDB file to open (ignored when `store` is given). Default: $PARKZONES_DB or ./data/parkzones.duckdb. */
  dbPath?: string;
  /** An open store to serve (the caller keeps ownership: close() leaves it open). */
  store?: Store;
  /** TCP port; 0 = an ephemeral port. Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Largest upload body, bytes (413 beyond). Default 512 MiB. */
  uploadLimitBytes?: number;
  /** The city's service area for uploads (see AppDeps). Default none. */
  serviceArea?: import('../engine/index.ts').ServiceArea | null;
  /** k of k-anonymity for non-admin aggregates. Default 5. */
  kAnonymity?: number;
  /** The city's IANA time zone (GET /api/config tells the page, whose hours of day are then local). Default 'UTC'. */
  tz?: string;
  /** MapLibre style URL handed to the page (wins over `basemap`); default none. */
  basemapStyleUrl?: string;
  /**
   * PMTiles archive served at /basemap with a style picked from its schema (parkzones, Protomaps, OpenMapTiles);
   * null = none (the page's plain offline style). Default: the built-in street map of central Portland
   * (basemap/portland-central.pmtiles).
   */
  basemap?: string | null;
  /** Folder served at / (web/dist). Default: none. */
  staticDir?: string;
  /** On a store that never had an upload: ingest the demo city and compute a first run ({@link DEMO_FIRST_RUN}). Default false. */
  seedDemo?: boolean;
  /** Planners may start recomputes (POST /api/runs), not only plans. Default false. */
  plannerRecompute?: boolean;
  /** Progress messages (seeding). Default: none. */
  log?: (message: string) => void;
  /**
   * On close, how long requests in flight (uploads being received or ingested) may take to finish before they are
   * stopped, rolled back and answered 503. Milliseconds; default 30,000.
   */
  shutdownGraceMs?: number;
  /** Failed authentications allowed per client address and window before 429 (server/security.ts). Default 30 per 15 minutes. */
  authFailureLimit?: AuthFailureLimit;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  store: Store;
  /** The first admin key's token when this start created it (a store without admin keys); else null. */
  adminKey: string | null;
  /**
   * Stops in order: stops listening and answers new requests 503; gives requests in flight the grace period
   * (`shutdownGraceMs`) to finish, then stops the uploads still running (rolled back, answered 503); waits for the
   * running job (queued runs are marked failed); closes the store if this server opened it.
   */
  close(): Promise<void>;
}

/**
 * Starts the API (and the page, with `staticDir`) over a store. On a store without an admin key it creates one
 * and returns its token (shown once). Runs an earlier process left queued or running are marked failed. With
 * `seedDemo`, a store that never had an upload gets the demo city and a first run before this resolves.
 * @example
 * const server = await startServer({ dbPath: '/tmp/pz.duckdb', port: 0 });
 * await fetch(`${server.url}/api/health`);
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  checkTimeZone(options.tz ?? DEFAULT_TZ);
  const owned = !options.store;
  const basemapFile = options.basemap === undefined ? BUILTIN_BASEMAP_ARCHIVE : options.basemap;
  const basemap = basemapFile ? basemapService(basemapFile) : null;
  if (basemap) await basemap.ready(); // a missing or unknown archive stops the start, naming the file
  const store = options.store ?? (await openStore({ path: options.dbPath ?? defaultStorePath() }));
  try {
    let adminKey: string | null = null;
    if ((await countAdminKeys(store)) === 0) {
      adminKey = (await createKey(store, { role: 'admin', label: 'first admin (created on first start)' })).token;
    }
    if (store.spoolFilesRemoved) log(`removed ${store.spoolFilesRemoved} temporary upload file${store.spoolFilesRemoved === 1 ? '' : 's'} left by an earlier stop in ${store.spoolDir}`);
    if (store.openCheck.rolledBack !== null) log(`upload ${store.openCheck.rolledBack} was cut by a crash during its commit: rolled back (send its file again)`);
    const shared = acquireStoreServices(store);
    // Runs left queued or running by a stopped process: no one will finish them. (Another server of this process
    // may share the store and its queue: its runs are live.)
    const interrupted = await failInterruptedRuns(store, { keep: liveRunIds(shared.jobs) });
    if (interrupted) log(`${interrupted} run${interrupted === 1 ? '' : 's'} cut off by an earlier stop marked failed`);
    const { app, deps } = createApp({
      store,
      ...shared,
      kAnonymity: options.kAnonymity,
      tz: options.tz,
      uploadLimitBytes: options.uploadLimitBytes,
      serviceArea: options.serviceArea ?? null,
      basemapStyleUrl: options.basemapStyleUrl ?? null,
      basemap,
      staticDir: options.staticDir ?? null,
      plannerRecompute: options.plannerRecompute ?? false,
      log: (m) => console.error(m),
      ...(options.authFailureLimit ? { authFailureLimit: options.authFailureLimit } : {}),
    });
    if (options.seedDemo && (await needsDemo(store))) {
      await seedDemoCity(store, log);
      deps.cache.invalidate();
      log('computing a first run of zones');
      try {
        // Hours of the zones' profiles are the city's, as on the page; zones stand at the streets' corners.
        const tz = options.tz ?? DEFAULT_TZ;
        const first = { ...DEMO_FIRST_RUN, candidates: await demoCandidates(), ...(tz === DEFAULT_TZ ? {} : { filter: { tz } }) };
        const run = await (await startRun(deps, first)).done;
        log(`first run done: run ${run}`);
        await seedDemoPublication(store, run, log);
        deps.cache.invalidate();
      } catch (e) {
        // The demo is still usable without zones (the map shows demand; an analyst can recompute).
        log(`the first run failed: ${(e as Error).message}`);
      }
    }
    const server = http.createServer(app);
    server.keepAliveTimeout = 30_000;
    server.headersTimeout = 35_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    let closed: Promise<void> | null = null;
    return {
      url: `http://${host}:${addr.port}`,
      store,
      adminKey,
      close: () =>
        (closed ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const left = await deps.stop.stop(options.shutdownGraceMs ?? 30_000);
          if (left) log(`${left} request${left === 1 ? '' : 's'} still open at shutdown: their connections are closed`);
          server.closeAllConnections();
          await closed;
          // The last server of the store drops the runs still queued: mark them failed now rather than at the next start.
          if (await releaseStoreServices(store)) {
            await failInterruptedRuns(store).catch((e: unknown) => log(`marking queued runs failed: ${(e as Error).message}`));
          }
          if (owned) store.close();
          basemap?.close();
        })()),
    };
  } catch (e) {
    if (owned) store.close();
    basemap?.close();
    throw e;
  }
}

export { createApp, type CreatedApp } from './app.ts';
export type { AppDeps } from './deps.ts';
