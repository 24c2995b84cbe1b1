/**
 * The server's street basemap over real HTTP: GET /api/config names /basemap/style.json, the style points at the
 * server's own tiles and glyphs only, tiles come from the PMTiles archive, and a city's archive gets the style of its
 * schema. BASEMAP_STYLE_URL still wins.
 */
import fs from 'node:fs';
import path from 'node:path';
import Pbf from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latToTileY, lngToTileX, writePmtiles } from '../engine/index.ts';
import { detectBasemapSchema } from '../server/basemap-styles.ts';
import { startServer } from '../server/index.ts';
import { api, startTestServer, type TestServer } from './server-helpers.ts';
import { tempDir } from './helpers/temp-store.ts';

const PROVIDERS = { operator: 'p0', otherOperator: 'p1' };
const { dir, cleanup } = tempDir('pz-server-basemap-');
afterAll(cleanup);

/** Every string in a JSON value that looks like a URL. */
function urlsIn(v: unknown): string[] {
  if (typeof v === 'string') return /^[a-z]+:\/\//i.test(v) ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(urlsIn);
  if (v && typeof v === 'object') return Object.values(v).flatMap(urlsIn);
  return [];
}

describe('the built-in basemap', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(PROVIDERS);
  });
  afterAll(() => t?.close());

  it('GET /api/config hands the page the server’s own style', async () => {
    expect((await api(t, '/api/config')).json.basemapStyleUrl).toBe('/basemap/style.json');
  });

  it('the style names only the server’s tiles and glyphs, and credits OpenStreetMap', async () => {
    const r = await api(t, '/basemap/style.json');
    expect(r.status).toBe(200);
    const style = r.json;
    expect(style.sources.basemap.tiles).toEqual([`${t.url}/basemap/tiles/{z}/{x}/{y}.mvt`]);
    expect(style.glyphs).toBe(`${t.url}/basemap/fonts/{fontstack}/{range}.pbf`);
    expect(style.sources.basemap.attribution).toBe('© OpenStreetMap contributors');
    expect(style.sources.basemap).toMatchObject({ minzoom: 12, maxzoom: 16 });
    // The map opens on the archive's city at its first zoom with tiles (they load while the person signs in).
    expect(style.zoom).toBe(12);
    const [w, s, e, n] = style.sources.basemap.bounds;
    expect(style.center[0]).toBeGreaterThan(w);
    expect(style.center[0]).toBeLessThan(e);
    expect(style.center[1]).toBeGreaterThan(s);
    expect(style.center[1]).toBeLessThan(n);
    for (const u of urlsIn(style)) expect(u.startsWith(t.url), u).toBe(true);
    const labels = style.layers.find((l: { id: string }) => l.id === 'basemap-road-labels');
    expect(labels.layout['text-field']).toEqual(['get', 'name']);
  });

  it('serves a tile of downtown Portland with named roads, without a key', async () => {
    const z = 15, x = Math.floor(lngToTileX(-122.6793, z)), y = Math.floor(latToTileY(45.5189, z));
    const r = await api(t, `/basemap/tiles/${z}/${x}/${y}.mvt`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/vnd.mapbox-vector-tile');
    const roads = new VectorTile(new Pbf(r.bytes)).layers.roads!;
    expect(roads.length).toBeGreaterThan(50);
    expect(roads.feature(0).properties.class).toBeTypeOf('string');
  });

  it('answers 204 where the archive has no tile, and 400 for an impossible one', async () => {
    expect((await api(t, '/basemap/tiles/14/0/0.mvt')).status).toBe(204);
    const bad = await api(t, '/basemap/tiles/3/9/0.mvt');
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toContain('no tile 3/9/0');
  });

  it('serves label glyphs for the first font of a stack it has, and 404 for a range it has not', async () => {
    const r = await api(t, '/basemap/fonts/Noto%20Sans%20Regular,Arial%20Unicode%20MS%20Regular/0-255.pbf');
    expect(r.status).toBe(200);
    expect(r.bytes.length).toBeGreaterThan(1000);
    expect((await api(t, '/basemap/fonts/Noto%20Sans%20Regular/..%2F..%2Fpackage.pbf')).status).toBe(404);
    expect((await api(t, '/basemap/fonts/Noto%20Sans%20Regular/65280-65535.pbf')).status).toBe(404);
  });
});

