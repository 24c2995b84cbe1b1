import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openStore } from '../engine/store/open-store.ts';
import { inconsistentUploadsSql } from '../engine/store/check-store.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { startServer } from '../server/index.ts';
import { tempDir } from './helpers/temp-store.ts';

// A real `parkzones serve` child process, stopped with SIGTERM while an upload is in flight: the client always gets
// an answer (the upload stored, or a 503 saying nothing was), the server exits 0, and the store is consistent.

const { dir, cleanup } = tempDir('pz-stop-');
afterAll(cleanup);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
const ROWS = 30_000;
let body: Buffer;

beforeAll(async () => {
  const file = path.join(dir, 'trips.json');
  // MDS JSON goes through the JavaScript reader in batches: its ingest lasts long enough to be caught.
  await writeTrips(generateCity({ trips: ROWS, seed: 31 }).trips(), file, { format: 'mds2' });
  body = fs.readFileSync(file);
}, 60_000);

interface Served {
  child: ChildProcess;
  url: string;
  key: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function serve(db: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, PARKZONES_DB: db, PORT: '0', PARKZONES_DEMO: '0', PARKZONES_FAULT_TRACE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
      const url = /serving on (http:\/\/\S+)/.exec(stdout)?.[1];
      const key = /Admin API key[^\n]*\n\n {2}(\S+)/.exec(stdout)?.[1];
      if (url && key) resolve({ child, url, key, stderr: () => stderr, exit });
    });
    void exit.then(() => reject(new Error(`the server exited before serving: ${stderr}`)));
  });
}

/** POSTs `parts` of a body with a pause after each but the last; resolves with the answer (or rejects on a cut connection). */
function upload(s: Served, parts: Buffer[], pauseMs = 0): { answer: Promise<{ status: number; body: Record<string, unknown> }>; sent: Promise<void> } {
  const req = http.request(`${s.url}/api/uploads?filename=trips.json`, {
    method: 'POST', headers: { Authorization: `Bearer ${s.key}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
  });
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
  });
  const sent = (async () => {
    for (const [i, p] of parts.entries()) {
      if (req.destroyed) return;
      req.write(p);
      if (i < parts.length - 1) await new Promise((r) => setTimeout(r, pauseMs).unref());
    }
    if (parts.reduce((n, p) => n + p.length, 0) === body.length) req.end();
  })();
  return { answer, sent };
}

const waitFor = async (what: () => boolean, ms = 30_000) => {
  for (const t0 = Date.now(); !what(); ) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function storeState(db: string): Promise<{ trips: number; uploads: number }> {
  const store = await openStore({ path: db });
  try {
    expect(await store.query(inconsistentUploadsSql())).toEqual([]);
    const r = (await store.query('SELECT (SELECT count(*) FROM trips) AS t, (SELECT count(*) FROM uploads) AS u'))[0]!;
    return { trips: Number(r.t), uploads: Number(r.u) };
  } finally {
    store.close();
  }
}

describe('SIGTERM during an upload', () => {
  it('an upload being ingested finishes: the client gets 201 and the trips are stored', async () => {
    const db = path.join(dir, 'finish.duckdb');
    const s = await serve(db);
    const { answer } = upload(s, [body]);
    await waitFor(() => s.stderr().includes('fault-point after-mark'));
    s.child.kill('SIGTERM');
    const a = await answer;
    expect(a.status).toBe(201);
    expect(a.body.rowsStored).toBe(ROWS);
    expect(await s.exit).toBe(0);
    expect(await storeState(db)).toEqual({ trips: ROWS, uploads: 1 });
  }, 90_000);

  it('past the grace period an ingest is rolled back and answered 503', async () => {
    const db = path.join(dir, 'cut.duckdb');
    const s = await serve(db, { PARKZONES_SHUTDOWN_GRACE_S: '0' });
    const { answer } = upload(s, [body]);
    await waitFor(() => s.stderr().includes('fault-point after-mark'));
    s.child.kill('SIGTERM');
    const a = await answer;
    expect(a.status).toBe(503);
    expect(a.body).toMatchObject({ code: 'UNAVAILABLE', detail: 'trips.json: the ingest was stopped before its commit (the server is shutting down); nothing of the file was stored' });
    expect(await s.exit).toBe(0);
    expect(await storeState(db)).toEqual({ trips: 0, uploads: 0 });
  }, 90_000);

  it('a body still arriving when the grace period ends is answered 503 and its spool file removed', async () => {
    const db = path.join(dir, 'body.duckdb');
    const s = await serve(db, { PARKZONES_SHUTDOWN_GRACE_S: '1' });
    const half = body.subarray(0, body.length >> 1);
    const { answer } = upload(s, [half, body.subarray(half.length)], 60_000);
    await waitFor(() => fs.existsSync(`${db}.spool`) && fs.readdirSync(`${db}.spool`).length > 0);
    s.child.kill('SIGTERM');
    const a = await answer;
    expect(a.status).toBe(503);
    expect(a.body.code).toBe('UNAVAILABLE');
    expect(String(a.body.detail)).toMatch(/^the server is shutting down: the upload was cut after \d+ bytes, before it arrived whole; nothing was stored/);
    expect(await s.exit).toBe(0);
    expect(fs.readdirSync(`${db}.spool`)).toEqual([]);
    expect(await storeState(db)).toEqual({ trips: 0, uploads: 0 });
  }, 90_000);

  it('a request that arrives while the server stops gets 503 with Retry-After', async () => {
    const db = path.join(dir, 'late.duckdb');
    const s = await serve(db);
    const { answer, sent } = upload(s, [body.subarray(0, 1000), body.subarray(1000)], 1500);
    await waitFor(() => fs.existsSync(`${db}.spool`) && fs.readdirSync(`${db}.spool`).length > 0);
    s.child.kill('SIGTERM');
    await waitFor(() => s.stderr().includes('SIGTERM: shutting down'));
    // A second request on a new connection is refused (the listener is closed) or answered 503.
    const late = await fetch(`${s.url}/api/health`).then((r) => ({ status: r.status, retry: r.headers.get('retry-after') }), () => ({ status: 0, retry: null }));
    expect([0, 503]).toContain(late.status);
    if (late.status === 503) expect(late.retry).toBe('5');
    await sent;
    expect((await answer).status).toBe(201);
    expect(await s.exit).toBe(0);
    expect(await storeState(db)).toEqual({ trips: ROWS, uploads: 1 });
  }, 90_000);
});

describe('spool files', () => {
  it('live beside the store, and those an upload cut by a crash left are removed on the next start', async () => {
    const db = path.join(dir, 'spool.duckdb');
    const s = await serve(db);
    const { answer } = upload(s, [body.subarray(0, 4096), body.subarray(4096)], 60_000);
    answer.catch(() => {});
    await waitFor(() => fs.existsSync(`${db}.spool`) && fs.readdirSync(`${db}.spool`).length > 0);
    s.child.kill('SIGKILL');
    await s.exit;
    const left = fs.readdirSync(`${db}.spool`);
    expect(left).toHaveLength(1);
    const logs: string[] = [];
    const again = await startServer({ dbPath: db, port: 0, log: (m) => logs.push(m) });
    try {
      expect(fs.readdirSync(`${db}.spool`)).toEqual([]);
      expect(logs).toContain(`removed 1 temporary upload file left by an earlier stop in ${db}.spool`);
    } finally {
      await again.close();
    }
  }, 90_000);
});
