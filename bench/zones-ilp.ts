/**
 * The maximal covering location problem solved exactly as an integer program with HiGHS (npm `highs`), to measure how
 * close the greedy gets. Shared by test/zones-ilp.test.ts and bench/zones-vs-ilp.bench.ts; `highs` is a dev dependency,
 * so the engine itself never imports this.
 */
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import type { CoverageGraph } from '../engine/zones/coverage-graph.ts';
import { Random } from '../fixtures/random.ts';

// The package's types describe its default export as CommonJS; at run time (ESM) the loader is the namespace's `default`.
const highsLoader = (highsModule as unknown as { default: () => Promise<Highs> }).default;
let highsPromise: Promise<Highs> | null = null;

/** The HiGHS WebAssembly module, loaded once per process. */
export function loadHighs(): Promise<Highs> {
  highsPromise ??= highsLoader();
  return highsPromise;
}

/** Result of {@link solveMclpExact}. */
export interface ExactResult {
  /** Covered weight of the best solution found. */
  objective: number;
  /** Upper bound on the optimum (= objective when proved optimal, up to the gap tolerance). */
  bound: number;
  /** True when HiGHS proved optimality. */
  optimal: boolean;
  /** Chosen cell indexes, ascending. */
  selected: number[];
  /** Solve time, milliseconds. */
  ms: number;
}

/**
 * Solves max Σ w_j·y_j s.t. y_j ≤ Σ_{i covers j} x_i, Σ x_i ≤ k, x binary, 0 ≤ y ≤ 1 — the same covering problem the
 * greedy solves (same graph, weights and candidates; no spacing or minimum).
 * @param graph symmetric coverage graph (row i = cells i covers = sites covering i)
 * @param weight weight per cell
 * @param k zone budget
 * @param candidate 1 where a zone may go; null = all
 * @param timeLimitS HiGHS time limit, seconds
 * @param start a feasible zone set to start from (e.g. the greedy's): HiGHS begins with it as incumbent
 */
export async function solveMclpExact(
  graph: CoverageGraph,
  weight: Float64Array,
  k: number,
  candidate: Uint8Array | null = null,
  timeLimitS = 60,
  start: ArrayLike<number> | null = null,
): Promise<ExactResult> {
  const highs = await loadHighs();
  const n = graph.count;
  const xCol = new Int32Array(n).fill(-1);
  let nx = 0;
  for (let i = 0; i < n; i++) if (!candidate || candidate[i]) xCol[i] = nx++;
  // One y column per demand cell with weight that some candidate reaches.
  const yOf: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    if (!(weight[j]! > 0)) continue;
    const sites: number[] = [];
    for (let e = graph.offsets[j]!; e < graph.offsets[j + 1]!; e++) {
      const i = graph.targets[e]!;
      if (xCol[i]! >= 0) sites.push(xCol[i]!);
    }
    if (sites.length === 0) continue;
    const y = yOf.length;
    yOf.push(j);
    sites.sort((a, b) => a - b);
    indices.push(...sites, nx + y);
    values.push(...sites.map(() => -1), 1);
    starts.push(indices.length);
  }
  const ny = yOf.length;
  // Budget row.
  for (let i = 0; i < nx; i++) {
    indices.push(i);
    values.push(1);
  }
  starts.push(indices.length);
  const numRows = ny + 1;
  const numCols = nx + ny;
  const colCost = new Float64Array(numCols);
  for (let y = 0; y < ny; y++) colCost[nx + y] = weight[yOf[y]!]!;
  const rowLower = new Float64Array(numRows).fill(-highs.infinity);
  const rowUpper = new Float64Array(numRows);
  rowUpper[ny] = k;
  const integrality = new Int32Array(numCols);
  integrality.fill(highs.constants.variableType.integer, 0, nx);
  const t0 = performance.now();
  const model = highs.createModel({
    numCols,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(1),
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows, numCols, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    integrality,
  });
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitS, mip_rel_gap: 1e-6, random_seed: 0 });
    if (start) {
      const colValue = new Float64Array(numCols);
      const covered = new Uint8Array(n);
      for (let q = 0; q < start.length; q++) {
        const i = start[q]!;
        colValue[xCol[i]!] = 1;
        for (let e = graph.offsets[i]!; e < graph.offsets[i + 1]!; e++) covered[graph.targets[e]!] = 1;
      }
      for (let y = 0; y < ny; y++) colValue[nx + y] = covered[yOf[y]!]!;
      model.setSolution({ colValue });
    }
    const run = model.run();
    const objective = model.getObjectiveValue();
    const dual = Number(model.info.get('mip_dual_bound'));
    const optimal = run.modelStatus === highs.constants.modelStatus.optimal;
    const col = model.getSolution().colValue;
    const selected: number[] = [];
    for (let i = 0; i < n; i++) if (xCol[i]! >= 0 && col[xCol[i]!]! > 0.5) selected.push(i);
    return { objective, bound: Number.isFinite(dual) ? Math.max(dual, objective) : objective, optimal, selected, ms: performance.now() - t0 };
  } finally {
    model.dispose();
  }
}

