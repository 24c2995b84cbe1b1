import { ParkzonesError } from '../errors.ts';
import { openStore, defaultStorePath } from '../store/open-store.ts';
import { ingestUpload, loadServiceArea, type IngestReport } from '../ingest/index.ts';
import { EXIT, parseCommandArgs, progressBar, reportError } from './cli-util.ts';

const HELP = `parkzones ingest — load trip exports into the store

usage: parkzones ingest FILE… [--provider ID] [--format auto|mds1|mds2|csv|parquet] [--tz ZONE] [--map field=column[:unit]]…
                        [--encoding auto|utf-8|windows-1252|latin1] [--service-area FILE.geojson|WEST,SOUTH,EAST,NORTH]

  --provider ID   provider id for files that carry none (CSV without a provider column)
  --format F      force a reader (default: read off the content; gzip is always detected)
  --tz ZONE       IANA time zone of times without a zone or offset, in every format (default UTC, with a warning);
                  a time header ending in _utc (start_time_utc) is read in UTC
  --map F=C       take field F from column C, optionally with a unit (distance m|km|mi, duration s|min|h|ms|hms),
                  e.g. --map end_lat=Lat_End --map distance_m=Dist:mi
  --encoding E    text encoding of CSV and JSON files: auto (default: all bytes valid UTF-8 → utf-8, else the
                  whole file as windows-1252 / Latin-1), utf-8 (refuse a file that is not), windows-1252, latin1
  --service-area A  the city's service area, a GeoJSON Polygon/MultiPolygon file or a box west,south,east,north:
                  trips that end or start outside it are rejected (without one, ends more than 50 km from the
                  median end draw a warning)
  --rejects N     how many rejects to print per file (default 10)

Each file is one transaction: it is stored whole or not at all. Every row is stored, a duplicate of a stored
(provider_id, trip_id), or rejected with its row number, field and reason (see the rejects table).
Store: $PARKZONES_DB (default ./data/parkzones.duckdb). DuckDB's memory: $PARKZONES_MEMORY_LIMIT (default 512MB
for ingest: uploads stream and spill, and a 2 GB CSV or Parquet file then ingests within 1 GB at the same speed).
$PARKZONES_INGEST_SLICE_ROWS: rows inserted at a time within a file's transaction (default 2000000).
A zip archive is read member by member: each CSV, JSON or Parquet file in it is a file of its own.
Exit codes: 0 all files ingested, 3 a file could not be read (others are still ingested), 2 bad options,
6 a file was read but every one of its rows was rejected, so it stored nothing (others are still ingested).
`;

/**
 * DuckDB's memory limit for `parkzones ingest` when $PARKZONES_MEMORY_LIMIT is unset. Measured with
 * bench/ingest.bench.ts on 2 GB inputs: CSV 0.155 M trips/s at 890 MB peak RSS (1,532 MB with 1 GB), Parquet 0.81 M/s
 * at 764 MB (0.86 M/s, 1,235 MB with 1 GB).
 */
export const INGEST_MEMORY_LIMIT = '512MB';

/** `parkzones ingest`: loads files, prints per file what was read, stored, duplicate and rejected. */
export async function runIngest(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      provider: { type: 'string' }, format: { type: 'string' }, tz: { type: 'string' }, map: { type: 'string', multiple: true }, encoding: { type: 'string' },
      rejects: { type: 'string' }, 'service-area': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new ParkzonesError('BAD_OPTION', 'no file given (see --help)', {});
  const mapping: Record<string, string> = {};
  for (const m of values.map ?? []) {
    const eq = m.indexOf('=');
    if (eq <= 0) throw new ParkzonesError('BAD_OPTION', `--map: expected field=column, got "${m}"`, { option: 'map' });
    mapping[m.slice(0, eq)] = m.slice(eq + 1);
  }
  const showRejects = Number(values.rejects ?? 10);
  const serviceArea = values['service-area'] ? loadServiceArea(values['service-area']) : undefined;
  const store = await openStore({ defaultMemoryLimit: INGEST_MEMORY_LIMIT });
  let exit: number = EXIT.ok;
  let memory = '';
  try {
    memory = await store.memoryLimit();
    for (const file of positionals) {
      const bar = progressBar(`ingest ${file}`);
      try {
        const reports = await ingestUpload(store, file, {
          provider: values.provider, format: values.format as never, tz: values.tz, mapping, encoding: values.encoding as never, ...(serviceArea ? { serviceArea } : {}),
          ...(process.env.PARKZONES_INGEST_SLICE_ROWS ? { sliceRows: Number(process.env.PARKZONES_INGEST_SLICE_ROWS) } : {}),
          onProgress: (p) => bar.update(p.totalBytes ? p.bytes / p.totalBytes : 0, `${p.rows.toLocaleString('en')} rows`),
        });
        bar.done(`${reports.reduce((n, r) => n + r.rowsRead, 0).toLocaleString('en')} rows`);
        for (const report of reports) {
          printReport(report, showRejects);
          if (report.allRejected && exit === EXIT.ok) exit = EXIT.allRejected;
        }
      } catch (e) {
        process.stderr.write('\n');
        const code = reportError(e);
        if (code === EXIT.usage) return code;
        exit = code;
      }
    }
  } finally {
    store.close();
  }
  process.stdout.write(`store: ${defaultStorePath()} (DuckDB memory limit ${memory})\n`);
  return exit;
}

function printReport(r: IngestReport, showRejects: number): void {
  const lines = [
    `${r.fileName}: upload ${r.uploadId}, format ${r.format}${r.csvReader ? ` (read by ${r.csvReader === 'duckdb' ? 'DuckDB' : 'JavaScript'})` : ''}, provider ${r.providerId ?? '(several)'}`,
    `  read ${r.rowsRead}, stored ${r.rowsStored}, duplicate ${r.rowsDuplicate}, rejected ${r.rowsRejected}`,
  ];
  if (r.encoding) lines.push(`  encoding: ${r.encoding.name} (${r.encoding.how})`);
  if (r.sameAsUploadId !== null) lines.push(`  the same file as upload ${r.sameAsUploadId}: nothing new stored`);
  lines.push('  columns: ' + r.columns.map((c) => `${c.field}←${c.source}${c.unit ? ` [${c.unit}]` : ''}`).join(', '));
  for (const c of r.columns) if (c.how && c.how !== 'header') lines.push(`    ${c.field}: ${c.how}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.rowsRejected > 0) {
    lines.push(`  rejects by reason (count, field: reason, first row):`);
    for (const g of r.rejectsByReason) lines.push(`    ${g.count} × ${g.field}: ${g.reason} (row ${g.firstRow}: ${g.example})`);
    lines.push(`  first rejects (row, field: reason):`);
    for (const x of r.firstRejects.slice(0, showRejects)) lines.push(`    row ${x.rowNumber}, ${x.field}: ${x.reason}`);
    if (r.rowsRejected > showRejects) lines.push(`    … all ${r.rowsRejected} in: SELECT * FROM rejects WHERE upload_id = ${r.uploadId}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
