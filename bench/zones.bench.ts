/**
 * Zone proposal speed: a large city's month — 100,000 demand cells at H3 resolution 11 (seeded, city-like clustered),
 * K = 2,500 zones, 150 m walking radius — proposed from demand cells in memory (coverage graph, CELF greedy, local
 * search, catchments, footprints; the store's binning and parked-peak queries are engine/bin's and timed there).
 * Baselines in the same run: neighbours from h3-js `gridDisk` per cell instead of hashed local IJ disks, and a
 * plain (non-lazy) greedy's gain evaluations. Sweeps show how time grows with cells and with K.
 * Run: `node bin/run-ts.mjs bench/zones.bench.ts` (≈ 2 min; BENCH_ZONES_CELLS overrides the 100,000 cells).
 */
import os from 'node:os';
import { gridDisk as h3GridDisk } from 'h3-js';
import { proposeZonesFromDemand, type ZoneOptions, type ZoneProposal } from '../engine/zones/index.ts';
import type { ZoneDemand } from '../engine/zones/demand.ts';
import { formatRows, isMain, machine, time, type BenchRow, type Timing } from './bench-util.ts';
import { syntheticDemand } from './zones-synth.ts';

const spread = (t: Timing) => `median of ${t.runs}, spread ${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)} ms`;
const h3jsDisk = (cell: bigint, k: number) => h3GridDisk(cell.toString(16), k).map((h) => BigInt('0x' + h));

/** Median time of each stage over repeated proposals. */
async function timedProposal(demand: ZoneDemand, options: ZoneOptions, repeats: number, hooks: Parameters<typeof proposeZonesFromDemand>[2] = {}) {
  const stages: Record<string, number[]> = {};
  let last: ZoneProposal | null = null;
  let calls = 0;
  const t = await time(
    async () => {
      last = await proposeZonesFromDemand(demand, options, hooks);
      if (calls++ > 0) for (const [k, v] of Object.entries(last.timingsMs)) (stages[k] ??= []).push(v); // skip the warm-up
      return last.summary.coveredTrips;
    },
    repeats,
    1,
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return { t, proposal: last! as ZoneProposal, stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])) };
}

/**
 * Runs the zone benchmark and returns its rows (also printed when run alone).
 * @param options.cells demand cells of the headline case (default 100,000 or $BENCH_ZONES_CELLS)
 */
export async function runZonesBench(options: { cells?: number } = {}): Promise<BenchRow[]> {
  const cells = options.cells ?? Number(process.env.BENCH_ZONES_CELLS ?? 100_000);
  const rows: BenchRow[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  const { demand } = syntheticDemand({ cells, res: 11, seed: 1 });
  const opts: ZoneOptions = { res: 11, k: 2500, walkRadiusM: 150 };

  const main = await timedProposal(demand, opts, 5);
  const s = main.proposal.summary;
  rows.push({
    name: `propose ${cells.toLocaleString('en')} cells res 11, K 2,500, 150 m (optimize auto → ${s.detail.lagrangianIterations ? 'lagrangian' : 'local'})`,
    value: main.t.medianMs,
    unit: 'ms',
    target: '≤ 1 s (issue 16)',
    met: main.t.medianMs <= 1000,
    note: `${spread(main.t)}; stages graph ${main.stages.graph} / solve ${main.stages.solve} / zones ${main.stages.zones} ms; covered ${(s.coveredShare * 100).toFixed(2)} %; load avg ${load} at start`,
  });

  const viaH3js = await timedProposal(demand, opts, 3, { neighbourMode: 'grid-disk', gridDisk: h3jsDisk });
  rows.push({
    name: 'coverage graph: local-IJ grid disks by sorted rows (baseline h3-js gridDisk per cell)',
    value: main.stages.graph!,
    unit: 'ms',
    baseline: viaH3js.stages.graph!,
    ratio: viaH3js.stages.graph! / main.stages.graph!,
    note: `${s.detail.graphEntries!.toLocaleString('en')} cell pairs within 150 m; same graph both ways`,
  });
  if (viaH3js.proposal.summary.coveredTrips !== s.coveredTrips) throw new Error('bench: neighbour modes disagree');

  const n = s.candidateCells;
  const naiveEvaluations = n * Math.min(2500, s.zones); // a plain greedy re-evaluates every candidate each step
  rows.push({
    name: 'CELF greedy: gain evaluations (baseline plain greedy)',
    value: s.detail.evaluations!,
    unit: 'evaluations',
    baseline: naiveEvaluations,
    ratio: naiveEvaluations / s.detail.evaluations!,
  });

  // What local search adds, in the objective the run used: decayed trip ends (the default) or plainly covered ones.
  if (s.detail.greedyDecayedTrips !== undefined) {
    rows.push({
      name: 'decayed share after local search (baseline CELF greedy alone)',
      value: s.decayedShare * 100,
      unit: '%',
      baseline: (s.detail.greedyDecayedTrips / s.totalTrips) * 100,
      ratio: s.decayedTrips / s.detail.greedyDecayedTrips,
      note: `${s.detail.moves ?? 0} moves`,
    });
  } else {
    rows.push({
      name: 'covered share after local search (baseline CELF greedy alone)',
      value: s.coveredShare * 100,
      unit: '%',
      baseline: (s.detail.greedyCoveredTrips! / s.totalTrips) * 100,
      ratio: s.coveredTrips / s.detail.greedyCoveredTrips!,
      note: `${s.detail.swaps} swaps, ${s.detail.pairMoves} pair moves`,
    });
  }

  const greedyOnly = await timedProposal(demand, { ...opts, optimize: 'greedy' }, 3);
  rows.push({
    name: 'propose, optimize greedy (no local search)',
    value: greedyOnly.t.medianMs,
    unit: 'ms',
    note: `${spread(greedyOnly.t)}; solve ${greedyOnly.stages.solve} ms`,
  });

  // Growth with cells at K = 2,500 and with K at the headline size (one timed run after a warm-up each).
  for (const c of [25_000, 50_000, 200_000]) {
    const d = syntheticDemand({ cells: c, res: 11, seed: 1 }).demand;
    const r = await timedProposal(d, opts, 1);
    rows.push({ name: `growth: ${c.toLocaleString('en')} cells, K 2,500`, value: r.t.medianMs, unit: 'ms', note: `graph ${r.stages.graph} / solve ${r.stages.solve} / zones ${r.stages.zones} ms; ${r.proposal.summary.zones} zones` });
  }
  for (const k of [500, 1000, 5000]) {
    const r = await timedProposal(demand, { ...opts, k }, 1);
    rows.push({ name: `growth: ${cells.toLocaleString('en')} cells, K ${k.toLocaleString('en')}`, value: r.t.medianMs, unit: 'ms', note: `graph ${r.stages.graph} / solve ${r.stages.solve} / zones ${r.stages.zones} ms` });
  }
  return rows;
}

if (isMain(import.meta.url)) {
  console.log(machine());
  console.log(formatRows(await runZonesBench()));
}
