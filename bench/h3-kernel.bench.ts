/**
 * The H3 kernel against h3-js's string API, same run, same seeded points: latLngToCellBatch for points in a city
 * (Paris bounding box) and worldwide, cellToLatLngBatch, gridDisk, and `h3_cell` in DuckDB against the same SQL
 * function written over h3-js. Median of repeated runs after warm-up, with the spread.
 * Run: `node bin/run-ts.mjs bench/h3-kernel.bench.ts` (≈ 1 min; BENCH_H3_POINTS overrides the 2 M points).
 */
import { latLngToCell, cellToLatLng, gridDisk as h3GridDisk } from 'h3-js';
import { Random } from '../fixtures/random.ts';
import { latLngToCellBatch, cellToLatLngBatch, gridDisk } from '../engine/h3/index.ts';
import { kernelStats } from '../engine/h3/lat-lng-to-cell.ts';
import { openStore } from '../engine/store/open-store.ts';
import { registerH3jsBaseline } from './h3js-baseline.ts';
import { formatRows, isMain, machine, time, type BenchRow, type Timing } from './bench-util.ts';

/** Paris, roughly inside the Périphérique: where a city's points fall (one or two icosahedron faces). */
const CITY = { lat: [48.815, 48.902], lng: [2.224, 2.47] } as const;

function cityPoints(n: number, seed: number): [Float64Array, Float64Array] {
  const r = new Random(seed);
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lat[i] = CITY.lat[0] + r.next() * (CITY.lat[1] - CITY.lat[0]);
    lng[i] = CITY.lng[0] + r.next() * (CITY.lng[1] - CITY.lng[0]);
  }
  return [lat, lng];
}

function worldPoints(n: number, seed: number): [Float64Array, Float64Array] {
  const r = new Random(seed);
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lat[i] = (Math.asin(r.next() * 2 - 1) * 180) / Math.PI;
    lng[i] = r.next() * 360 - 180;
  }
  return [lat, lng];
}

/** The baseline: h3-js one point at a time, the hex string turned into the integer id (what the store keeps). */
function h3jsBatch(lat: Float64Array, lng: Float64Array, res: number, out: BigUint64Array, count: number): BigUint64Array {
  for (let i = 0; i < count; i++) out[i] = BigInt('0x' + latLngToCell(lat[i]!, lng[i]!, res));
  return out;
}

const perSecond = (items: number, t: Timing) => items / (t.medianMs / 1000);
const spread = (t: Timing) => `median of ${t.runs}, spread ${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)} ms`;

async function pointsBench(rows: BenchRow[], where: string, [lat, lng]: [Float64Array, Float64Array], res: number): Promise<void> {
  const n = lat.length;
  const baselineN = Math.min(n, 200_000);
  const out = new BigUint64Array(n);
  const delegated = kernelStats.delegated;
  const k = await time(() => latLngToCellBatch(lat, lng, res, out)[n - 1], 7, 2);
  const share = (kernelStats.delegated - delegated) / (n * 9);
  const b = await time(() => h3jsBatch(lat, lng, res, out, baselineN)[baselineN - 1], 5, 1);
  const value = perSecond(n, k) / 1e6;
  const baseline = perSecond(baselineN, b) / 1e6;
  rows.push({
    name: `latLngToCellBatch, ${where}, res ${res}`,
    value,
    unit: 'M points/s',
    baseline,
    ratio: value / baseline,
    target: res === 10 ? '≥ 5 M/s and ≥ 10× h3-js' : undefined,
    met: res === 10 ? value >= 5 && value / baseline >= 10 : undefined,
    note: `${(n / 1e6).toFixed(1)} M points, ${spread(k)}; ${(share * 1e6).toFixed(1)} per M handed to h3-js`,
  });
}