/** Options of {@link randomInstance}. */
export interface InstanceOptions {
  /** Number of cells (all candidates). */
  cells: number;
  /** Seed. */
  seed: number;
  /** Cells per cluster on average. Default 40. */
  clusterSize?: number;
}

/**
 * A seeded covering instance on a hexagonal lattice, without H3: cells at clustered lattice sites (metres), weights
 * heavy-tailed, coverage within `radius` lattice units — the same structure as city demand cells with a walking radius
 * of 2–3 rings. Returns a symmetric graph with self loops.
 */
export function randomInstance(options: InstanceOptions & { radius?: number }): { graph: CoverageGraph; weight: Float64Array } {
  const rnd = new Random(options.seed);
  const radius = options.radius ?? 2.2;
  const clusters = Math.max(1, Math.round(options.cells / (options.clusterSize ?? 40)));
  const side = Math.sqrt(options.cells) * 2.2;
  const centres = Array.from({ length: clusters }, () => [rnd.next() * side, rnd.next() * side, 1 + rnd.exponential(2)] as const);
  const seen = new Map<string, number>();
  const xs: number[] = [];
  const ys: number[] = [];
  const w: number[] = [];
  for (let guard = 0; xs.length < options.cells && guard < options.cells * 100; guard++) {
    const [cx, cy, s] = centres[rnd.int(clusters)]!;
    const px = cx + rnd.normal() * s;
    const py = cy + rnd.normal() * s;
    // Snap to a hexagonal lattice with unit spacing (axial coordinates).
    const q = Math.round(px - py / Math.sqrt(3));
    const r = Math.round((2 * py) / Math.sqrt(3));
    const key = `${q},${r}`;
    const weight = 1 + Math.floor(rnd.exponential(4));
    const at = seen.get(key);
    if (at !== undefined) {
      w[at]! += weight;
      continue;
    }
    seen.set(key, xs.length);
    xs.push(q + r / 2);
    ys.push((r * Math.sqrt(3)) / 2);
    w.push(weight);
  }
  const n = xs.length;
  // Grid bucket neighbour search (unit cells of size radius).
  const buckets = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = `${Math.floor(xs[i]! / radius)},${Math.floor(ys[i]! / radius)}`;
    (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(i);
  }
  const offsets = new Int32Array(n + 1);
  const targets: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < n; i++) {
    const bx = Math.floor(xs[i]! / radius);
    const by = Math.floor(ys[i]! / radius);
    const row: [number, number][] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of buckets.get(`${bx + dx},${by + dy}`) ?? []) {
          const d = Math.hypot(xs[i]! - xs[j]!, ys[i]! - ys[j]!);
          if (d <= radius) row.push([j, d]);
        }
      }
    }
    row.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    for (const [j, d] of row) {
      targets.push(j);
      dist.push(d);
    }
    offsets[i + 1] = targets.length;
  }
  return {
    graph: { count: n, radiusM: radius, offsets, targets: Int32Array.from(targets), distM: Float32Array.from(dist) },
    weight: Float64Array.from(w),
  };
}

