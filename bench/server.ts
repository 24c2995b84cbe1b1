/**
 * Server benchmark: p99 latency of /api/tiles and /api/cells under 64 concurrent connections (autocannon) over a
 * store of 1 M synthetic trips, with /api/health (no data work) as the baseline measured in the same run.
 * Run: `node bin/run-ts.mjs bench/server.ts` (BENCH_TRIPS, BENCH_SECONDS override the defaults).
 */
import fs from 'node:fs';
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
      const cells = [...geojson, ...arrow];
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
      const loads = [['/api/health (baseline)', base], ['/api/tiles', tileLoad], ['/api/cells GeoJSON gzip', geojsonLoad], ['/api/cells Arrow gzip', arrowLoad]] as const;
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
    } finally {
      await server.close();
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runServerBench({
    trips: Number(process.env.BENCH_TRIPS ?? 1_000_000),
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
  });
  console.log(`server bench — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}`);
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(Number.isInteger(r.value) ? r.value : r.value.toFixed(1)).padStart(10)} ${r.unit}`);
}
