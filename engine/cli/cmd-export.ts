import { ParkzonesError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { exportTripsParquet } from '../export/trips-parquet.ts';
import { EXIT, parseCommandArgs } from './cli-util.ts';

const HELP = `parkzones export — the store's trips for other engines

usage: parkzones export trips --out DIR [--tz ZONE]

  --out DIR   an empty or new folder; gets provider_id=P/month=YYYY-MM/data_0.parquet (Hive layout, ":" as %3A)
  --tz ZONE   IANA zone whose months partition the trips by end time (default UTC)
Each file holds the trips' columns and their end cells end_cell_7 … end_cell_12 (UBIGINT); provider_id and month
are in the folder names (read with hive_partitioning). See the README, "Beyond one machine".
`;

/** `parkzones export trips`: writes the store's trips as Parquet partitioned by provider and month. */
export async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' }, tz: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1 || positionals[0] !== 'trips') throw new ParkzonesError('BAD_OPTION', `export: what to export is "trips", got ${positionals.join(' ') || 'nothing'} (see --help)`, { option: 'what' });
  if (!values.out) throw new ParkzonesError('BAD_OPTION', '--out is required (see --help)', { option: 'out' });
  const store = await openStore();
  try {
    const r = await exportTripsParquet(store, { out: values.out, ...(values.tz ? { tz: values.tz } : {}) });
    process.stdout.write(`wrote ${r.trips} trips in ${r.partitions} partitions (${r.files.length} files) to ${values.out}\n`);
  } finally {
    store.close();
  }
  return EXIT.ok;
}
