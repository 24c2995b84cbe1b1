import { generateCity, writeTrips, DEFECT_KINDS, type TripFileFormat } from '../../fixtures/index.ts';
import { ParkzonesError } from '../errors.ts';
import { EXIT, numberOption, parseCommandArgs } from './cli-util.ts';

const HELP = `parkzones generate — write a seeded synthetic city's trips

usage: parkzones generate --trips N --out FILE [--seed S] [--format mds1|mds2|csv|parquet] [--days D]
                          [--bad SHARE] [--hotspots-out FILE.json]

  --trips N          rows to write (bad rows included)
  --out FILE         output file; a .gz name gzips (not for parquet)
  --seed S           random seed (default 1): same seed, same bytes
  --format F         mds1 (MDS 1.2 JSON), mds2 (MDS 2.0 JSON), csv or parquet (default: from the file name, else mds2)
  --days D           days covered (default 7)
  --bad SHARE        share of rows made bad, spread over every defect kind (default 0)
  --hotspots-out F   also write the hotspots (where demand concentrates) as JSON
`;

/** `parkzones generate`: writes a synthetic city's trips in one of the input formats. */
export async function runGenerate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    trips: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, format: { type: 'string' },
    days: { type: 'string' }, bad: { type: 'string' }, 'hotspots-out': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const trips = numberOption(values.trips, 'trips');
  if (trips === undefined || !values.out) throw new ParkzonesError('BAD_OPTION', '--trips and --out are required (see --help)', { option: 'trips' });
  const format = (values.format ?? guessFormat(values.out)) as TripFileFormat;
  if (!['mds1', 'mds2', 'csv', 'parquet'].includes(format)) throw new ParkzonesError('BAD_OPTION', `--format: must be mds1, mds2, csv or parquet, got "${format}"`, { option: 'format' });
  const bad = numberOption(values.bad, 'bad') ?? 0;
  if (bad < 0 || bad > 1) throw new ParkzonesError('BAD_OPTION', `--bad: a share between 0 and 1, got ${bad}`, { option: 'bad' });
  const city = generateCity({
    trips, seed: numberOption(values.seed, 'seed') ?? 1, days: numberOption(values.days, 'days') ?? 7,
    defects: Object.fromEntries(DEFECT_KINDS.map((k) => [k, bad / DEFECT_KINDS.length])),
  });
  const n = await writeTrips(city.trips(), values.out, { format });
  if (values['hotspots-out']) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values['hotspots-out'], JSON.stringify(city.hotspots, null, 2) + '\n');
  }
  process.stdout.write(`wrote ${n} trips (${format}) to ${values.out}; bad rows: ${JSON.stringify(city.defectCounts())}\n`);
  return EXIT.ok;
}

function guessFormat(out: string): string {
  const name = out.replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.parquet')) return 'parquet';
  return 'mds2';
}
