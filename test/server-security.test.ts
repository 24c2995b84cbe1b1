/** Security headers, the failed-authentication rate limit, and routes open to anyone with a bad key (issue 10, item 13). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './server-helpers.ts';

const LIMIT = 5;
const BAD = 'pzk_0123456789abcdef_' + 'x'.repeat(43);
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ operator: 'acme', otherOperator: 'bolt' }, { authFailureLimit: { limit: LIMIT, windowMs: 60_000 } });
});
afterAll(async () => t?.close());

describe('headers', () => {
  it('the API sends a Content-Security-Policy with frame-ancestors none, and no framing', async () => {
    const r = await api(t, '/api/health');
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('errors carry the same headers', async () => {
    const r = await api(t, '/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('a bad key on the routes open to anyone', () => {
  it('GET /api/health answers 200 with a bad key, as without one', async () => {
    const r = await api(t, '/api/health', { key: BAD });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('ok');
  });

  it('GET /api/config answers 200 with a bad key, with no role', async () => {
    const r = await api(t, '/api/config', { key: 'not-a-key' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ role: null, providerId: null, kAnonymity: 5 });
  });

  it('other routes still answer 401 to a bad key', async () => {
    const r = await api(t, '/api/providers', { key: BAD });
    expect(r.status).toBe(401);
    expect(r.json.detail).toBe('unknown or revoked API key');
  });
});

describe('rate limit on failed authentication', () => {
  it(`after ${LIMIT} bad keys from one address: 429 with Retry-After; a valid key still works; health still answers`, async () => {
    let statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) statuses.push((await api(t, '/api/cells?res=9', { key: BAD })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses[0]).toBe(401);
    const limited = await api(t, '/api/runs', { key: BAD });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // Someone guessing from this address does not lock out a valid key.
    statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(t, '/api/providers', { key: t.keys.planner })).status);
    expect(statuses).toEqual([200, 200, 200]);
    expect((await api(t, '/api/health', { key: BAD })).status).toBe(200);
    expect((await api(t, '/api/config', { key: BAD })).status).toBe(429);
  });
});

describe('the page', () => {
  it("is served with a policy that lets MapLibre's worker and WebGL run and forbids framing", async () => {
    const { startServer } = await import('../server/index.ts');
    const s = await startServer({ store: t.server.store, port: 0, staticDir: 'web/dist' });
    try {
      const r = await fetch(`${s.url}/`);
      expect(r.status).toBe(200);
      const csp = r.headers.get('content-security-policy')!;
      for (const d of ["default-src 'self'", "script-src 'self'", "worker-src 'self' blob:", "frame-ancestors 'none'", "object-src 'none'"]) expect(csp).toContain(d);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await s.close();
    }
  });
});
