import express, { type Express } from 'express';
import { createKey, listKeys, ParkzonesError, revokeKey } from '../../engine/index.ts';
import { allow } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import { jsonBody } from './json-body.ts';

/** Admin key management: POST /api/keys (token shown once), GET /api/keys, DELETE /api/keys/:keyId. */
export function registerKeys(app: Express, deps: ResolvedDeps): void {
  app.post('/api/keys', allow('keys:manage'), express.json({ limit: '16kb' }), async (req, res) => {
    const body = jsonBody(req);
    const known = ['role', 'providerId', 'label'];
    for (const k of Object.keys(body)) if (!known.includes(k)) throw new ParkzonesError('BAD_OPTION', `${k}: unknown field (known: ${known.join(', ')})`, { option: k });
    const created = await createKey(deps.store, {
      role: body.role as never,
      providerId: (body.providerId as string | undefined) ?? null,
      label: (body.label as string | undefined) ?? null,
    });
    res.status(201).location(`/api/keys/${created.keyId}`).json(created);
  });

  app.get('/api/keys', allow('keys:manage'), async (_req, res) => {
    res.json({ keys: await listKeys(deps.store) });
  });

  app.delete('/api/keys/:keyId', allow('keys:manage'), async (req, res) => {
    // The last-admin check and the delete are one statement (engine/access revokeKey), so concurrent revokes cannot race.
    await revokeKey(deps.store, String(req.params.keyId), { keepLastAdmin: true });
    res.status(204).end();
  });
}
