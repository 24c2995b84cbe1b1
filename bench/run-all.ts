/**
 * `npm run bench`: every benchmark in one run, each with its baseline, and the table bench/README.md keeps
 * (written between the BENCH:BEGIN/BENCH:END markers). Budget: under 10 minutes on the 2-core machine.
 * BENCH_ONLY=ingest,pipeline picks some; the sizes of each are set by its own environment variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatRows, machine, type BenchRow } from './bench-util.ts';

/** [name, module, function, in the default run]. The ILP comparison takes 5–8 minutes alone: BENCH_ONLY=ilp runs it; BENCH_ONLY=recompute the server's responsiveness during a recompute. */
const SUITES: [string, string, string, boolean][] = [
  ['h3', './h3-kernel.bench.ts', 'runH3KernelBench', true],
  ['pipeline', './pipeline.bench.ts', 'runPipelineBench', true],
  ['ingest', './ingest.bench.ts', 'runIngestBench', true],
  ['zones', './zones.bench.ts', 'runZonesBench', true],
  ['parked', './parked-peaks.bench.ts', 'runParkedPeaksBench', true],
  ['history', './history.bench.ts', 'runHistoryBench', true],
  ['server', './server.ts', 'runServerBench', true],
  ['ilp', './zones-vs-ilp.bench.ts', 'runZonesVsIlpBench', false],
  ['recompute', './recompute-responsiveness.bench.ts', 'runRecomputeResponsivenessBench', false],
];

const only = process.env.BENCH_ONLY?.split(',');
const sections: string[] = [];
const started = performance.now();
console.log(machine());
for (const [name, file, fn, byDefault] of SUITES) {
  if (only ? !only.includes(name) : !byDefault) continue;
  const t = performance.now();
  const mod = (await import(file)) as Record<string, () => Promise<BenchRow[]>>;
  const got = await mod[fn]!();
  const section = `${name} (${((performance.now() - t) / 1000).toFixed(0)} s)\n\n${formatRows(got)}`;
  sections.push(`### ${section}`);
  console.log(`\n## ${section}`);
}
const table = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; \`npm run bench\` took ${((performance.now() - started) / 60000).toFixed(1)} min.\n\n${sections.join('\n\n')}`;
const readme = path.resolve(import.meta.dirname, 'README.md');
if (!only && fs.existsSync(readme)) {
  const text = fs.readFileSync(readme, 'utf8');
  const next = text.replace(/<!-- BENCH:BEGIN -->[\s\S]*<!-- BENCH:END -->/, `<!-- BENCH:BEGIN -->\n${table}\n<!-- BENCH:END -->`);
  fs.writeFileSync(readme, next);
  console.log(`\nbench/README.md table updated`);
}
