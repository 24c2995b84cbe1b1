import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-start-'));
const db = path.join(dir, 'data', 'parkzones.duckdb');

/** Starts the `npm start` main job (server/main.ts) with a fresh environment; resolves once it serves. */
function start(): Promise<{ url: string; stdout: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'server/main.ts')], {
    cwd: dir,
    env: { ...process.env, PARKZONES_DB: db, PORT: '0', HOST: '127.0.0.1' },
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

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm start (server/main.ts)', () => {
  it('first start: seeds the demo city, computes a first run, prints an admin key once; a second start reuses the data and prints none', async () => {
    const first = await start();
    const key = /(pzk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    const auth = { Authorization: `Bearer ${key}` };
    const uploads = await (await fetch(`${first.url}/api/uploads`, { headers: auth })).json();
    expect(uploads.uploads).toHaveLength(1);
    expect(uploads.uploads[0].rowsStored).toBeGreaterThan(50_000);
    const runs = await (await fetch(`${first.url}/api/runs`, { headers: auth })).json();
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0].status).toBe('done');
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect(second.stdout()).not.toContain('pzk_');
    const again = await (await fetch(`${second.url}/api/uploads`, { headers: auth })).json();
    expect(again.uploads).toHaveLength(1);
    const runsAgain = await (await fetch(`${second.url}/api/runs`, { headers: auth })).json();
    expect(runsAgain.runs).toHaveLength(1);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