describe('other basemap settings', () => {
  it('BASEMAP_STYLE_URL wins over the server’s own style', async () => {
    const t = await startTestServer(PROVIDERS, { basemapStyleUrl: 'https://tiles.example/style.json' });
    try {
      expect((await api(t, '/api/config')).json.basemapStyleUrl).toBe('https://tiles.example/style.json');
    } finally {
      await t.close();
    }
  });

  it('with no basemap the page gets none and /basemap says why', async () => {
    const t = await startTestServer(PROVIDERS, { basemap: null });
    try {
      expect((await api(t, '/api/config')).json.basemapStyleUrl).toBeNull();
      const r = await api(t, '/basemap/style.json');
      expect(r.status).toBe(404);
      expect(r.json.detail).toContain('PARKZONES_BASEMAP');
    } finally {
      await t.close();
    }
  });

  it('an OpenMapTiles archive is served with the OpenMapTiles style', async () => {
    const file = path.join(dir, 'omt.pmtiles');
    fs.writeFileSync(file, writePmtiles([], { boundsLngLat: [-83.1, 39.9, -82.9, 40.0], metadata: { vector_layers: ['transportation', 'transportation_name', 'water', 'park', 'building'].map((id) => ({ id })) } }));
    const t = await startTestServer(PROVIDERS, { basemap: file });
    try {
      const style = (await api(t, '/basemap/style.json')).json;
      expect(style.name).toBe('parkzones streets (openmaptiles)');
      const sourceLayers = new Set(style.layers.map((l: { 'source-layer'?: string }) => l['source-layer']).filter(Boolean));
      expect([...sourceLayers].sort()).toEqual(['building', 'landcover', 'park', 'transportation', 'transportation_name', 'water', 'waterway']);
      expect(style.sources.basemap.bounds).toEqual([-83.1, 39.9, -82.9, 40]);
    } finally {
      await t.close();
    }
  });

  it('a start with an archive of no known schema, or not an archive, fails naming the file', async () => {
    const odd = path.join(dir, 'odd.pmtiles');
    fs.writeFileSync(odd, writePmtiles([], { boundsLngLat: [0, 0, 1, 1], metadata: { vector_layers: [{ id: 'lines' }] } }));
    await expect(startServer({ dbPath: path.join(dir, 'a.duckdb'), port: 0, basemap: odd })).rejects.toThrow(`${odd}: basemap layers [lines] match no known schema`);
    const notArchive = path.join(dir, 'notes.txt');
    fs.writeFileSync(notArchive, 'not tiles');
    await expect(startServer({ dbPath: path.join(dir, 'b.duckdb'), port: 0, basemap: notArchive })).rejects.toThrow(`${notArchive}: not a PMTiles v3 archive`);
  });
});

describe('detectBasemapSchema', () => {
  it('tells parkzones, Protomaps and OpenMapTiles archives apart', () => {
    expect(detectBasemapSchema({ schema: 'parkzones-basemap-1' }, 'a')).toBe('parkzones');
    expect(detectBasemapSchema({ vector_layers: [{ id: 'earth' }, { id: 'roads' }, { id: 'water' }] }, 'a')).toBe('protomaps');
    expect(detectBasemapSchema({ vector_layers: [{ id: 'transportation' }, { id: 'water' }] }, 'a')).toBe('openmaptiles');
    expect(() => detectBasemapSchema({}, 'city.pmtiles')).toThrow('city.pmtiles: basemap layers [none] match no known schema');
  });
});
