/** Helpers every benchmark shares: the machine line, timing with warm-up and repeats, and result rows. */
import os from 'node:os';

/** One benchmark figure, with the baseline it is compared to when there is one. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The same work done the reference way, in the same run and unit. */
  baseline?: number;
  /** value / baseline, or baseline / value, whichever says "× better". */
  ratio?: number;
  /** The target from the issue, in words ("≥ 5 M points/s"). */
  target?: string;
  /** Whether the target is met. */
  met?: boolean;
  /** Extra facts: peak RSS, input size, … */
  note?: string;
}

/** The machine a figure was measured on: CPU model, cores, memory, Node version. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Median and spread (min–max) of repeated timings, milliseconds. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

/**
 * Times `work` after `warmup` untimed runs, `repeats` times, and returns the median and spread.
 * `work` returns something the benchmark keeps (a sink), so the engine cannot drop the work.
 */
export async function time(work: () => unknown | Promise<unknown>, repeats = 5, warmup = 1): Promise<Timing & { sink: unknown }> {
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = await work();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    sink = await work();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[ms.length >> 1]!, minMs: ms[0]!, maxMs: ms[ms.length - 1]!, runs: repeats, sink };
}

/** Prints rows as a Markdown table (the form bench/README.md keeps). */
export function formatRows(rows: BenchRow[]): string {
  const fmt = (n: number | undefined) => (n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toPrecision(3));
  const lines = ['| benchmark | value | unit | baseline | ratio | target | met | note |', '| --- | ---: | --- | ---: | ---: | --- | --- | --- |'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.baseline)} | ${r.ratio === undefined ? '' : fmt(r.ratio) + '×'} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}

/** True when the module at `url` is the script node was started with (so a bench file runs alone or is imported). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'));
}
