import type { Express, Request } from 'express';
import type { ResolvedDeps } from '../deps.ts';
import { HttpProblem } from '../problem.ts';

const TILE_CACHE = 'public, max-age=86400';

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

/**
 * The street basemap, from the server's own PMTiles archive, with no credentials (it is public OpenStreetMap data):
 * GET /basemap/style.json (a MapLibre style on these URLs), /basemap/tiles/:z/:x/:y.mvt (204 where the archive has no
 * tile) and /basemap/fonts/:fontstack/:range.pbf (label glyphs).
 */
export function registerBasemap(app: Express, deps: ResolvedDeps): void {
  const basemap = deps.basemap;
  app.use('/basemap', (req, _res, next) => {
    if (!basemap) throw new HttpProblem(404, 'NO_BASEMAP', 'Not found', `this server serves no basemap (set PARKZONES_BASEMAP to a PMTiles archive); ${req.method} ${req.originalUrl.split('?')[0]}`);
    next();
  });
  if (!basemap) return;
  app.get('/basemap/style.json', async (req, res) => {
    res.set('Cache-Control', 'no-cache').json(await basemap.style(origin(req)));
  });
  app.get('/basemap/tiles/:z/:x/:y.mvt', async (req, res) => {
    const [z, x, y] = [req.params.z, req.params.x, req.params.y].map((v) => (/^\d{1,8}$/.test(v ?? '') ? Number(v) : NaN)) as [number, number, number];
    if (![z, x, y].every(Number.isInteger) || z > 26 || x >= 2 ** z || y >= 2 ** z) {
      throw new HttpProblem(400, 'BAD_TILE', 'Bad parameter', `no tile ${req.params.z}/${req.params.x}/${req.params.y}: z is 0–26, x and y 0…2^z−1`);
    }
    const { archive } = await basemap.ready();
    const data = await archive.tile(z, x, y);
    res.set('Cache-Control', TILE_CACHE);
    if (!data || !data.length) return void res.status(204).end();
    res.type('application/vnd.mapbox-vector-tile').send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  app.get('/basemap/fonts/:fontstack/:range.pbf', (req, res) => {
    const glyphs = basemap.glyphs(String(req.params.fontstack), String(req.params.range));
    if (!glyphs) throw new HttpProblem(404, 'NO_GLYPHS', 'Not found', `no glyphs ${req.params.range} for fonts "${req.params.fontstack}"`);
    res.set('Cache-Control', TILE_CACHE).type('application/x-protobuf').send(glyphs);
  });
  app.use('/basemap', (req) => {
    throw new HttpProblem(404, 'NO_ROUTE', 'Not found', `no basemap resource ${req.method} ${req.originalUrl.split('?')[0]} (style.json, tiles/{z}/{x}/{y}.mvt, fonts/{fontstack}/{range}.pbf)`);
  });
}
