/**
 * Server benchmark: p99 latency of /api/tiles and /api/cells (whole city, and map viewports with bbox) under 64
 * concurrent connections (autocannon) over a store of 1 M synthetic trips, with /api/health (no data work) as the
 * baseline measured in the same run.
 * Run: `node bin/run-ts.mjs bench/server.ts` (BENCH_TRIPS, BENCH_SECONDS override the defaults).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { createKey, ingestFile, latToTileY, lngToTileX, openStore } from '../engine/index.ts';
import { startServer } from '../server/index.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';

/** One result row. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

/** Options of {@link runServerBench}. */
export interface ServerBenchOptions {
  trips?: number; // synthetic trips in the store (default 1,000,000)
  seconds?: number; // autocannon duration per endpoint (default 10)
  connections?: number; // concurrent connections (default 64)
}

interface Load {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, paths: string[], token: string, seconds: number, connections: number, gzip = false): Promise<Load> {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    workers: 1,
    headers: { Authorization: `Bearer ${token}`, ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}) },
    requests: paths.map((p) => ({ method: 'GET', path: p })),
  });
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.errors, non2xx: r.non2xx };
}

/** Tile paths covering the city at zoom z (centre ± span tiles). */
function tilePaths(z: number, lat: number, lng: number, span: number): string[] {
  const cx = Math.floor(lngToTileX(lng, z));
  const cy = Math.floor(latToTileY(lat, z));
  const out: string[] = [];
  for (let dx = -span; dx <= span; dx++) for (let dy = -span; dy <= span; dy++) out.push(`/api/tiles/${z}/${cx + dx}/${cy + dy}.mvt`);
  return out;
}

/** Screen of the viewport requests, CSS pixels (MapLibre's tiles are 512 px). */
const SCREEN_PX: [number, number] = [1280, 800];

/** `bbox=west,south,east,north` of a SCREEN_PX map centred on (lat, lng) at zoom z, degrees to 6 decimals. */
function viewportBbox(lat: number, lng: number, z: number): string {
  const [hw, hh] = [SCREEN_PX[0] / 1024, SCREEN_PX[1] / 1024]; // half width and height, in 512 px tiles
  const n = 2 ** z;
  const cx = lngToTileX(lng, z);
  const cy = latToTileY(lat, z);
  const lngOf = (x: number) => (x / n) * 360 - 180;
  const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return [lngOf(cx - hw), latOf(cy + hh), lngOf(cx + hw), latOf(cy - hh)].map((v) => v.toFixed(6)).join(',');
}

/** Viewports over the busy centre: the centre itself and five views up to ~1.5 km away, at zoom z. */
function viewportPaths(lat: number, lng: number, z: number, format: 'geojson' | 'arrow'): string[] {
  const offsets: [number, number][] = [[0, 0], [0.006, 0.004], [-0.007, 0.002], [0.003, -0.012], [-0.004, -0.006], [0.011, 0.009]];
  return offsets.map(([dLat, dLng]) => `/api/cells?res=10&bbox=${viewportBbox(lat + dLat, lng + dLng, z)}${format === 'arrow' ? '&format=arrow' : ''}`);
}

/**
 * Builds a store of `trips` synthetic trips, starts the server and loads /api/health, /api/tiles and /api/cells
 * with autocannon; returns one row per figure.
 */
