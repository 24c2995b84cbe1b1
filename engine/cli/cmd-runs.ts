import fs from 'node:fs';
import { ParkzonesError } from '../errors.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { compareRuns } from '../zones/compare-runs.ts';
import { getRun, getRunZones, listRuns, recomputeRun } from '../zones/runs.ts';
import { zonesToGeoJson } from '../zones/zones-geojson.ts';
import { EXIT, numberOption, parseCommandArgs } from './cli-util.ts';
import { describeSummary } from './cmd-propose.ts';

const HELP = `parkzones runs — stored zone proposals

usage: parkzones runs [list] [--limit N] [--json]     list runs, newest first
       parkzones runs show ID [--json]                 one run: parameters, filter, summary
       parkzones runs export ID --out FILE.geojson     a run's zones as GeoJSON
       parkzones runs recompute ID                     recompute from the stored parameters and check it is identical
       parkzones runs compare A B [--tolerance M] [--json]
                                                       zones added, removed, moved (within M metres) and kept

Exit codes: 0 ok (recompute: identical), 1 recompute differs, 2 bad options, 4 no such run.
`;

const FLAGS = {
  limit: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  tolerance: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function runId(value: string | undefined, name: string): number {
  const n = numberOption(value, name);
  if (n === undefined || !Number.isInteger(n) || n < 1) throw new ParkzonesError('BAD_OPTION', `${name}: a run id (a whole number ≥ 1) is required, got ${value ?? 'nothing'}`, { option: name });
  return n;
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2) + '\n';

/**
 * `parkzones runs`: lists, shows, exports, recomputes and compares stored runs.
 * @param argv arguments after the command name
 * @returns exit code
 */
export async function runRuns(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, FLAGS, true);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const [action = 'list', ...args] = positionals;
  const known = ['list', 'show', 'export', 'recompute', 'compare'];
  if (!known.includes(action)) throw new ParkzonesError('BAD_OPTION', `runs: unknown action "${action}" (known: ${known.join(', ')})`, { option: 'action' });
  const store = await openStore();
  try {
    return await act(store, action, args, values);
  } finally {
    store.close();
  }
}

async function act(store: Store, action: string, args: string[], values: { limit?: string; json?: boolean; out?: string; tolerance?: string }): Promise<number> {
  const out = process.stdout;
  switch (action) {
    case 'list': {
      const runs = await listRuns(store, { limit: numberOption(values.limit, 'limit') });
      if (values.json) {
        out.write(json(runs));
        return EXIT.ok;
      }
      if (runs.length === 0) {
        out.write('no runs yet: `parkzones propose --out zones.geojson` makes one\n');
        return EXIT.ok;
      }
      out.write('run  created                   status   method  zones  slots  covered  radius  filter\n');
      for (const r of runs) {
        const s = r.summary;
        out.write(
          [
            String(r.runId).padEnd(4),
            r.createdAt.slice(0, 19).replace('T', ' ').padEnd(25),
            r.status.padEnd(8),
            r.params.method.padEnd(7),
            String(s?.zones ?? '-').padStart(5),
            String(s?.totalSlots ?? '-').padStart(6),
            (s ? `${(s.coveredShare * 100).toFixed(1)} %` : '-').padStart(8),
            `${r.params.walkRadiusM} m`.padStart(7),
            ' ' + (JSON.stringify(r.filter) === '{}' ? 'all trips' : JSON.stringify(r.filter)),
          ].join(' ') + '\n',
        );
      }
      return EXIT.ok;
    }
    case 'show': {
      const run = await getRun(store, runId(args[0], 'ID'));
      if (values.json) out.write(json(run));
      else {
        out.write(`run ${run.runId}, ${run.createdAt}, ${run.status}${run.error ? `: ${run.error}` : ''}\n`);
        out.write(`parameters: ${JSON.stringify({ ...run.params, exclude: run.params.exclude ? '(GeoJSON)' : null })}\nfilter: ${JSON.stringify(run.filter)}\n`);
        if (run.stats) out.write(describeSummary(run.runId, run.stats.summary, run.params.walkRadiusM));
      }
      return EXIT.ok;
    }
    case 'export': {
      if (!values.out) throw new ParkzonesError('BAD_OPTION', '--out: required, the GeoJSON file to write', { option: 'out' });
      const id = runId(args[0], 'ID');
      const run = await getRun(store, id);
      const zones = await getRunZones(store, id);
      fs.writeFileSync(values.out, JSON.stringify(zonesToGeoJson(zones, { runId: id, summary: run.stats?.summary, curve: run.stats?.curve })) + '\n');
      out.write(`wrote ${zones.length} zones of run ${id} to ${values.out}\n`);
      return EXIT.ok;
    }
    case 'recompute': {
      const r = await recomputeRun(store, runId(args[0], 'ID'));
      if (r.equal) {
        out.write(`run ${r.runId}: recomputed, identical (${r.proposal.zones.length} zones)\n`);
        return EXIT.ok;
      }
      out.write(`run ${r.runId}: recomputed, differs${r.inputChanged ? ' (the trips changed since the run)' : ''}:\n`);
      for (const d of r.differences.slice(0, 20)) out.write(`  ${d}\n`);
      if (r.differences.length > 20) out.write(`  … ${r.differences.length - 20} more\n`);
      return EXIT.internal;
    }
    default: {
      const c = await compareRuns(store, runId(args[0], 'A'), runId(args[1], 'B'), { moveToleranceM: numberOption(values.tolerance, 'tolerance') });
      if (values.json) {
        out.write(json(c));
        return EXIT.ok;
      }
      out.write(
        `run ${c.a} → run ${c.b}: ${c.kept.length} kept, ${c.moved.length} moved (≤ ${c.moveToleranceM} m), ${c.removed.length} removed, ${c.added.length} added\n` +
          `coverage ${(c.coverage.a * 100).toFixed(1)} % → ${(c.coverage.b * 100).toFixed(1)} % (${c.coverage.difference >= 0 ? '+' : ''}${(c.coverage.difference * 100).toFixed(1)} points); ` +
          `slots ${c.slots.a} → ${c.slots.b}${c.sameInput ? '' : '; the runs saw different trips'}\n`,
      );
      return EXIT.ok;
    }
  }
}
