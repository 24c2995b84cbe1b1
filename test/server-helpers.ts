/**
 * Shared helpers of the server integration tests (test/server-*.test.ts): a real server on an ephemeral port over a
 * real DuckDB file in a temp dir, keys of every role, and trip files from the seeded synthetic city.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKey, type Role } from '../engine/index.ts';
import { startServer, type RunningServer, type StartServerOptions } from '../server/index.ts';
import { generateCity, writeTrips, type City, type TripFileFormat } from '../fixtures/index.ts';

/** A server under test with a key per role. */
export interface TestServer {
  server: RunningServer;
  url: string;
  dir: string;
  keys: Record<'admin' | 'analyst' | 'planner' | 'operator' | 'otherOperator', string>;
  /** Provider ids of the operator keys. */
  providers: { operator: string; otherOperator: string };
  close(): Promise<void>;
}

/** Starts a server over a new DuckDB file and creates one key per role (operators scoped to `providers`). */
export async function startTestServer(
  providers: { operator: string; otherOperator: string },
  options: StartServerOptions = {},
): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-server-test-'));
  const server = await startServer({ dbPath: path.join(dir, 'store.duckdb'), port: 0, ...options });
  const key = async (role: Role, providerId?: string) => (await createKey(server.store, { role, providerId: providerId ?? null, label: `test ${role}` })).token;
  const keys = {
    admin: server.adminKey!,
    analyst: await key('analyst'),
    planner: await key('planner'),
    operator: await key('operator', providers.operator),
    otherOperator: await key('operator', providers.otherOperator),
  };
  return {
    server, url: server.url, dir, keys, providers,
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Options of {@link api}. */
export interface ApiInit {
  key?: string | null;
  method?: string;
  /** JSON-encoded when an object (Content-Type application/json unless given). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A fetch against the test server; JSON bodies encoded; returns status, headers, text and parsed JSON (if any). */
export async function api(t: TestServer, pathAndQuery: string, init: ApiInit = {}): Promise<{ status: number; headers: Headers; text: string; json: any; bytes: Uint8Array }> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.key) headers.Authorization = `Bearer ${init.key}`;
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    if (typeof init.body === 'string' || init.body instanceof Uint8Array) body = init.body as BodyInit;
    else {
      body = JSON.stringify(init.body);
      headers['Content-Type'] ??= 'application/json';
    }
  }
  const res = await fetch(t.url + pathAndQuery, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: any = null;
  if (/json/.test(res.headers.get('content-type') ?? '')) json = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, json, bytes };
}

/** The synthetic city of the tests: small, seeded; providers[0] and [1] back the two operator keys. */
export function testCity(trips = 4000, seed = 3): City {
  return generateCity({ trips, seed, days: 7, providers: 3, defects: { zero_zero: 0.01, end_before_start: 0.01 } });
}

/** Writes some of a city's trips (optionally of one provider) in a format; returns the file's path. */
export async function cityFile(city: City, dir: string, name: string, format: TripFileFormat, only?: (t: { providerId: string }) => boolean): Promise<string> {
  const file = path.join(dir, name);
  const rows = function* () {
    for (const t of city.trips()) if (!only || only(t)) yield t;
  };
  await writeTrips(rows(), file, { format });
  return file;
}

/** Row counts of the tables a forbidden or failed request must not change. */
export async function tableCounts(t: TestServer): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['trips', 'uploads', 'rejects', 'runs', 'zones', 'api_keys']) {
    const rows = await t.server.store.query(`SELECT count(*)::INTEGER AS n FROM ${table}`);
    out[table] = Number(rows[0]!.n);
  }
  return out;
}

/** Polls GET /api/runs/:id until the run is done or failed (at most 60 s) and returns the run as the API shows it. */
export async function waitForRun(t: TestServer, runId: number, key: string = t.keys.admin): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const r = await api(t, `/api/runs/${runId}`, { key });
    if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}