export async function runServerBench(options: ServerBenchOptions = {}): Promise<BenchRow[]> {
  const trips = options.trips ?? 1_000_000;
  const seconds = options.seconds ?? 10;
  const connections = options.connections ?? 64;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-server-'));
  const rows: BenchRow[] = [];
  try {
    const file = path.join(dir, 'trips.parquet');
    let t0 = performance.now();
    const city = generateCity({ trips, seed: 42, days: 30 });
    await writeTrips(city.trips(), file, { format: 'parquet' });
    rows.push({ name: 'generate trips (parquet)', value: (performance.now() - t0) / 1000, unit: 's' });
    const store = await openStore({ path: path.join(dir, 'store.duckdb') });
    t0 = performance.now();
    const report = await ingestFile(store, file);
    rows.push({ name: `ingest ${report.rowsStored.toLocaleString('en')} trips`, value: (performance.now() - t0) / 1000, unit: 's' });
    const server = await startServer({ store, port: 0 });
    const token = (await createKey(store, { role: 'planner' })).token;
    const headers = { Authorization: `Bearer ${token}` };
    try {
      const [lat, lng] = [38.2527, -85.7585];
      const tiles = [...tilePaths(12, lat, lng, 1), ...tilePaths(13, lat, lng, 2), ...tilePaths(14, lat, lng, 3), ...tilePaths(15, lat, lng, 3)];
      const geojson = ['/api/cells?res=9', '/api/cells?res=10'];
      const arrow = ['/api/cells?res=9&format=arrow', '/api/cells?res=10&format=arrow'];
      const views = { geojson14: viewportPaths(lat, lng, 14, 'geojson'), geojson15: viewportPaths(lat, lng, 15, 'geojson'), arrow14: viewportPaths(lat, lng, 14, 'arrow'), arrow15: viewportPaths(lat, lng, 15, 'arrow') };
      const cells = [...geojson, ...arrow, ...Object.values(views).flat()];
      // Cold: the first request of each kind computes demand cells from the trips.
      for (const [name, p] of [['cold /api/cells?res=10', '/api/cells?res=10'], ['cold first tile z14 (res 10 source)', tiles.find((x) => x.startsWith('/api/tiles/14/'))!]] as const) {
        t0 = performance.now();
        const r = await fetch(server.url + p, { headers });
        await r.arrayBuffer();
        rows.push({ name, value: performance.now() - t0, unit: 'ms' });
      }
      // Warm every source once, then measure.
      for (const p of [...tiles, ...cells]) await (await fetch(server.url + p, { headers })).arrayBuffer();
      const base = await load(server.url, ['/api/health'], token, seconds, connections);
      const tileLoad = await load(server.url, tiles, token, seconds, connections);
      const geojsonLoad = await load(server.url, geojson, token, seconds, connections, true);
      const arrowLoad = await load(server.url, arrow, token, seconds, connections, true);
      const viewLoads: [string, Load][] = [];
      for (const [name, paths] of [['z14 GeoJSON', views.geojson14], ['z14 Arrow', views.arrow14], ['z15 GeoJSON', views.geojson15], ['z15 Arrow', views.arrow15]] as const) {
        viewLoads.push([`/api/cells bbox ${name} gzip`, await load(server.url, paths, token, seconds, connections, true)]);
      }
      // Second baseline: the very same gzipped viewport bodies replayed from memory by a bare node:http server, i.e.
      // what this client and loopback allow for bodies of that size (autocannon turns every body into a string).
      for (const [name, paths] of [['z14 GeoJSON', views.geojson14], ['z15 GeoJSON', views.geojson15]] as const) {
        const replay = await replayServer(new Map(await Promise.all(paths.map(async (p) => [p, (await rawGet(server.url + p, token)).body] as const))));
        try {
          viewLoads.push([`replay of the bbox ${name} bodies (baseline)`, await load(replay.url, paths, token, seconds, connections, true)]);
        } finally {
          await replay.close();
        }
      }
      const loads = [['/api/health (baseline)', base], ['/api/tiles', tileLoad], ['/api/cells GeoJSON gzip', geojsonLoad], ['/api/cells Arrow gzip', arrowLoad], ...viewLoads] as const;
      for (const [name, l] of loads) {
        rows.push({ name: `${name} p50 @${connections}`, value: l.p50, unit: 'ms' });
        rows.push({ name: `${name} p99 @${connections}`, value: l.p99, unit: 'ms' });
        rows.push({ name: `${name} throughput`, value: Math.round(l.rps), unit: 'req/s' });
        if (l.errors || l.non2xx) rows.push({ name: `${name} errors + non-2xx`, value: l.errors + l.non2xx, unit: 'requests' });
      }
      for (const p of ['/api/cells?res=10', '/api/cells?res=10&format=arrow']) {
        const sample = await fetch(server.url + p, { headers });
        rows.push({ name: `size of ${p}`, value: Math.round((await sample.arrayBuffer()).byteLength / 1024), unit: 'KiB' });
      }
      for (const z of [14, 15] as const) {
        let n = 0;
        let gz = 0;
        for (const p of views[`geojson${z}`]) {
          n += ((await (await fetch(server.url + p, { headers })).json()) as { features: unknown[] }).features.length;
          gz += (await rawGet(server.url + p, token)).body.length;
        }
        const count = views[`geojson${z}`].length;
        rows.push({ name: `cells in a z${z} viewport (mean of ${count})`, value: Math.round(n / count), unit: 'cells' });
        rows.push({ name: `size of a z${z} viewport, GeoJSON gzip (mean)`, value: Math.round(gz / count / 1024), unit: 'KiB' });
      }
    } finally {
      await server.close();
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** A gzipped answer as on the wire, with its headers (Node's fetch would decompress, so ask with http.get). */
function rawGet(url: string, token: string): Promise<{ body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A bare HTTP server answering each path of `bodies` with its bytes (gzip, GeoJSON), and 404 otherwise. */
async function replayServer(bodies: Map<string, Buffer>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'application/geo+json', 'Content-Encoding': 'gzip', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections())) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runServerBench({
    trips: Number(process.env.BENCH_TRIPS ?? 1_000_000),
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
  });
  console.log(`server bench — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}`);
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(Number.isInteger(r.value) ? r.value : r.value.toFixed(1)).padStart(10)} ${r.unit}`);
}
