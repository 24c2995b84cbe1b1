import type { Express } from 'express';
import { cellsToArrow, cellsToGeoJson, isValidTile, MAX_ZOOM, ParkzonesError } from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import type { ServedCells } from '../demand-cache.ts';
import { concatGzip, concatPlain } from '../gzip-pieces.ts';
import { qBbox, qChoice, qInt } from '../params.ts';
import { scopedFilter } from './scope.ts';

/** Default H3 resolution of GET /api/cells. */
export const DEFAULT_CELLS_RES = 10;

/** Demand cells (GeoJSON or Arrow) and their vector tiles; k-suppressed for everyone but admins. */
export function registerCells(app: Express, deps: ResolvedDeps): void {
  app.get('/api/cells', allow('aggregates:read'), async (req, res) => {
    const p = principalOf(req);
    const res0 = qInt(req, 'res', { min: 7, max: 12, def: DEFAULT_CELLS_RES });
    const format = qChoice(req, 'format', ['geojson', 'arrow'] as const, 'geojson');
    const bbox = qBbox(req);
    const { filter, k } = await scopedFilter(req, deps.cache, p, deps.kAnonymity, deps.tz);
    // suppressedCells counts the whole city's hidden cells at this resolution, with or without bbox.
    const meta = (cells: ServedCells) => ({ filter, kAnonymity: k ?? 1, suppressedCells: cells.suppression?.suppressedCells ?? 0 });
    const gzip = req.acceptsEncodings('gzip') === 'gzip';
    res.set({ 'Cache-Control': 'private, no-store', Vary: 'Accept-Encoding' });
    res.type(format === 'arrow' ? 'application/vnd.apache.arrow.stream' : 'application/geo+json');
    if (bbox) {
      // A viewport: the cached cells' index picks whole nodes encoded once; only the edges are encoded per request.
      const cells = await deps.cache.demand(res0, filter, k);
      const view = await deps.cache.viewport(res0, filter, k);
      const pieces = format === 'arrow' ? view.arrow(bbox, meta(cells)) : view.geojson(bbox, meta(cells));
      if (gzip) res.set('Content-Encoding', 'gzip').send(concatGzip(pieces));
      else res.send(concatPlain(pieces));
      return;
    }
    const body = await deps.cache.body(res0, filter, k, format, (cells) =>
      format === 'arrow' ? cellsToArrow(cells, meta(cells)) : JSON.stringify(cellsToGeoJson(cells, meta(cells))),
    );
    if (gzip) res.set('Content-Encoding', 'gzip').send(await body.gzipped());
    else res.send(body.plain);
  });

  app.get('/api/tiles/:z/:x/:y.mvt', allow('aggregates:read'), async (req, res) => {
    const p = principalOf(req);
    const [z, x, y] = ['z', 'x', 'y'].map((n) => {
      const s = String((req.params as Record<string, string>)[n]);
      if (!/^\d{1,8}$/.test(s)) throw new ParkzonesError('BAD_OPTION', `${n}: must be a whole number, got "${s}"`, { option: n });
      return Number(s);
    }) as [number, number, number];
    if (!isValidTile(z, x, y)) throw new ParkzonesError('BAD_OPTION', `tile ${z}/${x}/${y} does not exist (zoom 0–${MAX_ZOOM}, x and y below 2^zoom)`, { option: 'z' });
    const { filter, k } = await scopedFilter(req, deps.cache, p, deps.kAnonymity, deps.tz);
    const bytes = await deps.cache.tile(z, x, y, filter, k);
    res.set('Cache-Control', 'private, no-cache').type('application/vnd.mapbox-vector-tile').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
