import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { authenticate, refuseBadKey } from './auth.ts';
import { authFailureLimiter, securityHeaders } from './security.ts';
import { resolveDeps, type AppDeps, type ResolvedDeps } from './deps.ts';
import { HttpProblem, problemMiddleware } from './problem.ts';
import { openApiDocument } from './openapi.ts';
import { registerHealth } from './routes/health.ts';
import { registerConfig } from './routes/config.ts';
import { registerKeys } from './routes/keys.ts';
import { registerUploads } from './routes/uploads.ts';
import { registerCells } from './routes/cells.ts';
import { registerProviders } from './routes/providers.ts';
import { registerRuns } from './routes/runs.ts';
import { registerPlans } from './routes/plans.ts';
import { registerBasemap } from './routes/basemap.ts';
import { registerPublications } from './routes/publications.ts';
import { registerMds } from './routes/mds.ts';
import { registerCompliance } from './routes/compliance.ts';
import { registerReports } from './routes/reports.ts';

/** The Express app and the dependencies it resolved (queue, cache …), for the caller to close. */
export interface CreatedApp {
  app: Express;
  deps: ResolvedDeps;
}

/**
 * Builds the parkzones API (and, with `staticDir`, the web page at /). Routes live under /api; every error is
 * problem+json; the OpenAPI document is at /api/openapi.json.
 * @example
 * const { app } = createApp({ store: await openStore() });
 * app.listen(8080);
 */
export function createApp(input: AppDeps): CreatedApp {
  const deps = resolveDeps(input);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(deps.stop.middleware);
  app.use(securityHeaders({ basemapStyleUrl: deps.basemapStyleUrl }));

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument({ kAnonymity: deps.kAnonymity, uploadLimitBytes: deps.uploadLimitBytes }));
  });
  app.use('/api', authenticate(deps.store));
  // Health answers anyone, whatever key; config too, but a bad key there counts towards the failure limit.
  registerHealth(app, deps);
  app.use('/api', authFailureLimiter(deps.authFailureLimit));
  registerConfig(app, deps);
  app.use('/api', refuseBadKey);
  registerKeys(app, deps);
  registerUploads(app, deps);
  registerProviders(app, deps);
  registerCells(app, deps);
  registerPlans(app, deps); // before the runs routes: /api/runs/current is not a run id
  registerRuns(app, deps);
  registerPublications(app, deps);
  registerCompliance(app, deps);
  app.use('/api', (req) => {
    throw new HttpProblem(404, 'NO_ROUTE', 'Not found', `no endpoint ${req.method} ${req.originalUrl.split('?')[0]}; see /api/openapi.json`);
  });

  registerBasemap(app, deps);
  registerMds(app, deps); // public, no key: /mds, /gbfs, /ngsi-ld
  registerReports(app, deps); // MDS monthly reports, with a key

  if (deps.staticDir && fs.existsSync(deps.staticDir)) {
    const dir = path.resolve(deps.staticDir);
    app.use(express.static(dir, { index: 'index.html', maxAge: '1h', setHeaders: (res, file) => file.endsWith('index.html') && res.setHeader('Cache-Control', 'no-cache') }));
    const index = path.join(dir, 'index.html');
    app.get(/^(?!\/api\/).*/, (_req, res, next) => (fs.existsSync(index) ? res.sendFile(index) : next()));
  }
  app.use(problemMiddleware(deps.log));
  return { app, deps };
}
