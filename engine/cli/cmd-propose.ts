import fs from 'node:fs';
import { ParkzonesError, isParkzonesError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { createRun } from '../zones/runs.ts';
import { zonesToGeoJson } from '../zones/zones-geojson.ts';
import type { ZoneOptions, ZoneMethod } from '../zones/options.ts';
import type { ZoneSummary } from '../zones/propose-zones.ts';
import { EXIT, numberOption, parseCommandArgs, progressBar } from './cli-util.ts';
import { FILTER_FLAGS, filterFromFlags } from './cmd-cells.ts';

const HELP = `parkzones propose — propose parking zones from the stored trips and store the run

usage: parkzones propose --out zones.geojson [--k N] [--coverage 0.8] [--radius M] [--res N]
                         [--method mclp|dbscan] [--exclude FILE.geojson] [--min-spacing M] [--min-trips N]
                         [--candidates FILE.geojson [--candidate-spacing M]] [--districts FILE.geojson]
                         [--from DATE] [--to DATE] [--hours 7,8,9] [--days all|weekday|weekend]
                         [--providers a,b] [--tz ZONE] [capacity flags]

  --out FILE          write the zones as GeoJSON (footprints; centre in center_lat, center_lng)
  --k N               zone budget (at most N zones)
  --coverage S        stop once this share of trip ends is within the radius, 0–1
                      (default 0.8 when --k is not given; with both, whichever comes first)
  --radius M          walking radius, metres, great-circle from a zone to where a cell's trip ends
                      are on average (default 100)
  --res N             H3 resolution of demand and candidate cells, 7–12 (default 11, ≈ 50 m apart)
  --method M          mclp: maximal covering location (default); dbscan: density clusters of hot cells
  --exclude FILE      GeoJSON polygons (parks, pedestrian streets) where no zone centre may be
  --candidates FILE   mclp: GeoJSON candidate sites; zones stand only there. Point / MultiPoint features
                      are sites; LineString / MultiLineString (curbs, streets) are sampled every
                      --candidate-spacing metres along the line, both ends included (default 25)
  --districts FILE    mclp: GeoJSON district polygons with properties min_zones and/or min_share (0–1)
                      (and name): minimums met first within the greedy, reported per district
  --min-spacing M     minimum distance between zone centres, metres (default 0)
  --min-trips N       trip ends a zone must add to the objective (default 1; decay: decayed trip ends)
  --objective O       mclp: decay (default: trip ends count less the further they are from a zone, 0 at the
                      radius) or coverage (every trip end within the radius counts alike)
  --decay-scale M     scale of the walking-distance decay, metres (default radius / 2)
  --optimize E        mclp effort after the greedy: greedy, local (swap and pair moves), lagrangian
                      (+ restarts and an upper bound on the best possible), auto (default: lagrangian
                      up to ${'300,000'} coverage pairs, else local)
  --from, --to        local date or date-time bounds of trip ends (to is exclusive)
  --hours, --days, --providers, --tz   the trip filter, as for \`parkzones cells\`
capacity: --percentile P (of daily parked peaks, default 0.85), --safety F (× peak, default 1.2),
          --min-capacity N (default 2), --max-capacity N, --slot-minutes N (default 15), --cap-hours H (default 24)
dbscan:   --eps M (neighbourhood, default = radius), --core-trips N (trip ends within eps of a hot cell)

Prints progress and a summary; the run (parameters, filter, zones) is stored: see \`parkzones runs\`.
`;

/** CLI flag of each option, to name it the way the person typed it. */
const FLAG_OF: Record<string, string> = {
  k: '--k',
  coverage: '--coverage',
  walkRadiusM: '--radius',
  res: '--res',
  method: '--method',
  optimize: '--optimize',
  objective: '--objective',
  decayScaleM: '--decay-scale',
  exclude: '--exclude',
  candidates: '--candidates',
  candidateSpacingM: '--candidate-spacing',
  districts: '--districts',
  minSpacingM: '--min-spacing',
  minTrips: '--min-trips',
  capacityPercentile: '--percentile',
  safetyFactor: '--safety',
  minCapacity: '--min-capacity',
  maxCapacity: '--max-capacity',
  slotMinutes: '--slot-minutes',
  parkedCapHours: '--cap-hours',
  dbscanEpsM: '--eps',
  dbscanMinTrips: '--core-trips',
};

const FLAGS = {
  ...FILTER_FLAGS,
  out: { type: 'string' },
  k: { type: 'string' },
  coverage: { type: 'string' },
  radius: { type: 'string' },
  res: { type: 'string' },
  method: { type: 'string' },
  exclude: { type: 'string' },
  candidates: { type: 'string' },
  'candidate-spacing': { type: 'string' },
  districts: { type: 'string' },
  'min-spacing': { type: 'string' },
  'min-trips': { type: 'string' },
  optimize: { type: 'string' },
  objective: { type: 'string' },
  'decay-scale': { type: 'string' },
  percentile: { type: 'string' },
  safety: { type: 'string' },
  'min-capacity': { type: 'string' },
  'max-capacity': { type: 'string' },
  'slot-minutes': { type: 'string' },
  'cap-hours': { type: 'string' },
  eps: { type: 'string' },
  'core-trips': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reads a GeoJSON file given to a flag (its shape is checked by the zone options). */
function readGeoJson(file: string, option: 'exclude' | 'candidates' | 'districts'): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ParkzonesError('BAD_OPTION', `--${option}: cannot read ${file}: ${(e as Error).message}`, { option, file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ParkzonesError('BAD_FILE', `--${option}: ${file} is not JSON: ${(e as Error).message}`, { option, file });
  }
}

/** One-paragraph summary of a proposal for people. */
export function describeSummary(runId: number, s: ZoneSummary, radiusM: number): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `run ${runId}: ${s.zones} zones, ${s.totalSlots} slots, ${pct(s.coveredShare)} of ${s.totalTrips} trip ends within ${radiusM} m` +
      (s.medianWalkM === null ? '' : ` (median walk ${s.medianWalkM} m)`),
    `decayed by walking distance: ${pct(s.decayedShare)} of trip ends`,
    `method ${s.method}; ${s.demandCells} demand cells, ${s.excludedCells} excluded; stopped: ${s.stop}`,
  ];
  if (s.shareOfBound !== null) lines.push(`optimality: covers at least ${pct(s.shareOfBound)} of what the best ${s.zones} zones could (upper bound ${Math.round(s.upperBoundTrips!)} trip ends)`);
  if (s.reason) lines.push(`note: ${s.reason}`);
  for (const note of s.notes ?? []) lines.push(`note: ${note}`);
  for (const d of s.districts ?? []) {
    const min = [d.minZones > 0 ? `${d.minZones} zones` : '', d.minShare > 0 ? pct(d.minShare) : ''].filter(Boolean).join(', ');
    lines.push(`district ${d.name}: ${d.zones} zones, ${d.coveredTrips} of ${d.totalTrips} trip ends (${pct(d.share)}); minimum ${min} ${d.met ? 'met' : `not met: ${d.reason}`}`);
  }
  if (!s.capacitySized) lines.push('note: capacities not sized from parked vehicles');
  return lines.join('\n') + '\n';
}

