/**
 * Zone quality against the exact optimum: on generated city-like instances (hundreds to a few thousand candidate
 * cells, res 11, 100 and 150 m, zone budgets of 1–3 % of the cells), HiGHS solves the covering problem as an integer
 * program and the engine's coverage is divided by the optimum (by HiGHS's upper bound when it cannot prove
 * optimality in the time limit — a stricter test). The model is the engine's (buildZoneModel: demand at each cell's
 * mean trip-end position). Reports the ratio's distribution for plain coverage — CELF greedy (the baseline), greedy +
 * local search, `optimize: 'auto'` (+ Lagrangian restarts) — and for the default walking-distance decay objective.
 * Run: `node bin/run-ts.mjs bench/zones-vs-ilp.bench.ts` (BENCH_ILP_SECONDS sets HiGHS's limit, default 30;
 * BENCH_ILP_CELLS the instance sizes, default 300,1000,2000,3000).
 */
import { proposeZonesFromDemand, buildZoneModel, decayGreedy, decayValues, mclpGreedy } from '../engine/zones/index.ts';
import { formatRows, isMain, machine, type BenchRow } from './bench-util.ts';
import { solveDecayExact, solveMclpExact } from './zones-ilp.ts';
import { syntheticDemand } from './zones-synth.ts';

/** One instance's outcome. */
export interface IlpCase {
  cells: number;
  seed: number;
  k: number;
  radiusM: number;
  optimal: boolean;
  reference: number;
  greedy: number;
  local: number;
  auto: number;
  autoMs: number;
  highsMs: number;
  engineBoundShare: number | null;
  /** Decay objective (the default): greedy and engine decayed weight / HiGHS's optimum (or bound) of that model. */
  decayOptimal: boolean;
  decayGreedy: number;
  decayAuto: number;
}

/** The generated instances. */
export function ilpInstances(): { cells: number; seed: number; k: number; radiusM: number }[] {
  const out: { cells: number; seed: number; k: number; radiusM: number }[] = [];
  for (const cells of (process.env.BENCH_ILP_CELLS ?? '300,1000,2000,3000').split(',').map(Number)) {
    for (const seed of [1, 2, 3]) {
      for (const share of [0.01, 0.03]) out.push({ cells, seed: cells * 10 + seed, k: Math.max(5, Math.round(cells * share)), radiusM: seed === 2 ? 150 : 100 });
    }
  }
  return out;
}

/** Solves every instance both ways. */
export async function ilpCases(timeLimitS: number, log = false): Promise<IlpCase[]> {
  const cases: IlpCase[] = [];
  for (const { cells, seed, k, radiusM } of ilpInstances()) {
    const { demand } = syntheticDemand({ cells, seed, res: 11 });
    const { graph } = buildZoneModel(demand, radiusM);
    const greedy = mclpGreedy(graph, demand.trips, { k, coverage: null, minGain: 1e-9 });
    const local = await proposeZonesFromDemand(demand, { k, walkRadiusM: radiusM, optimize: 'local', objective: 'coverage' });
    const t = performance.now();
    const auto = await proposeZonesFromDemand(demand, { k, walkRadiusM: radiusM, objective: 'coverage' });
    const autoMs = performance.now() - t;
    const exact = await solveMclpExact(graph, demand.trips, k, null, timeLimitS, greedy.selected);
    const reference = exact.optimal ? exact.objective : exact.bound;
    const value = decayValues(graph, radiusM / 2);
    const dGreedy = decayGreedy(graph, demand.trips, value, { k, coverage: null, minGain: 1e-9 });
    const dAuto = await proposeZonesFromDemand(demand, { k, walkRadiusM: radiusM });
    const dExact = await solveDecayExact(graph, demand.trips, value, k, null, timeLimitS, dGreedy.selected);
    const dRef = dExact.optimal ? dExact.objective : dExact.bound;
    const c: IlpCase = {
      cells,
      seed,
      k,
      radiusM,
      optimal: exact.optimal,
      reference,
      greedy: greedy.coveredWeight / reference,
      local: local.summary.coveredTrips / reference,
      auto: auto.summary.coveredTrips / reference,
      autoMs,
      highsMs: exact.ms,
      engineBoundShare: auto.summary.shareOfBound,
      decayOptimal: dExact.optimal,
      decayGreedy: dGreedy.decayedWeight / dRef,
      decayAuto: dAuto.summary.decayedTrips / dRef,
    };
    if (log) console.log(JSON.stringify(c));
    cases.push(c);
  }
  return cases;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;
};

