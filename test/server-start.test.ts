import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createKey, openStore } from '../engine/index.ts';
import { DEMO_FIRST_RUN, demoCandidates } from '../server/seed-demo.ts';
import { PORTLAND_CENTER_LAT_LNG } from '../fixtures/index.ts';
import { haversineM } from '../engine/geo/haversine.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-start-'));
const db = path.join(dir, 'data', 'parkzones.duckdb');

/** Starts the `npm start` main job (server/main.ts) with a fresh environment (plus `env`); resolves once it serves. */
function start(env: Record<string, string> = {}): Promise<{ url: string; stdout: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'server/main.ts')], {
    cwd: dir,
    env: { ...process.env, PARKZONES_DB: db, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /serving on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve({ url: m[1]!, stdout: () => out, stop: () => (child.kill('SIGTERM'), exited) });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited (${code}) before serving:\n${out}\n${err}`));
    });
  });
}

/** Runs server/main.ts with extra environment until it exits; its exit code and output. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'server/main.ts')], {
    cwd: dir,
    env: { ...process.env, PARKZONES_DB: db, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm start (server/main.ts)', () => {
  it('first start: seeds the demo city, computes a first run, prints an admin key once; a second start reuses the data and prints none', async () => {
    const first = await start();
    const key = /(pzk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    const auth = { Authorization: `Bearer ${key}` };
    const uploads = await (await fetch(`${first.url}/api/uploads`, { headers: auth })).json();
    expect(uploads.uploads).toHaveLength(2); // the demo city, then its weeks after the publication
    expect(Math.min(...uploads.uploads.map((u: { rowsStored: number }) => u.rowsStored))).toBeGreaterThan(40_000);
    const runs = await (await fetch(`${first.url}/api/runs`, { headers: auth })).json();
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0].status).toBe('done');
    expect(runs.runs[0].params).toMatchObject(DEMO_FIRST_RUN);
    // The demo city lives on the built-in basemap's streets: its zones are in central Portland.
    const zones = await (await fetch(`${first.url}/api/runs/${runs.runs[0].runId}/zones?format=geojson`, { headers: auth })).json();
    expect(zones.features.length).toBeGreaterThan(5);
    for (const z of zones.features) expect(haversineM(z.properties.center_lat, z.properties.center_lng, ...PORTLAND_CENTER_LAT_LNG)).toBeLessThan(4000);
    // ... and stand at its street corners, the demo's candidate sites.
    const corners = new Set((await demoCandidates()).features.map((f) => ((f as { geometry: { coordinates: number[] } }).geometry.coordinates).map((c) => c.toFixed(6)).join(',')));
    expect(corners.size).toBeGreaterThan(100);
    for (const z of zones.features) expect(corners.has(`${z.properties.center_lng.toFixed(6)},${z.properties.center_lat.toFixed(6)}`)).toBe(true);
    expect((await (await fetch(`${first.url}/api/config`)).json()).basemapStyleUrl).toBe('/basemap/style.json');
    const runId = runs.runs[0].runId;
    const pub = await (await fetch(`${first.url}/api/runs/${runId}/publication`, { headers: auth })).json();
    expect(pub.publication).toMatchObject({ state: 'published', effectiveDate: '2026-06-15T00:00:00.000Z', requiredParking: true });
    expect((await (await fetch(`${first.url}/mds/geographies`)).json()).geographies.length).toBeGreaterThan(1);
    // The loop shows: every operator parks a larger share of its trip ends in the zones after the publication.
    const rows = (await (await fetch(`${first.url}/api/runs/${runId}/compliance`, { headers: auth })).json()).rows as { providerId: string; phase: string; tripEnds: number; inZone: number }[];
    for (const p of new Set(rows.map((r) => r.providerId))) {
      const share = (phase: string) => {
        const rs = rows.filter((r) => r.providerId === p && r.phase === phase);
        return rs.reduce((a, r) => a + r.inZone, 0) / rs.reduce((a, r) => a + r.tripEnds, 0);
      };
      expect(share('after')).toBeGreaterThan(share('before') + 0.1);
    }
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect(second.stdout()).not.toContain('pzk_');
    const again = await (await fetch(`${second.url}/api/uploads`, { headers: auth })).json();
    expect(again.uploads).toHaveLength(2);
    const runsAgain = await (await fetch(`${second.url}/api/runs`, { headers: auth })).json();
    expect(runsAgain.runs).toHaveLength(1);
    expect(await second.stop()).toBe(0);
  }, 120_000);

  it('marks a run that a stopped server left running as failed in the table when it starts again', async () => {
    const file = path.join(dir, 'cut-off.duckdb');
    let store = await openStore({ path: file });
    const { token } = await createKey(store, { role: 'planner' });
    await store.run(`INSERT INTO runs (run_id, created_at, params, input_filter, status, progress, stage) VALUES (nextval('run_id_seq'), now(), '{}', '{}', 'running', 0.4, 'solve')`);
    store.close();
    const server = await start({ PARKZONES_DB: file, PARKZONES_DEMO: '0' });
    const run = await (await fetch(`${server.url}/api/runs/1`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(await server.stop()).toBe(0);
    expect(run).toMatchObject({ runId: 1, status: 'failed', stage: 'solve', error: 'interrupted: the server stopped before the run finished' });
    store = await openStore({ path: file });
    try {
      expect(await store.query('SELECT status, error FROM runs')).toEqual([{ status: 'failed', error: 'interrupted: the server stopped before the run finished' }]);
    } finally {
      store.close();
    }
  }, 60_000);

  it('refuses to start with an unknown PARKZONES_TZ, naming the variable', async () => {
    const r = await runToExit({ PARKZONES_TZ: 'Mars/Olympus_Mons' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('parkzones serve: PARKZONES_TZ must be an IANA time zone such as America/Kentucky/Louisville, got "Mars/Olympus_Mons"\n');
    expect(r.stdout).toBe('');
  }, 60_000);
});
