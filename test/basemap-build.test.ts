/**
 * Street basemaps: the PMTiles writer read back by the `pmtiles` package, the OSM tag classes, the build of the
 * Portland extract (roads with names in decodable vector tiles) and the `parkzones basemap build` command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import Pbf from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { Random } from '../fixtures/index.ts';
import { assignLayer, buildBasemap, latToTileY, lngToTileX, openPmtiles, PARKZONES_BASEMAP_SCHEMA, writePmtiles, type ArchiveTile } from '../engine/index.ts';
import { sharedData, tempDir } from './helpers/temp-store.ts';

const { dir, cleanup } = tempDir('pz-basemap-');
afterAll(cleanup);
const PORTLAND = sharedData('basemap/portland-central-filtered.osm.pbf');

function writeArchive(name: string, tiles: ArchiveTile[], tileCompression = 2): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, writePmtiles(tiles, { metadata: { name, vector_layers: [] }, boundsLngLat: [-1, -1, 1, 1], tileCompression }));
  return file;
}

describe('writePmtiles', () => {
  it('writes an archive the pmtiles reader opens: header, metadata and every tile by z/x/y', async () => {
    const tiles = [
      { z: 0, x: 0, y: 0, data: gzipSync(Buffer.from('zero')) },
      { z: 3, x: 5, y: 2, data: gzipSync(Buffer.from('three')) },
      { z: 1, x: 1, y: 0, data: gzipSync(Buffer.from('one')) },
    ];
    const a = await openPmtiles(writeArchive('small.pmtiles', tiles));
    expect(a.header).toMatchObject({ specVersion: 3, minZoom: 0, maxZoom: 3, numAddressedTiles: 3, numTileContents: 3, clustered: true, tileType: 1, minLon: -1, maxLat: 1 });
    expect(a.metadata).toEqual({ name: 'small.pmtiles', vector_layers: [] });
    expect(Buffer.from((await a.tile(3, 5, 2))!).toString()).toBe('three');
    expect(Buffer.from((await a.tile(1, 1, 0))!).toString()).toBe('one');
    expect(await a.tile(1, 0, 0)).toBeNull();
    expect(await a.tile(9, 0, 0)).toBeNull();
    a.close();
  });

  it('stores identical tiles once and runs of them as one entry', async () => {
    const same = gzipSync(Buffer.from('sea'));
    const tiles = [0, 1, 2, 3].map((x) => ({ z: 2, x, y: 0, data: same }));
    const a = await openPmtiles(writeArchive('dedupe.pmtiles', [...tiles, { z: 2, x: 1, y: 1, data: gzipSync(Buffer.from('land')) }]));
    expect(a.header.numAddressedTiles).toBe(5);
    expect(a.header.numTileContents).toBe(2);
    expect(a.header.numTileEntries).toBeLessThan(5);
    for (const x of [0, 1, 2, 3]) expect(Buffer.from((await a.tile(2, x, 0))!).toString()).toBe('sea');
    expect(Buffer.from((await a.tile(2, 1, 1))!).toString()).toBe('land');
    a.close();
  });

  it('moves entries into leaf directories when the root would pass 16 KiB, and every tile is still found', async () => {
    const tiles: ArchiveTile[] = [];
    const rnd = new Random(5);
    const seen = new Set<number>();
    while (tiles.length < 30_000) {
      const x = Math.floor(rnd.next() * 1024), y = Math.floor(rnd.next() * 1024);
      if (seen.has(x * 1024 + y)) continue;
      seen.add(x * 1024 + y);
      tiles.push({ z: 10, x, y, data: Buffer.from(`t${x}/${y}`) });
    }
    const a = await openPmtiles(writeArchive('leaves.pmtiles', tiles, 1));
    expect(a.header.leafDirectoryLength).toBeGreaterThan(0);
    expect(a.header.rootDirectoryLength + 127).toBeLessThanOrEqual(16384);
    for (const t of [tiles[0]!, tiles[12_345]!, tiles[29_999]!]) expect(Buffer.from((await a.tile(10, t.x, t.y))!).toString()).toBe(`t${t.x}/${t.y}`);
    const absent = [...Array(1024).keys()].find((y) => !seen.has(y))!;
    expect(await a.tile(10, 0, absent)).toBeNull();
    a.close();
  });

  it('refuses a tile given twice', () => {
    const t = { z: 1, x: 0, y: 0, data: Buffer.from('a') };
    expect(() => writePmtiles([t, t], { metadata: {}, boundsLngLat: [0, 0, 1, 1] })).toThrow(/given twice/);
  });

  it('opening a file that is not PMTiles fails naming it', async () => {
    const file = path.join(dir, 'not.pmtiles');
    fs.writeFileSync(file, 'hello');
    await expect(openPmtiles(file)).rejects.toThrow(`${file}: not a PMTiles v3 archive`);
    await expect(openPmtiles(path.join(dir, 'missing.pmtiles'))).rejects.toThrow(/no such basemap archive/);
  });
});

describe('assignLayer', () => {
  it('sorts OSM tags into roads by class, water, parks and buildings', () => {
    expect(assignLayer({ highway: 'residential', name: 'SE Ash St' }, false)).toEqual({ layer: 'roads', properties: { class: 'minor', name: 'SE Ash St' } });
    expect(assignLayer({ highway: 'trunk_link' }, false)).toEqual({ layer: 'roads', properties: { class: 'motorway' } });
    expect(assignLayer({ highway: 'footway' }, false)?.properties.class).toBe('path');
    expect(assignLayer({ railway: 'rail' }, false)?.properties.class).toBe('rail');
    expect(assignLayer({ waterway: 'river', name: 'Olentangy' }, false)).toEqual({ layer: 'water', properties: { class: 'river', name: 'Olentangy' } });
    expect(assignLayer({ natural: 'water' }, true)?.layer).toBe('water');
    expect(assignLayer({ leisure: 'park', name: 'Goodale Park' }, true)).toEqual({ layer: 'parks', properties: { class: 'park', name: 'Goodale Park' } });
    expect(assignLayer({ building: 'yes' }, true)?.layer).toBe('buildings');
  });

  it('leaves out what the basemap does not draw', () => {
    expect(assignLayer({ building: 'no' }, true)).toBeNull();
    expect(assignLayer({ highway: 'bus_stop' }, false)).toBeNull();
    expect(assignLayer({ amenity: 'parking' }, true)).toBeNull();
    expect(assignLayer({ building: 'yes' }, false)).toBeNull();
  });
});

describe.skipIf(!PORTLAND)('buildBasemap on the central Portland extract', () => {
  if (!PORTLAND) console.warn('basemap-build.test.ts: ../shared/data/basemap/portland-central-filtered.osm.pbf is missing; build tests skipped');
  let built: Awaited<ReturnType<typeof buildBasemap>>;
  const file = path.join(dir, 'portland.pmtiles');

  it('writes z12–16 tiles of roads with their names, and says where they come from', async () => {
    built = await buildBasemap(PORTLAND!);
    fs.writeFileSync(file, built.archive);
    expect(built.features.roads).toBeGreaterThan(7000);
    const a = await openPmtiles(file);
    expect(a.header).toMatchObject({ minZoom: 12, maxZoom: 16, tileCompression: 2 });
    expect(a.metadata).toMatchObject({ schema: PARKZONES_BASEMAP_SCHEMA, attribution: '© OpenStreetMap contributors', license: 'ODbL-1.0' });
    expect((a.metadata.vector_layers as { id: string }[]).map((l) => l.id)).toContain('roads');
    // Pioneer Courthouse Square, downtown
    const bytes = await a.tile(16, Math.floor(lngToTileX(-122.6793, 16)), Math.floor(latToTileY(45.5189, 16)));
    expect(bytes).not.toBeNull();
    const roads = new VectorTile(new Pbf(bytes!)).layers.roads!;
    const names = new Set<string>();
    const classes = new Set<string>();
    for (let i = 0; i < roads.length; i++) {
      const p = roads.feature(i).properties;
      classes.add(String(p.class));
      if (p.name) names.add(String(p.name));
    }
    expect([...names].some((n) => /Broadway|Morrison|Yamhill|6th Avenue/.test(n)), [...names].join(', ')).toBe(true);
    expect(classes.size).toBeGreaterThan(1);
    a.close();
  });

  it('gives the same bytes as the committed basemap/portland-central.pmtiles (reproducible, and not stale)', () => {
    const committed = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'basemap', 'portland-central.pmtiles'));
    expect(Buffer.compare(Buffer.from(built.archive), committed)).toBe(0);
  });

  it('refuses a zoom range outside 0–20, naming the option', async () => {
    await expect(buildBasemap(PORTLAND!, { minZoom: 14, maxZoom: 12 })).rejects.toThrow(/^maxZoom: /);
  });
});

describe('parkzones basemap build', () => {
  const run = promisify(execFile);
  const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
  async function parkzones(...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
      return { code: 0, stdout, stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  }

  it.skipIf(!PORTLAND)('writes the archive and reports tiles, size and features', async () => {
    const out = path.join(dir, 'cli', 'city.pmtiles');
    const r = await parkzones('basemap', 'build', PORTLAND!, '--out', out, '--min-zoom', '13', '--max-zoom', '14');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*city\.pmtiles: \d+ tiles, [\d.]+ MB \(0 water, \d+ parks, \d+ buildings, \d+ roads\)/);
    const a = await openPmtiles(out);
    expect([a.header.minZoom, a.header.maxZoom]).toEqual([13, 14]);
    a.close();
  });

  it('a file that is not an OSM extract is a bad input (exit 3) named in the message', async () => {
    const bad = path.join(dir, 'trips.osm.pbf');
    fs.writeFileSync(bad, gunzipSync(gzipSync(Buffer.from('TripID,EndLatitude\n1,2\n'))));
    const r = await parkzones('basemap', 'build', bad, '--out', path.join(dir, 'x.pmtiles'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${bad}: not a readable OpenStreetMap PBF extract`);
  });

  it('without --out, or with another subcommand, is a usage error (exit 2)', async () => {
    expect((await parkzones('basemap', 'build', 'a.osm.pbf')).stderr).toContain('--out FILE.pmtiles is required');
    const r = await parkzones('basemap', 'serve');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown subcommand "serve"');
  });
});