/** Runs the comparison and returns one row per method (ratio distribution), plus timing rows. */
export async function runZonesVsIlpBench(options: { timeLimitS?: number; log?: boolean } = {}): Promise<BenchRow[]> {
  const cases = await ilpCases(options.timeLimitS ?? Number(process.env.BENCH_ILP_SECONDS ?? 30), options.log);
  const rows: BenchRow[] = [];
  const proved = cases.filter((c) => c.optimal).length;
  const describe = (xs: number[]) => `min ${quantile(xs, 0).toFixed(4)}, p10 ${quantile(xs, 0.1).toFixed(4)}, median ${quantile(xs, 0.5).toFixed(4)}, max ${quantile(xs, 1).toFixed(4)}`;
  const greedy = cases.map((c) => c.greedy);
  for (const [name, key] of [
    ['plain CELF greedy', 'greedy'],
    ['greedy + local search (optimize local)', 'local'],
    ['objective coverage, optimize auto (+ Lagrangian restarts)', 'auto'],
  ] as const) {
    const xs = cases.map((c) => c[key]);
    rows.push({
      name: `coverage / optimum, ${name}`,
      value: quantile(xs, 0),
      unit: 'min ratio',
      baseline: key === 'greedy' ? undefined : quantile(greedy, 0),
      ratio: key === 'greedy' ? undefined : quantile(xs, 0) / quantile(greedy, 0),
      target: key === 'auto' ? '≥ 0.98 on every instance' : undefined,
      met: key === 'auto' ? quantile(xs, 0) >= 0.98 : undefined,
      note: `${describe(xs)}; ${cases.length} instances, ${proved} proved optimal by HiGHS (others vs its bound)`,
    });
  }
  const dProved = cases.filter((c) => c.decayOptimal).length;
  const dGreedy = cases.map((c) => c.decayGreedy);
  const dAuto = cases.map((c) => c.decayAuto);
  rows.push({
    name: 'decayed coverage / optimum, default objective (decay: greedy + moves)',
    value: quantile(dAuto, 0),
    unit: 'min ratio',
    baseline: quantile(dGreedy, 0),
    ratio: quantile(dAuto, 0) / quantile(dGreedy, 0),
    target: '≥ 0.99 on every instance',
    met: quantile(dAuto, 0) >= 0.99,
    note: `${describe(dAuto)}; greedy alone ${describe(dGreedy)}; ${dProved} of ${cases.length} proved optimal by HiGHS`,
  });
  const bounds = cases.map((c) => c.engineBoundShare).filter((x): x is number => x !== null);
  rows.push({ name: 'engine’s own Lagrangian certificate: coverage / its upper bound', value: quantile(bounds, 0), unit: 'min ratio', note: describe(bounds) });
  rows.push({
    name: 'time per instance, engine default vs HiGHS',
    value: quantile(cases.map((c) => c.autoMs), 0.5),
    unit: 'ms (median)',
    baseline: quantile(cases.map((c) => c.highsMs), 0.5),
    ratio: quantile(cases.map((c) => c.highsMs), 0.5) / quantile(cases.map((c) => c.autoMs), 0.5),
    note: `engine max ${quantile(cases.map((c) => c.autoMs), 1).toFixed(0)} ms, HiGHS max ${quantile(cases.map((c) => c.highsMs), 1).toFixed(0)} ms`,
  });
  return rows;
}

if (isMain(import.meta.url)) {
  console.log(machine());
  console.log(formatRows(await runZonesVsIlpBench({ log: true })));
}
