import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openStore } from '../engine/index.ts';
import { generateCity } from '../fixtures/index.ts';
import { acquireStoreServices, releaseStoreServices } from '../server/deps.ts';
import { api, cityFile, startTestServer, testCity, type TestServer } from './server-helpers.ts';

// Two batches of one city: different weeks, so batch B adds new trips.
const cityA = generateCity({ trips: 30_000, seed: 31, days: 7, startDate: '2026-06-01' });
const cityB = generateCity({ trips: 8_000, seed: 32, days: 7, startDate: '2026-06-08' });
const [p0, p1] = cityA.providers.map((p) => p.id) as [string, string];
let t: TestServer;
let fileB: Buffer;
let fileB2: Buffer;

async function tripCount(): Promise<number> {
  return Number((await t.server.store.query('SELECT count(*)::INTEGER AS n FROM trips'))[0]!.n);
}

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 });
  const a = await cityFile(cityA, t.dir, 'a.json', 'mds2');
  expect((await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(a), headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
  fileB = fs.readFileSync(await cityFile(cityB, t.dir, 'b.csv', 'csv', (x) => x.providerId === p0));
  fileB2 = fs.readFileSync(await cityFile(cityB, t.dir, 'b2.csv', 'csv', (x) => x.providerId === p1));
});
afterAll(async () => t?.close());