async function centroidBench(rows: BenchRow[], cells: BigUint64Array): Promise<void> {
  const n = cells.length;
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  const k = await time(() => cellToLatLngBatch(cells, lat, lng), 5, 1);
  const hexes = Array.from(cells.subarray(0, 100_000), (c) => c.toString(16));
  const b = await time(() => {
    let s = 0;
    for (const h of hexes) s += cellToLatLng(h)[0]!;
    return s;
  }, 5, 1);
  const value = perSecond(n, k) / 1e6;
  const baseline = perSecond(hexes.length, b) / 1e6;
  rows.push({ name: 'cellToLatLngBatch, city cells, res 10', value, unit: 'M cells/s', baseline, ratio: value / baseline, note: spread(k) });
}

async function diskBench(rows: BenchRow[], cells: BigUint64Array): Promise<void> {
  const some = Array.from(cells.subarray(0, 2000));
  const k = await time(() => some.reduce((s, c) => s + gridDisk(c, 5).length, 0), 5, 1);
  const b = await time(
    () => some.reduce((s, c) => s + BigUint64Array.from(h3GridDisk(c.toString(16), 5), (h) => BigInt('0x' + h)).sort().length, 0),
    5,
    1,
  );
  const value = perSecond(some.length, k) / 1e3;
  const baseline = perSecond(some.length, b) / 1e3;
  rows.push({ name: 'gridDisk k = 5 (91 cells, sorted ids), res 10', value, unit: 'k disks/s', baseline, ratio: value / baseline, note: spread(k) });
}

/** `h3_cell` over a table of points, against the same SQL function written point by point over h3-js. */
async function sqlBench(rows: BenchRow[], [lat, lng]: [Float64Array, Float64Array]): Promise<void> {
  const store = await openStore({ path: ':memory:' });
  try {
    registerH3jsBaseline(store);
    await store.run('CREATE TABLE pts (lat DOUBLE, lng DOUBLE)');
    const appender = await store.conn.createAppender('pts');
    for (let i = 0; i < lat.length; i++) {
      appender.appendDouble(lat[i]!);
      appender.appendDouble(lng[i]!);
      appender.endRow();
    }
    appender.closeSync();
    const n = lat.length;
    const baseN = Math.min(n, 200_000);
    const sql = (fn: string, limit: number) => `SELECT count(DISTINCT ${fn}(lat, lng, 10)) AS cells FROM (FROM pts LIMIT ${limit})`;
    const k = await time(() => store.query(sql('h3_cell', n)), 5, 1);
    const b = await time(() => store.query(sql('h3_cell_h3js', baseN)), 3, 1);
    const scan = await time(() => store.query(`SELECT count(DISTINCT (lat * 1e4)::BIGINT) FROM pts`), 5, 1);
    const value = perSecond(n, k) / 1e6;
    const baseline = perSecond(baseN, b) / 1e6;
    rows.push({
      name: 'SQL count(DISTINCT h3_cell(lat, lng, 10)), city',
      value,
      unit: 'M rows/s',
      baseline,
      ratio: value / baseline,
      note: `${spread(k)}; the same query without H3: ${(perSecond(n, scan) / 1e6).toFixed(0)} M rows/s`,
    });
  } finally {
    store.close();
  }
}

/**
 * Runs the H3 benchmarks and returns their rows (M points/s and the like; baseline = h3-js in the same run).
 * @example
 * const rows = await runH3KernelBench();
 */
export async function runH3KernelBench(options: { points?: number } = {}): Promise<BenchRow[]> {
  const n = options.points ?? Number(process.env.BENCH_H3_POINTS ?? 2_000_000);
  const rows: BenchRow[] = [];
  const city = cityPoints(n, 1);
  const world = worldPoints(n, 2);
  await pointsBench(rows, 'city', city, 10);
  await pointsBench(rows, 'worldwide', world, 10);
  await pointsBench(rows, 'city', city, 15);
  await pointsBench(rows, 'city', city, 7);
  const cells = latLngToCellBatch(city[0], city[1], 10, new BigUint64Array(n));
  await centroidBench(rows, cells);
  await diskBench(rows, cells);
  await sqlBench(rows, city);
  return rows;
}

if (isMain(import.meta.url)) {
  console.log(`H3 kernel benchmark — ${machine()}`);
  console.log(formatRows(await runH3KernelBench()));
}