/**
 * Solves the walking-distance decay model exactly: max Σ_j w_j Σ_i v_ij·z_ij s.t. Σ_i z_ij ≤ 1 (each cell served
 * once), z_ij ≤ x_i, Σ x_i ≤ k, x binary, z ≥ 0 — the facility-location form of the objective the engine's
 * `objective: 'decay'` maximises (v = decay weight of the graph entry, engine/zones `decayValues`).
 * @param graph symmetric coverage graph (row j = sites within the radius of j)
 * @param weight weight per cell
 * @param value decay weight per graph entry
 * @param start a feasible zone set HiGHS begins with
 */
export async function solveDecayExact(
  graph: CoverageGraph,
  weight: Float64Array,
  value: Float64Array,
  k: number,
  candidate: Uint8Array | null = null,
  timeLimitS = 60,
  start: ArrayLike<number> | null = null,
): Promise<ExactResult> {
  const highs = await loadHighs();
  const n = graph.count;
  const xCol = new Int32Array(n).fill(-1);
  let nx = 0;
  for (let i = 0; i < n; i++) if (!candidate || candidate[i]) xCol[i] = nx++;
  // z columns: one per (site i, cell j) entry with weight and value.
  const zSite: number[] = [];
  const zCost: number[] = [];
  const zOfCell: number[][] = [];
  for (let j = 0; j < n; j++) {
    const list: number[] = [];
    if (weight[j]! > 0) {
      for (let e = graph.offsets[j]!; e < graph.offsets[j + 1]!; e++) {
        const i = graph.targets[e]!;
        if (xCol[i]! < 0 || !(value[e]! > 0)) continue;
        list.push(zSite.length);
        zSite.push(i);
        zCost.push(weight[j]! * value[e]!);
      }
    }
    zOfCell.push(list);
  }
  const nz = zSite.length;
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  let numRows = 0;
  for (let j = 0; j < n; j++) {
    if (zOfCell[j]!.length === 0) continue;
    for (const z of zOfCell[j]!) {
      indices.push(nx + z);
      values.push(1);
    }
    starts.push(indices.length);
    numRows++;
  }
  const assignRows = numRows;
  for (let z = 0; z < nz; z++) {
    indices.push(xCol[zSite[z]!]!, nx + z);
    values.push(-1, 1);
    starts.push(indices.length);
    numRows++;
  }
  for (let i = 0; i < nx; i++) {
    indices.push(i);
    values.push(1);
  }
  starts.push(indices.length);
  numRows++;
  const numCols = nx + nz;
  const colCost = new Float64Array(numCols);
  for (let z = 0; z < nz; z++) colCost[nx + z] = zCost[z]!;
  const rowLower = new Float64Array(numRows).fill(-highs.infinity);
  const rowUpper = new Float64Array(numRows);
  rowUpper.fill(1, 0, assignRows);
  rowUpper[numRows - 1] = k;
  const integrality = new Int32Array(numCols);
  integrality.fill(highs.constants.variableType.integer, 0, nx);
  const t0 = performance.now();
  const model = highs.createModel({
    numCols,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(1),
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows, numCols, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    integrality,
  });
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitS, mip_rel_gap: 1e-6, random_seed: 0 });
    if (start) {
      const colValue = new Float64Array(numCols);
      const open = new Uint8Array(n);
      for (let q = 0; q < start.length; q++) {
        open[start[q]!] = 1;
        colValue[xCol[start[q]!]!] = 1;
      }
      // Each cell served by its best open site.
      for (let j = 0; j < n; j++) {
        let best = -1;
        for (const z of zOfCell[j]!) if (open[zSite[z]!] && (best < 0 || zCost[z]! > zCost[best]!)) best = z;
        if (best >= 0) colValue[nx + best] = 1;
      }
      model.setSolution({ colValue });
    }
    const run = model.run();
    const objective = model.getObjectiveValue();
    const dual = Number(model.info.get('mip_dual_bound'));
    const optimal = run.modelStatus === highs.constants.modelStatus.optimal;
    const col = model.getSolution().colValue;
    const selected: number[] = [];
    for (let i = 0; i < n; i++) if (xCol[i]! >= 0 && col[xCol[i]!]! > 0.5) selected.push(i);
    return { objective, bound: Number.isFinite(dual) ? Math.max(dual, objective) : objective, optimal, selected, ms: performance.now() - t0 };
  } finally {
    model.dispose();
  }
}
