import fs from 'node:fs';
import path from 'node:path';
import { ParkzonesError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { STORED_CELL_RESOLUTIONS, endCellColumn, endCellSql } from '../store/cell-columns.ts';

/** Options of {@link exportTripsParquet}. */
export interface ExportTripsOptions {
  /** Folder to write into; created when missing, and must be empty when it exists. */
  out: string;
  /** IANA zone whose calendar months partition the trips (by end time). Default `UTC`. */
  tz?: string;
}

/** What {@link exportTripsParquet} wrote. */
export interface ExportTripsResult {
  /** Trips written. */
  trips: number;
  /** `provider_id=…/month=…` folders written. */
  partitions: number;
  /** Parquet files written, relative to `out`, sorted. */
  files: string[];
}

/** Columns of each exported trip besides the partition columns (`provider_id`, `month`). */
export const EXPORTED_TRIP_COLUMNS: readonly string[] = Object.freeze([
  'trip_id', 'device_id', 'vehicle_type', 'trip_type', 'start_time', 'end_time', 'start_lat', 'start_lng', 'end_lat', 'end_lng',
  'distance_m', 'duration_s', 'upload_id', ...STORED_CELL_RESOLUTIONS.map(endCellColumn),
]);

/** The SELECT of the trips as exported: every column, each cell column filled (computed for a row stored without it), and `month`. */
export function exportTripsSql(): string {
  const cols = EXPORTED_TRIP_COLUMNS.map((c) => {
    const res = STORED_CELL_RESOLUTIONS.find((r) => endCellColumn(r) === c);
    return res === undefined ? c : `${endCellSql(res)} AS ${c}`;
  });
  return `SELECT provider_id, strftime(timezone($tz::VARCHAR, end_time), '%Y-%m') AS month, ${cols.join(', ')} FROM trips`;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

function listParquet(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listParquet(dir, r));
    else if (e.name.endsWith('.parquet')) out.push(r);
  }
  return out.sort();
}

/**
 * Writes every stored trip as Parquet partitioned by provider and month of its end time, in the Hive layout
 * (`provider_id=P/month=YYYY-MM/data_0.parquet`, written by DuckDB's `COPY … PARTITION_BY`), with the end cell
 * columns `end_cell_7 … end_cell_12` (UBIGINT), so that any engine reading that layout bins with a plain
 * `GROUP BY end_cell_10`. The partition columns are in the folder names, not in the files (read them with
 * `hive_partitioning`).
 * @example
 * await exportTripsParquet(store, { out: 'export/trips' });
 * // SELECT end_cell_10, count(*) FROM read_parquet('export/trips/** /*.parquet', hive_partitioning = true) GROUP BY 1
 */
export async function exportTripsParquet(store: Store, options: ExportTripsOptions): Promise<ExportTripsResult> {
  const out = path.resolve(options.out);
  const tz = options.tz ?? 'UTC';
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new ParkzonesError('BAD_OPTION', `--out: ${options.out} exists and is not a folder`, { option: 'out' });
    if (fs.readdirSync(out).length > 0) throw new ParkzonesError('BAD_OPTION', `--out: the folder ${options.out} is not empty (an export writes into an empty or new folder)`, { option: 'out' });
  }
  const [z] = await store.query(`SELECT count(*) AS n FROM pg_timezone_names() WHERE name = $tz`, { tz });
  if (Number(z?.n) === 0) throw new ParkzonesError('BAD_OPTION', `--tz: unknown time zone "${tz}"`, { option: 'tz' });
  const [c] = await store.query('SELECT count(*) AS n FROM trips');
  const trips = Number(c?.n ?? 0);
  fs.mkdirSync(out, { recursive: true });
  if (trips > 0) {
    await store.run(
      `COPY (${exportTripsSql()} ORDER BY provider_id, month, end_time, trip_id)
       TO ${quote(out)} (FORMAT parquet, PARTITION_BY (provider_id, month), OVERWRITE_OR_IGNORE true)`,
      { tz },
    );
  }
  const files = listParquet(out);
  return { trips, partitions: new Set(files.map((f) => path.dirname(f))).size, files };
}