/**
 * `parkzones propose`: proposes zones from the stored trips, stores the run, writes GeoJSON and prints a summary.
 * @param argv arguments after the command name
 * @returns exit code (0 ok; 2 bad option)
 */
export async function runPropose(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, FLAGS);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (!values.out) throw new ParkzonesError('BAD_OPTION', '--out: required, the GeoJSON file to write (see --help)', { option: 'out' });
  const options: ZoneOptions = {
    k: numberOption(values.k, 'k'),
    coverage: numberOption(values.coverage, 'coverage'),
    walkRadiusM: numberOption(values.radius, 'radius'),
    res: numberOption(values.res, 'res'),
    method: values.method as ZoneMethod | undefined,
    exclude: values.exclude ? readGeoJson(values.exclude, 'exclude') : undefined,
    candidates: values.candidates ? readGeoJson(values.candidates, 'candidates') : undefined,
    candidateSpacingM: numberOption(values['candidate-spacing'], 'candidate-spacing'),
    districts: values.districts ? readGeoJson(values.districts, 'districts') : undefined,
    minSpacingM: numberOption(values['min-spacing'], 'min-spacing'),
    minTrips: numberOption(values['min-trips'], 'min-trips'),
    optimize: values.optimize as ZoneOptions['optimize'],
    objective: values.objective as ZoneOptions['objective'],
    decayScaleM: numberOption(values['decay-scale'], 'decay-scale'),
    capacityPercentile: numberOption(values.percentile, 'percentile'),
    safetyFactor: numberOption(values.safety, 'safety'),
    minCapacity: numberOption(values['min-capacity'], 'min-capacity'),
    maxCapacity: numberOption(values['max-capacity'], 'max-capacity'),
    slotMinutes: numberOption(values['slot-minutes'], 'slot-minutes'),
    parkedCapHours: numberOption(values['cap-hours'], 'cap-hours'),
    dbscanEpsM: numberOption(values.eps, 'eps'),
    dbscanMinTrips: numberOption(values['core-trips'], 'core-trips'),
    filter: filterFromFlags(values),
  };
  const store = await openStore();
  const bar = progressBar('proposing');
  try {
    const { run, proposal } = await createRun(store, options, { onProgress: (f, stage) => bar.update(f, stage) }).catch((e: unknown) => {
      throw withFlagName(e);
    });
    bar.done();
    fs.writeFileSync(values.out, JSON.stringify(zonesToGeoJson(proposal.zones, { runId: run.runId, summary: proposal.summary, curve: proposal.curve })) + '\n');
    process.stdout.write(describeSummary(run.runId, proposal.summary, proposal.options.walkRadiusM));
    for (const w of run.stats?.warnings ?? []) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`wrote ${proposal.zones.length} zones to ${values.out}\n`);
  } finally {
    store.close();
  }
  return EXIT.ok;
}

/** Rewrites a BAD_OPTION error about `walkRadiusM` into one about `--radius (walkRadiusM)`. */
function withFlagName(e: unknown): unknown {
  if (!isParkzonesError(e, 'BAD_OPTION') || !e.location.option) return e;
  const option = e.location.option;
  const flag = option.startsWith('filter.') ? `--${option.slice(7)}` : FLAG_OF[option];
  if (!flag || !e.message.startsWith(`${option}:`)) return e;
  return new ParkzonesError('BAD_OPTION', `${flag} (${option})${e.message.slice(option.length)}`, e.location, { cause: e });
}
