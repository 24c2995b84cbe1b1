/** Two admins revoking each other at the same moment leave one admin key (issue 10, item 12). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, listKeys } from '../engine/index.ts';
import { api, startTestServer, type TestServer } from './server-helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ operator: 'acme', otherOperator: 'bolt' });
});
afterAll(async () => t?.close());

describe('concurrent revokes of admin keys', () => {
  it('two admins revoking each other at once: one 204, one refused, one admin key left', async () => {
    for (let round = 0; round < 5; round++) {
      const admins = (await listKeys(t.server.store)).filter((k) => k.role === 'admin');
      // Exactly two admin keys, each with its token.
      const a = await createKey(t.server.store, { role: 'admin' });
      const b = await createKey(t.server.store, { role: 'admin' });
      for (const k of admins) await api(t, `/api/keys/${k.keyId}`, { key: a.token, method: 'DELETE' });
      expect((await listKeys(t.server.store)).filter((k) => k.role === 'admin').length).toBe(2);
      const [ra, rb] = await Promise.all([
        api(t, `/api/keys/${b.keyId}`, { key: a.token, method: 'DELETE' }),
        api(t, `/api/keys/${a.keyId}`, { key: b.token, method: 'DELETE' }),
      ]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses[0]).toBe(204);
      expect([401, 409]).toContain(statuses[1]);
      expect((await listKeys(t.server.store)).filter((k) => k.role === 'admin').length).toBe(1);
    }
  });

});
