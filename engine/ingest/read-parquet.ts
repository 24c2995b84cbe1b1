import type { DuckDBConnection } from '@duckdb/node-api';
import { ParkzonesError } from '../errors.ts';
import { mapCsvHeader, type ColumnUse, type CsvField } from './csv-mapping.ts';
import { derivedTripIdSql, STAGING_COLUMNS } from './staging.ts';
import { sqlString } from './sql-literal.ts';

const DISTANCE_SQL: Record<string, string> = { m: '', km: ' * 1000', mi: ' * 1609.344' };
const DURATION_SQL: Record<string, string> = { s: '', min: ' * 60', h: ' * 3600', ms: ' / 1000' };

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** What {@link stageParquet} staged: the columns used, and those whose times carry no zone. */
export interface ParquetStaged {
  uses: ColumnUse[];
  /** Headers of time columns of zone-less times (TIMESTAMP without a zone, or text without an offset), read in the column's zone or `tz`. */
  localTimeColumns: string[];
}

/** A TIMESTAMP (no zone) `v` read as wall time in `tz`, the earlier instant when the clock showed it twice (as the CSV reader). */
function wallTimeSql(v: string, tz: string): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return `epoch_ms(${v})::DOUBLE`;
  const z = sqlString(tz);
  // DuckDB takes the later instant of a repeated hour; an hour earlier, plus an hour, is the earlier one.
  return `least(epoch_ms(timezone(${z}, ${v})), epoch_ms(timezone(${z}, ${v} - INTERVAL 1 HOUR)) + 3600000)::DOUBLE`;
}

/**
 * Stages a Parquet file as the temporary view `staging` over the file (DuckDB reads it in parallel, streaming).
 * Columns are found by the same names and synonyms as CSV headers; timestamps may be TIMESTAMPTZ, TIMESTAMP (a wall
 * time, read in the column's zone or `tz`), text, or integer ms. Values that do not convert mark the row bad, like
 * the text readers do. Without a trip id column, each row's id is derived from its content (staging.ts).
 */
