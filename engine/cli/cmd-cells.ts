import { ParkzonesError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { demandCells, cellParkedPeaks, writeDemandCells, cellFileFormat, type DemandFilter } from '../bin/index.ts';
import { EXIT, numberOption, parseCommandArgs } from './cli-util.ts';

const HELP = `parkzones cells — demand per H3 cell (trip ends binned with DuckDB)

usage: parkzones cells --res N --out FILE.(geojson|csv|parquet) [--from DATE] [--to DATE] [--hours 7,8,9]
                       [--days all|weekday|weekend] [--providers a,b] [--tz ZONE]

  --res N        H3 resolution 7–12 (10 ≈ 66 m across, a block face)
  --from, --to   local date or date-time bounds of trip ends (to is exclusive)
  --hours        local hours of day to keep, comma-separated
  --days         weekday, weekend or all (default)
  --providers    provider ids to keep, comma-separated
  --tz ZONE      IANA zone for dates, hours and weekdays (default UTC)
Each cell: id (hex), centroid, trips, devices, days, weekday trips, median parked seconds, vehicles parked at once
(highest 15-minute slot and p85 of daily peaks), 24-hour profile.
Store: $PARKZONES_DB (default ./data/parkzones.duckdb). DuckDB's memory: $PARKZONES_MEMORY_LIMIT (default 512MB for
cells: a year of 40 M trips then bins within 2 GB, as fast as with more).
`;

/**
 * DuckDB's memory limit for `parkzones cells` when $PARKZONES_MEMORY_LIMIT is unset. DuckDB's own memory passes its
 * limit by about 0.9 GB during the distinct counts of a large history, so the store's 1 GB default took a year of
 * 40 M trips to 2,258 MB; at 512 MB it peaks at 1,813 MB, in 29.2 s against 29.5 s (bench/history.bench.ts' store,
 * same cells); 10 M trips 7.25 s against 7.76 s, 1.1 M the same (farm-bench in turn).
 */
export const CELLS_MEMORY_LIMIT = '512MB';

/** Parses the shared filter flags of commands that read trips. */
export function filterFromFlags(values: { from?: string; to?: string; hours?: string; days?: string; providers?: string; tz?: string }): DemandFilter {
  const filter: DemandFilter = {};
  if (values.from) filter.from = values.from;
  if (values.to) filter.to = values.to;
  if (values.hours) filter.hours = values.hours.split(',').map((h) => numberOption(h, 'hours')!);
  if (values.days) filter.days = values.days as DemandFilter['days'];
  if (values.providers) filter.providers = values.providers.split(',').map((p) => p.trim()).filter(Boolean);
  if (values.tz) filter.tz = values.tz;
  return filter;
}

/** The filter flags' parseArgs declarations. */
export const FILTER_FLAGS = {
  from: { type: 'string' }, to: { type: 'string' }, hours: { type: 'string' }, days: { type: 'string' },
  providers: { type: 'string' }, tz: { type: 'string' },
} as const;

/** `parkzones cells`: writes demand cells for a resolution and filter. */
export async function runCells(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...FILTER_FLAGS, res: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const res = numberOption(values.res, 'res');
  if (res === undefined || !values.out) throw new ParkzonesError('BAD_OPTION', '--res and --out are required (see --help)', { option: 'res' });
  cellFileFormat(values.out);
  const store = await openStore({ defaultMemoryLimit: CELLS_MEMORY_LIMIT });
  try {
    const filter = filterFromFlags(values);
    const d = await demandCells(store, { res, filter });
    await writeDemandCells(store, d, values.out, await cellParkedPeaks(store, d, { filter }));
    const memory = await store.memoryLimit();
    process.stdout.write(`wrote ${d.count} cells (${d.totalTrips} trip ends, resolution ${res}) to ${values.out} (DuckDB memory limit ${memory})\n`);
    if (d.count === 0) process.stdout.write('no trip ends match: is the store empty, or the filter too narrow?\n');
  } finally {
    store.close();
  }
  return EXIT.ok;
}
