/**
 * A real parkzones server for end-to-end tests: a temp DuckDB file, a seeded synthetic city uploaded
 * through the API, one key per role and a first run of zones.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCity, writeTrips } from '../../fixtures/index.ts';
import { startServer } from '../../server/index.ts';
import { ensureWebBuilt } from './global-setup.ts';

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  trips?: number; // rows of the synthetic city, bad ones included
  days?: number; // days covered
  firstRun?: Record<string, unknown> | null; // zone options of a first run; null = none
  basemapStyleUrl?: string; // handed to the page by GET /api/config
  basemap?: string | null; // PMTiles archive served at /basemap; default the built-in one, null none
  tz?: string; // the city's IANA time zone, handed to the page by GET /api/config; default UTC
  kAnonymity?: number; // k of the non-admin views
}

const defaults: Required<Omit<TestServerOptions, 'basemapStyleUrl' | 'tz' | 'basemap'>> = {
  trips: 12_000, // rows: enough for clear hotspots, small enough to seed in seconds
  days: 7, // one week
  firstRun: { k: 12, walkRadiusM: 150 }, // a first proposal for the map
  // Atoms (cell × provider × month × weekday/weekend × hour) below k are hidden from planners; at k = 5 a week of
  // 12,000 trips leaves a planner too few hexes away from zones to click. The page, not k, is under test here.
  kAnonymity: 3,
};

/** A running test server with keys for every role. */
export interface TestServer {
  url: string;
  keys: { admin: string; analyst: string; planner: string; operator: string };
  providers: { id: string; name: string }[];
  /** Provider the operator key is scoped to. */
  operatorProvider: string;
  /** Runs the server had after seeding (the first run, if any). */
  firstRunId: string | null;
  close(): Promise<void>;
}

/** Sends an API request as `key`, failing loudly on any non-2xx answer. */
export async function api<T>(url: string, key: string, pathAndQuery: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${url}${pathAndQuery}`, { ...init, headers: { Authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${pathAndQuery} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls GET /api/runs/:id until the run is done (throws when it failed or took too long). */
export async function waitForRun(url: string, key: string, runId: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api<Record<string, unknown>>(url, key, `/api/runs/${runId}`);
    if (run.status === 'done') return run;
    if (run.status === 'failed') throw new Error(`run ${runId} failed: ${String(run.error)}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} not done after ${timeoutMs} ms (status ${String(run.status)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts the server on an ephemeral port over a fresh DuckDB file, serving web/dist, and seeds it
 * through the API (upload as admin, keys for each role, a first run).
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const o = { ...defaults, ...options };
  await ensureWebBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'parkzones-e2e-'));
  const server = await startServer({
    dbPath: path.join(dir, 'e2e.duckdb'),
    port: 0,
    host: '127.0.0.1',
    staticDir: path.resolve('web', 'dist'),
    basemapStyleUrl: options.basemapStyleUrl,
    basemap: options.basemap,
    tz: options.tz,
    kAnonymity: o.kAnonymity,
  });
  try {
    const admin = server.adminKey;
    if (!admin) throw new Error('startServer on a fresh store returned no admin key');
    const city = generateCity({ trips: o.trips, days: o.days, seed: 11 });
    const file = path.join(dir, 'city.json');
    await writeTrips(city.trips(), file, { format: 'mds2' });
    await api(server.url, admin, '/api/uploads?format=mds2&filename=city.json', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: readFileSync(file) });
    const makeKey = async (body: Record<string, string>) => {
      const created = await api<{ token?: string; key?: string }>(server.url, admin, '/api/keys', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const token = created.token ?? created.key;
      if (!token) throw new Error(`POST /api/keys gave no token: ${JSON.stringify(created)}`);
      return token;
    };
    const operatorProvider = city.providers[0]!.id;
    const keys = {
      admin,
      analyst: await makeKey({ role: 'analyst' }),
      planner: await makeKey({ role: 'planner' }),
      operator: await makeKey({ role: 'operator', providerId: operatorProvider }),
    };
    let firstRunId: string | null = null;
    if (o.firstRun) {
      const started = await api<{ runId: number | string }>(server.url, admin, '/api/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(o.firstRun) });
      firstRunId = String(started.runId);
      await waitForRun(server.url, admin, firstRunId);
    }
    return {
      url: server.url,
      keys,
      providers: city.providers,
      operatorProvider,
      firstRunId,
      async close() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