describe('concurrent work', () => {
  it('uploads and recomputes at the same time all succeed; recomputes run one at a time, the others queue', async () => {
    const before = await tripCount();
    const [run1, upload1, run2, upload2] = await Promise.all([
      api(t, '/api/runs', { key: t.keys.analyst, body: { res: 11, coverage: 0.9 } }),
      api(t, '/api/uploads', { key: t.keys.operator, body: fileB, headers: { 'Content-Type': 'text/csv' } }),
      api(t, '/api/runs', { key: t.keys.admin, body: { res: 10, k: 10 } }),
      api(t, '/api/uploads', { key: t.keys.otherOperator, body: fileB2, headers: { 'Content-Type': 'text/csv' } }),
    ]);
    expect(upload1.status, upload1.text).toBe(201);
    expect(upload2.status, upload2.text).toBe(201);
    expect(run1.status).toBe(202);
    expect(run2.status).toBe(202);
    // Whichever POST reached the queue second waits behind the first; both know their run id at once.
    const [first, second] = run1.json.status === 'running' ? [run1.json, run2.json] : [run2.json, run1.json];
    expect(first).toMatchObject({ status: 'running', queuePosition: 0 });
    expect(second).toMatchObject({ status: 'queued', stage: 'queued', progress: 0, queuePosition: 1 });
    expect(typeof first.runId).toBe('number');
    expect(typeof second.runId).toBe('number');
    expect(second.runId).not.toBe(first.runId);
    for (const r of [run1, run2]) expect(r.headers.get('location')).toBe(`/api/runs/${r.json.runId}`);
    expect(await tripCount()).toBe(before + upload1.json.rowsStored + upload2.json.rowsStored);

    // Poll until both are done; never two running at once; progress only grows.
    const progress: number[] = [];
    let done = false;
    for (let i = 0; i < 1200 && !done; i++) {
      const list = (await api(t, '/api/runs', { key: t.keys.planner })).json;
      const running = list.runs.filter((r: { status: string }) => r.status === 'running');
      expect(running.length).toBeLessThanOrEqual(1);
      const mine = list.runs.find((r: { runId: number }) => r.runId === first.runId);
      if (mine) progress.push(mine.progress);
      done = list.runs.length === 2 && list.runs.every((r: { status: string }) => r.status === 'done');
      if (!done) await new Promise((r) => setTimeout(r, 50));
    }
    expect(done).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.at(-1)).toBe(1);
  });

  it('GET /api/runs/:id reports progress 0–1 and a stage while running, then the stats', async () => {
    const post = await api(t, '/api/runs', { key: t.keys.analyst, body: { res: 11, coverage: 0.95 } });
    expect(post.status).toBe(202);
    expect(post.headers.get('location')).toBe(`/api/runs/${post.json.runId}`);
    const stages = new Set<string>();
    let last: any;
    for (let i = 0; i < 1200; i++) {
      last = (await api(t, `/api/runs/${post.json.runId}`, { key: t.keys.planner })).json;
      expect(last.progress).toBeGreaterThanOrEqual(0);
      expect(last.progress).toBeLessThanOrEqual(1);
      if (last.stage) stages.add(last.stage);
      if (last.status === 'done' || last.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(last.status).toBe('done');
    expect(last.stage).toBe('done');
    expect(last.stats.summary.zones).toBeGreaterThan(0);
    expect(stages.size).toBeGreaterThan(1);
  });

  it('a run waiting in the queue has its id, status queued and queue position, and is listed', async () => {
    // A job that holds the store's queue until released.
    const services = acquireStoreServices(t.server.store);
    let release!: () => void;
    const gate = services.jobs.enqueue('hold', () => new Promise<void>((r) => (release = r)));
    try {
      const post = await api(t, '/api/runs', { key: t.keys.analyst, body: { res: 10, k: 3 } });
      expect(post.status).toBe(202);
      expect(post.json).toMatchObject({ status: 'queued', stage: 'queued', progress: 0, queuePosition: 1, error: null });
      expect((await api(t, `/api/runs/${post.json.runId}`, { key: t.keys.planner })).json).toMatchObject({ runId: post.json.runId, status: 'queued', queuePosition: 1 });
      const listed = (await api(t, '/api/runs', { key: t.keys.planner })).json.runs.find((r: { runId: number }) => r.runId === post.json.runId);
      expect(listed).toMatchObject({ status: 'queued', queuePosition: 1 });
      release();
      await gate.done;
      let last: any;
      for (let i = 0; i < 1200 && last?.status !== 'done' && last?.status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        last = (await api(t, `/api/runs/${post.json.runId}`, { key: t.keys.planner })).json;
      }
      expect(last).toMatchObject({ status: 'done', queuePosition: 0 });
    } finally {
      release?.();
      await releaseStoreServices(t.server.store);
    }
  });

  it('a run still queued when the last server of its store stops is marked failed in the table', async () => {
    const small = await startTestServer({ operator: p0, otherOperator: p1 });
    try {
      const file = await cityFile(testCity(500, 5), small.dir, 'small.json', 'mds2');
      expect((await api(small, '/api/uploads', { key: small.keys.admin, body: fs.readFileSync(file), headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
      const services = acquireStoreServices(small.server.store);
      let release!: () => void;
      services.jobs.enqueue('hold', () => new Promise<void>((r) => (release = r)));
      const post = await api(small, '/api/runs', { key: small.keys.analyst, body: { k: 2 } });
      expect(post.json.status).toBe('queued');
      await releaseStoreServices(small.server.store);
      const closing = small.server.close(); // drops the queued run, then waits for the holding job
      while (services.jobs.pending().length > 1) await new Promise((r) => setTimeout(r, 10));
      release();
      await closing;
      const store = await openStore({ path: path.join(small.dir, 'store.duckdb') });
      try {
        expect(await store.query('SELECT status, error FROM runs WHERE run_id = $id', { id: post.json.runId })).toEqual([
          { status: 'failed', error: 'interrupted: the server stopped before the run finished' },
        ]);
      } finally {
        store.close();
      }
    } finally {
      fs.rmSync(small.dir, { recursive: true, force: true });
    }
  });

  it('a bad recompute request is refused before it is queued', async () => {
    const before = (await api(t, '/api/runs', { key: t.keys.admin })).json.runs.length;
    const r = await api(t, '/api/runs', { key: t.keys.analyst, body: { res: 20 } });
    expect(r.status).toBe(400);
    expect(r.json.option).toBe('res');
    const unknown = await api(t, '/api/runs', { key: t.keys.analyst, body: { walkRadius: 100 } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.option).toBe('walkRadius');
    const provider = await api(t, '/api/runs', { key: t.keys.analyst, body: { filter: { providers: ['nobody'] } } });
    expect(provider.status).toBe(400);
    expect((await api(t, '/api/runs', { key: t.keys.admin })).json.runs.length).toBe(before);
  });

  it('unknown run ids → 404, compare of unknown → 404, zones of a bad id → 400', async () => {
    expect((await api(t, '/api/runs/9999', { key: t.keys.planner })).status).toBe(404);
    expect((await api(t, '/api/runs/9999/zones', { key: t.keys.planner })).status).toBe(404);
    expect((await api(t, '/api/runs/compare?a=1&b=9999', { key: t.keys.planner })).status).toBe(404);
    expect((await api(t, '/api/runs/compare?a=1', { key: t.keys.planner })).status).toBe(400);
    expect((await api(t, '/api/runs/x/zones', { key: t.keys.planner })).status).toBe(400);
  });

  it('a run left running by an earlier process is marked failed (interrupted) in the table when a server starts', async () => {
    const [row] = await t.server.store.query(
      `INSERT INTO runs (run_id, created_at, params, input_filter, status, progress, stage)
       VALUES (nextval('run_id_seq'), now(), '{}', '{}', 'running', 0.3, 'solve') RETURNING run_id`,
    );
    const runId = Number(row!.run_id);
    const { startServer } = await import('../server/index.ts');
    const again = await startServer({ store: t.server.store, port: 0 });
    try {
      const [stored] = await t.server.store.query('SELECT status, stage, error FROM runs WHERE run_id = $id', { id: runId });
      expect(stored).toEqual({ status: 'failed', stage: 'solve', error: 'interrupted: the server stopped before the run finished' });
      const res = await fetch(`${again.url}/api/runs/${runId}`, { headers: { Authorization: `Bearer ${t.keys.planner}` } });
      expect(await res.json()).toMatchObject({ status: 'failed', error: 'interrupted: the server stopped before the run finished' });
      const zones = await fetch(`${again.url}/api/runs/${runId}/zones`, { headers: { Authorization: `Bearer ${t.keys.planner}` } });
      expect(zones.status).toBe(409);
    } finally {
      await again.close();
    }
  });

  it('a second server over the same store leaves the runs of the first one running', async () => {
    const post = await api(t, '/api/runs', { key: t.keys.analyst, body: { res: 11, coverage: 0.95 } });
    expect(post.json.status).toBe('running');
    const { startServer } = await import('../server/index.ts');
    const again = await startServer({ store: t.server.store, port: 0 });
    try {
      // Not marked failed: the row may still say 'queued' for a moment after the job starts (the run writes 'running'
      // when it begins its first stage), but never 'failed'.
      const [stored] = await t.server.store.query('SELECT status, error FROM runs WHERE run_id = $id', { id: post.json.runId });
      expect(['queued', 'running']).toContain(stored!.status);
      expect(stored!.error).toBeNull();
    } finally {
      await again.close();
    }
    let last: any;
    for (let i = 0; i < 1200 && last?.status !== 'done' && last?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      last = (await api(t, `/api/runs/${post.json.runId}`, { key: t.keys.planner })).json;
    }
    expect(last.status).toBe('done');
  });

  it('GET /api/runs/compare compares two done runs', async () => {
    const r = await api(t, '/api/runs/compare?a=1&b=2', { key: t.keys.planner });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ a: 1, b: 2 });
    for (const key of ['kept', 'moved', 'removed', 'added']) expect(Array.isArray(r.json[key])).toBe(true);
    expect(typeof r.json.coverage.difference).toBe('number');
  });
});