export async function stageParquet(
  conn: DuckDBConnection,
  staging: string,
  file: string,
  displayName: string,
  provider: string | null,
  mapping: Record<string, string>,
  tz = 'UTC',
): Promise<ParquetStaged> {
  const src = `read_parquet(${sqlString(file)}, file_row_number = true)`; // row text is added to rejects later
  let described: { name: string; type: string }[];
  try {
    const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
    described = reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (e) {
    throw new ParkzonesError('BAD_FILE', `${displayName}: not a readable Parquet file (${firstLine(e, file, displayName)})`, { file: displayName });
  }
  const uses = mapCsvHeader(described.map((d) => d.name).filter((n) => n !== 'file_row_number'), mapping, displayName);
  const col = new Map<CsvField, ColumnUse>(uses.map((u) => [u.field, u]));
  const typeOf = (u: ColumnUse) => described.find((d) => d.name === u.source)!.type;
  if (!col.has('provider_id') && !provider) {
    throw new ParkzonesError('BAD_MAPPING', `${displayName}: no provider column and no provider given; pass the provider (--provider ID)`, {
      file: displayName,
      field: 'provider_id',
    });
  }
  const ref = (f: CsvField) => `p.${quoteIdent(col.get(f)!.source)}`;
  const textOf = (f: CsvField) => (col.has(f) ? `NULLIF(CAST(${ref(f)} AS VARCHAR), '')` : 'NULL');
  const doubleOf = (f: CsvField) => (col.has(f) ? `TRY_CAST(${ref(f)} AS DOUBLE)` : 'NULL');
  const localTimeColumns: string[] = [];
  const textTimes: string[] = [];
  const timeOf = (f: CsvField) => {
    if (!col.has(f)) return 'NULL';
    const use = col.get(f)!;
    const t = typeOf(use);
    const zone = use.zone ?? tz;
    if (t === 'TIMESTAMP WITH TIME ZONE') return `epoch_ms(${ref(f)})::DOUBLE`;
    if (t.startsWith('TIMESTAMP') || t === 'DATE') {
      if (!localTimeColumns.includes(use.source)) localTimeColumns.push(use.source);
      return wallTimeSql(`${ref(f)}::TIMESTAMP`, zone);
    }
    if (/INT|DOUBLE|FLOAT|DECIMAL/.test(t)) return `${ref(f)}::DOUBLE`;
    // Text: with a zone or offset it is absolute, else a wall time.
    const v = `CAST(${ref(f)} AS VARCHAR)`;
    textTimes.push(use.source);
    return `CASE WHEN regexp_matches(trim(${v}), '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN epoch_ms(TRY_CAST(${v} AS TIMESTAMPTZ))::DOUBLE
      ELSE ${wallTimeSql(`TRY_CAST(${v} AS TIMESTAMP)`, zone)} END`;
  };
  const badChecks: [CsvField, string][] = [];
  for (const f of ['start_time', 'end_time'] as const) if (col.has(f)) badChecks.push([f, `${ref(f)} IS NOT NULL AND ${timeOf(f)} IS NULL`]);
  for (const f of ['start_lat', 'start_lng', 'end_lat', 'end_lng', 'distance_m', 'duration_s'] as const) {
    if (col.has(f)) badChecks.push([f, `${ref(f)} IS NOT NULL AND ${doubleOf(f)} IS NULL`]);
  }
  const badField = badChecks.length ? `CASE ${badChecks.map(([f, c]) => `WHEN ${c} THEN '${f}'`).join(' ')} END` : 'NULL';
  const badReason = badChecks.length
    ? `CASE ${badChecks.map(([f, c]) => `WHEN ${c} THEN 'cannot read ' || left(CAST(${ref(f)} AS VARCHAR), 200) || ' as ${f.endsWith('time') ? 'a timestamp' : 'a number'}'`).join(' ')} END`
    : 'NULL';
  for (const u of uses) {
    if (u.field === 'distance_m') u.unit ??= 'm';
    if (u.field === 'duration_s') u.unit ??= 's';
  }
  const exprs: Record<string, string> = {
    row_number: 'p.file_row_number + 1',
    provider_id: col.has('provider_id') ? `COALESCE(${textOf('provider_id')}, ${sqlString(provider)})` : sqlString(provider),
    provider_name: textOf('provider_name'),
    trip_id: textOf('trip_id'),
    device_id: textOf('device_id'),
    vehicle_type: textOf('vehicle_type'),
    trip_type: textOf('trip_type'),
    start_ms: timeOf('start_time'),
    end_ms: timeOf('end_time'),
    start_lat: doubleOf('start_lat'),
    start_lng: doubleOf('start_lng'),
    end_lat: doubleOf('end_lat'),
    end_lng: doubleOf('end_lng'),
    distance_m: col.has('distance_m') ? `${doubleOf('distance_m')}${DISTANCE_SQL[col.get('distance_m')!.unit!] ?? ''}` : 'NULL',
    duration_s: col.has('duration_s') ? `${doubleOf('duration_s')}${DURATION_SQL[col.get('duration_s')!.unit!] ?? ''}` : 'NULL',
    bad_field: badField,
    bad_reason: badReason,
    raw: 'NULL',
  };
  try {
    // A view, not a copy: each step of the upload reads the file again (DuckDB scans Parquet at ~150 M values/s),
    // and no table of every row competes for memory with the insert.
    const select = `SELECT ${STAGING_COLUMNS.map(([c]) => `${exprs[c]} AS ${c}`).join(', ')} FROM ${src} p`;
    // No trip id column: the id is derived from the row's content, as for CSV (staging.ts).
    const view = col.has('trip_id') ? select : `SELECT * REPLACE (${derivedTripIdSql()} AS trip_id) FROM (${select})`;
    await conn.run(`CREATE TEMP VIEW ${staging} AS ${view}`);
    await conn.run(`SELECT count(*) FROM temp.${staging}`);
  } catch (e) {
    throw new ParkzonesError('BAD_FILE', `${displayName}: the Parquet file cannot be read to the end (${firstLine(e, file, displayName)})`, { file: displayName });
  }
  for (const source of new Set(textTimes)) {
    // A text time column is local when its first values carry no zone.
    const v = `CAST(${quoteIdent(source)} AS VARCHAR)`;
    const local = await conn.runAndReadAll(
      `SELECT count(*) FROM (SELECT ${v} AS v FROM ${src} WHERE ${quoteIdent(source)} IS NOT NULL LIMIT 1000) WHERE NOT regexp_matches(trim(v), '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')`,
    );
    if (Number(local.getRows()[0]![0]) > 0) localTimeColumns.push(source);
  }
  return { uses, localTimeColumns };
}

/** DuckDB's message, its first line, with the file's path (a spool or temporary file) replaced by the upload's name. */
function firstLine(e: unknown, file: string, displayName: string): string {
  return String((e as Error).message ?? e).split('\n')[0]!.replaceAll(file, displayName);
}
