/**
 * `npm start`: the whole product with no configuration. Opens the store ($PARKZONES_DB or ./data/parkzones.duckdb),
 * seeds a demo city and a first run on first start, prints an admin key once, and serves the page (web/dist) at /
 * and the API at /api on $HOST:$PORT (default 127.0.0.1:8080).
 * Environment: PARKZONES_DB, HOST, PORT, PARKZONES_BASEMAP, BASEMAP_STYLE_URL, PARKZONES_K (k-anonymity), PARKZONES_TZ (the city's time
 * zone), PARKZONES_UPLOAD_LIMIT_MB, PARKZONES_DEMO=0 (do not seed), PARKZONES_PLANNER_RECOMPUTE=1 (planners may recompute),
 * PARKZONES_SHUTDOWN_GRACE_S, PARKZONES_SERVICE_AREA (a GeoJSON file or a box west,south,east,north: uploaded trip ends
 * outside it are rejected).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultStorePath, isParkzonesError, isValidTimeZone, loadServiceArea, projectRoot } from '../engine/index.ts';
import { startServer } from './index.ts';

/** A bad environment variable: runServe reports its message alone and exits with 2. */
class EnvError extends Error {}

function intEnv(name: string, def: number | undefined, min: number, max: number): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new EnvError(`${name} must be a whole number ${min}–${max}, got "${v}"`);
  return n;
}

function tzEnv(name: string, def: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  if (!isValidTimeZone(v)) throw new EnvError(`${name} must be an IANA time zone such as America/Kentucky/Louisville, got "${v}"`);
  return v;
}

function basemapEnv(v: string | undefined): string | null | undefined {
  if (v === undefined || v === '') return undefined;
  return v === 'none' ? null : path.resolve(v);
}

const HELP = `parkzones serve — the API and the map (what \`npm start\` runs)

usage: parkzones serve

Configuration is by environment:
  PARKZONES_DB               store file (default ./data/parkzones.duckdb)
  HOST, PORT                 where to listen (default 127.0.0.1:8080)
  PARKZONES_BASEMAP          a PMTiles street archive to serve (parkzones basemap build, Protomaps or OpenMapTiles;
                             default: the built-in central Portland map; "none" for the plain offline page)
  BASEMAP_STYLE_URL          an outside MapLibre style for the page instead (it then loads tiles from there)
  PARKZONES_K                k-anonymity threshold for non-admin aggregates (default 5)
  PARKZONES_TZ               the city's IANA time zone: hours of day on the page are local to it (default UTC)
  PARKZONES_UPLOAD_LIMIT_MB  largest upload (default 512)
  PARKZONES_DEMO=0           do not seed the demo city into an empty store
  PARKZONES_PLANNER_RECOMPUTE=1  planners may start recomputes (POST /api/runs); by default only analysts and admins
  PARKZONES_SHUTDOWN_GRACE_S on SIGTERM/SIGINT, how long uploads in flight may take to finish before they are rolled
                             back and answered 503 (default 30); new requests get 503 at once

On a store without uploads the first start generates and ingests a demo city and computes a first run; a store
without an admin key gets one, printed once.
`;

/** Runs the server until SIGINT/SIGTERM (`parkzones serve`). Returns the process exit code. */
export async function runServe(argv: string[] = []): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.length) {
    process.stderr.write(`parkzones serve: unexpected argument "${argv[0]}" (configuration is by environment; see --help)\n`);
    return 2;
  }
  const dbPath = defaultStorePath();
  const webDist = path.join(projectRoot(), 'web', 'dist');
  let env;
  try {
    env = {
      limitMb: intEnv('PARKZONES_UPLOAD_LIMIT_MB', undefined, 1, 1_000_000),
      port: intEnv('PORT', 8080, 0, 65535),
      kAnonymity: intEnv('PARKZONES_K', undefined, 1, 1_000_000),
      tz: tzEnv('PARKZONES_TZ', 'UTC'),
      graceS: intEnv('PARKZONES_SHUTDOWN_GRACE_S', 30, 0, 86_400),
      serviceArea: process.env.PARKZONES_SERVICE_AREA ? loadServiceArea(process.env.PARKZONES_SERVICE_AREA, 'PARKZONES_SERVICE_AREA') : null,
    };
  } catch (e) {
    if (!(e instanceof EnvError) && !isParkzonesError(e, 'BAD_OPTION')) throw e;
    process.stderr.write(`parkzones serve: ${e.message}\n`);
    return 2;
  }
  const { limitMb, port, kAnonymity, tz, graceS, serviceArea } = env;
  const log = (m: string) => process.stderr.write(`parkzones: ${m}\n`);
  if (!fs.existsSync(path.join(webDist, 'index.html'))) log(`no built page in ${webDist} (build it with the web package); serving the API only`);
  const server = await startServer({
    dbPath,
    host: process.env.HOST || '127.0.0.1',
    port,
    kAnonymity,
    tz,
    uploadLimitBytes: limitMb === undefined ? undefined : limitMb * 1024 * 1024,
    serviceArea,
    basemapStyleUrl: process.env.BASEMAP_STYLE_URL || undefined,
    basemap: basemapEnv(process.env.PARKZONES_BASEMAP),
    staticDir: webDist,
    seedDemo: process.env.PARKZONES_DEMO !== '0',
    plannerRecompute: process.env.PARKZONES_PLANNER_RECOMPUTE === '1',
    log,
    shutdownGraceMs: graceS! * 1000,
  });
  log(`store ${path.resolve(dbPath)}`);
  if (server.adminKey) {
    process.stdout.write(
      `\nAdmin API key (shown only now; keep it safe — create more with POST /api/keys or \`parkzones keys create\`):\n\n  ${server.adminKey}\n\n`,
    );
  }
  process.stdout.write(`parkzones is serving on ${server.url}  (API: ${server.url}/api, OpenAPI: ${server.url}/api/openapi.json)\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: shutting down`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runServe(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      const msg = String((e as Error)?.message ?? e);
      process.stderr.write(/lock/i.test(msg) ? `parkzones: the store is open in another process: ${msg.split('\n')[0]}\n` : `parkzones: ${(e as Error)?.name === 'ParkzonesError' ? msg : ((e as Error)?.stack ?? msg)}\n`);
      process.exitCode = 1;
    },
  );
}
