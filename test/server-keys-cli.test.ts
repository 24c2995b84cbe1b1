import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runKeys } from '../engine/cli/cmd-keys.ts';
import { openStore, verifyKey } from '../engine/index.ts';

let dir: string;
const savedDb = process.env.PARKZONES_DB;

/** Runs `parkzones keys …` and returns exit code, stdout and stderr. */
async function keys(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  try {
    const code = await runKeys(argv).catch((x: Error & { code?: string }) => {
      err += x.message;
      return x.code === 'BAD_OPTION' ? 2 : 1;
    });
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-keys-cli-'));
  process.env.PARKZONES_DB = path.join(dir, 'store.duckdb');
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => {
  if (savedDb === undefined) delete process.env.PARKZONES_DB;
  else process.env.PARKZONES_DB = savedDb;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parkzones keys', () => {
  it('create prints a token once that verifies with its role and provider', async () => {
    const r = await keys('create', '--role', 'operator', '--provider', 'acme', '--label', 'Acme bot');
    expect(r.code).toBe(0);
    const token = r.out.trim();
    expect(token).toMatch(/^pzk_[0-9a-f]{16}_/);
    expect(r.err).toContain('for provider acme');
    const store = await openStore({ path: process.env.PARKZONES_DB });
    try {
      expect(await verifyKey(store, token)).toMatchObject({ role: 'operator', providerId: 'acme' });
      const stored = await store.query('SELECT hash, salt FROM api_keys');
      expect(JSON.stringify(stored)).not.toContain(token.split('_')[2]);
    } finally {
      store.close();
    }
  });

  it('list shows ids, roles and providers but no secrets', async () => {
    const r = await keys('list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^key_id\trole\tprovider\tcreated_at\tlabel\n[0-9a-f]{16}\toperator\tacme\t.*\tAcme bot\n$/);
  });

  it('revoke deletes a key; revoking it again is NOT_FOUND', async () => {
    const id = (await keys('list')).out.split('\n')[1]!.split('\t')[0]!;
    expect((await keys('revoke', id)).code).toBe(0);
    const again = await keys('revoke', id);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`no API key with id "${id}"`);
  });

  it('refuses a missing or unknown role and an operator without provider', async () => {
    expect((await keys('create')).err).toContain('--role is required');
    expect((await keys('create', '--role', 'mayor')).err).toContain('--role: must be admin, analyst, planner or operator, got "mayor"');
    expect((await keys('create', '--role', 'operator')).err).toContain('an operator key needs the provider');
  });
});
