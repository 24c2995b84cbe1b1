import type { Express } from 'express';
import type { ResolvedDeps } from '../deps.ts';

const started = Date.now();
/** The store is probed at most this often, so that health checks under load cost no query each. */
const PROBE_EVERY_MS = 2_000;

/** GET /api/health: liveness plus a (rate-limited) store round-trip; no credentials needed, no data revealed. */
export function registerHealth(app: Express, deps: ResolvedDeps): void {
  let last: { at: number; ok: Promise<boolean> } | null = null;
  const probe = () => {
    if (!last || Date.now() - last.at > PROBE_EVERY_MS) {
      last = { at: Date.now(), ok: deps.store.query('SELECT 1').then(() => true, () => false) };
    }
    return last.ok;
  };
  app.get('/api/health', async (_req, res) => {
    const ok = await probe();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', store: ok ? 'ok' : 'unavailable', uptimeS: Math.round((Date.now() - started) / 1000), jobs: deps.jobs.counts() });
  });
}
