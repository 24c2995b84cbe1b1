import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../engine/index.ts';
import { api, cityFile, startTestServer, tableCounts, testCity, type TestServer, waitForRun } from './server-helpers.ts';

type Caller = 'none' | 'admin' | 'analyst' | 'planner' | 'operator';
const CALLERS: Caller[] = ['none', 'admin', 'analyst', 'planner', 'operator'];

const city = testCity(1500, 11);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
let t: TestServer;
let ownCsv: Buffer;
let throwawayKeyId: string;
let runId: number;

interface Endpoint {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  contentType?: string;
  allowed: Caller[];
}

const ALL: Caller[] = ['admin', 'analyst', 'planner', 'operator'];
const ENDPOINTS: Endpoint[] = [
  { name: 'health', method: 'GET', path: () => '/api/health', allowed: CALLERS },
  { name: 'config', method: 'GET', path: () => '/api/config', allowed: CALLERS },
  { name: 'openapi', method: 'GET', path: () => '/api/openapi.json', allowed: CALLERS },
  { name: 'list keys', method: 'GET', path: () => '/api/keys', allowed: ['admin'] },
  { name: 'create key', method: 'POST', path: () => '/api/keys', body: () => ({ role: 'admin', label: 'sneaky' }), allowed: ['admin'] },
  { name: 'revoke key', method: 'DELETE', path: () => `/api/keys/${throwawayKeyId}`, allowed: ['admin'] },
  { name: 'upload', method: 'POST', path: () => '/api/uploads', body: () => ownCsv, contentType: 'text/csv', allowed: ['admin', 'operator'] },
  { name: 'list uploads', method: 'GET', path: () => '/api/uploads', allowed: ['admin', 'operator'] },
  { name: 'one upload', method: 'GET', path: () => '/api/uploads/1', allowed: ['admin', 'operator'] },
  { name: 'providers', method: 'GET', path: () => '/api/providers', allowed: ALL },
  { name: 'cells', method: 'GET', path: () => '/api/cells?res=9', allowed: ALL },
  { name: 'tiles', method: 'GET', path: () => '/api/tiles/12/1072/1577.mvt', allowed: ALL },
  { name: 'start run', method: 'POST', path: () => '/api/runs', body: () => ({ k: 3, res: 10 }), allowed: ['admin', 'analyst'] },
  { name: 'list runs', method: 'GET', path: () => '/api/runs', allowed: ['admin', 'analyst', 'planner'] },
  { name: 'one run', method: 'GET', path: () => `/api/runs/${runId}`, allowed: ['admin', 'analyst', 'planner'] },
  { name: 'run zones', method: 'GET', path: () => `/api/runs/${runId}/zones`, allowed: ['admin', 'analyst', 'planner'] },
  { name: 'run zones mds', method: 'GET', path: () => `/api/runs/${runId}/zones?format=mds-stops`, allowed: ['admin', 'analyst', 'planner'] },
  { name: 'compare runs', method: 'GET', path: () => `/api/runs/compare?a=${runId}&b=${runId}`, allowed: ['admin', 'analyst', 'planner'] },
];

function keyOf(c: Caller): string | null {
  return c === 'none' ? null : t.keys[c];
}

function call(e: Endpoint, c: Caller) {
  const body = e.body?.();
  return api(t, e.path(), {
    key: keyOf(c), method: e.method, body,
    headers: e.contentType ? { 'Content-Type': e.contentType } : {},
  });
}


beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 });
  // Upload 1 is the operator's provider's, so that the operator may read it.
  ownCsv = fs.readFileSync(await cityFile(city, t.dir, 'own.csv', 'csv', (x) => x.providerId === p0));
  const first = await api(t, '/api/uploads', { key: t.keys.operator, body: ownCsv, headers: { 'Content-Type': 'text/csv' } });
  expect(first.json.uploadId).toBe(1);
  const others = fs.readFileSync(await cityFile(city, t.dir, 'others.json', 'mds2', (x) => x.providerId !== p0));
  expect((await api(t, '/api/uploads', { key: t.keys.admin, body: others, headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
  const run = await api(t, '/api/runs', { key: t.keys.admin, body: { k: 5, res: 10 } });
  expect(run.status).toBe(202);
  runId = run.json.runId;
  expect((await waitForRun(t, runId)).status).toBe('done');
  throwawayKeyId = (await createKey(t.server.store, { role: 'planner', label: 'to revoke' })).keyId;
});
afterAll(async () => t?.close());

describe('role × endpoint matrix', () => {
  it('every forbidden pair answers 401 (no key) or 403 (wrong role) as problem+json, and changes nothing', async () => {
    const before = await tableCounts(t);
    const keysBefore = (await api(t, '/api/keys', { key: t.keys.admin })).json;
    const seen: string[] = [];
    for (const e of ENDPOINTS) {
      for (const c of CALLERS) {
        if (e.allowed.includes(c)) continue;
        const r = await call(e, c);
        seen.push(`${c} ${e.name} → ${r.status}`);
        expect(r.status, `${c} ${e.method} ${e.path()}`).toBe(c === 'none' ? 401 : 403);
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(r.json.code).toBe(c === 'none' ? 'UNAUTHORIZED' : 'FORBIDDEN');
      }
    }
    expect(seen.length).toBe(ENDPOINTS.reduce((n, e) => n + CALLERS.length - e.allowed.length, 0));
    expect(await tableCounts(t)).toEqual(before);
    expect((await api(t, '/api/keys', { key: t.keys.admin })).json).toEqual(keysBefore);
    expect((await api(t, '/api/runs', { key: t.keys.admin })).json.runs).toHaveLength(1);
  });

  it('every allowed pair succeeds', async () => {
    for (const e of ENDPOINTS) {
      for (const c of e.allowed) {
        if (e.name === 'revoke key') throwawayKeyId = (await createKey(t.server.store, { role: 'planner' })).keyId;
        const r = await call(e, c);
        expect(r.status, `${c} ${e.method} ${e.path()}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
        expect(r.status, `${c} ${e.method} ${e.path()}: ${r.text.slice(0, 200)}`).toBeLessThan(300);
      }
    }
  });
});

describe('operator scoping', () => {
  it("an operator may not ask for another provider's cells, tiles or uploads", async () => {
    const before = await tableCounts(t);
    for (const p of [`/api/cells?providers=${p1}`, `/api/cells?providers=${p0},${p1}`, `/api/tiles/12/1072/1577.mvt?providers=${p1}`, `/api/uploads?provider=${p1}`]) {
      expect((await api(t, p, { key: t.keys.operator })).status, p).toBe(403);
    }
    const r = await api(t, `/api/uploads?provider=${p1}`, { key: t.keys.operator, method: 'POST', body: ownCsv, headers: { 'Content-Type': 'text/csv' } });
    expect(r.status).toBe(403);
    expect(await tableCounts(t)).toEqual(before);
  });

  it("the other operator's key sees none of this operator's uploads", async () => {
    const theirs = await api(t, '/api/uploads', { key: t.keys.otherOperator });
    for (const u of theirs.json.uploads) expect(u.providerId).toBe(p1);
    expect((await api(t, '/api/uploads/1', { key: t.keys.otherOperator })).status).toBe(403);
  });
});
