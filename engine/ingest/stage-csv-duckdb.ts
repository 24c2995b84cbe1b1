/**
 * The fast way in for big CSV exports: DuckDB's own CSV reader (parallel C++) splits the records, SQL converts every
 * value whose text is in a plain form (ISO 8601 UTC or offset timestamps, epoch milliseconds, decimal numbers,
 * identifiers), and the JavaScript converter of read-csv.ts reads only the other rows. Every value SQL converts gets
 * the same double as the JavaScript reader gives (test/ingest-csv-duckdb.test.ts checks both on the same files).
 *
 * Whenever DuckDB and the JavaScript reader could disagree on where records or fields begin — quotes or line breaks
 * inside values, a record of the wrong width, a header that is not the first line, bytes that are not UTF-8 — the
 * stager gives up and the caller reads the file with the JavaScript reader alone.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { CsvField } from './csv-mapping.ts';
import { readCsvRecords, sniffDelimiter, type CsvRecord } from './csv-records.ts';
import { openInput } from './open-input.ts';
import { DEFAULT_INGEST_LIMITS, eventLoopPacer, type IngestLimits } from './input-limits.ts';
import { planCsv, SAMPLE_ROWS, type CsvPlan, type ReadCsvOptions } from './read-csv.ts';
import { appendRows, STAGING_COLUMNS } from './staging.ts';
import { sqlString } from './sql-literal.ts';

/** Factors of read-csv.ts's unit conversions (csv-mapping.ts), written as DOUBLE literals so SQL multiplies by the same double. */
const DISTANCE_FACTOR: Record<string, string> = { m: '1', km: '1000', mi: '1609.344' };
const DURATION_FACTOR: Record<string, string> = { s: '1', min: '60', h: '3600', ms: '0.001' };

/** Rows of the plain forms SQL converts; anything else is read by JavaScript. */
const ISO_UTC =
  '[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{3})?(Z|[+-][0-9]{2}:[0-9]{2})';
const EPOCH_MS = '[0-9]{1,15}';
const DECIMAL = '-?[0-9]{1,10}(\\.[0-9]{1,17})?';
/** bad_field of staged rows SQL left to JavaScript (never a field name). */
const JS_MARK = '~js';

/** A CSV file read by DuckDB into a temporary table of text columns, not yet converted. */
export interface CsvLoad {
  /** The temporary table: c0, c1, … as text, one row per data row in file order (data row = rowid + 1). */
  table: string;
  plan: CsvPlan;
  names: string[];
  provider: string | null;
}

/**
 * Reads a CSV file into the temporary table `table` with DuckDB's reader when the file allows it (see the file
 * comment). Run it outside a transaction: a file DuckDB cannot read fails only this statement.
 * @returns the load, or null when the caller must read the file with the JavaScript reader (no table is left)
 * @throws ParkzonesError BAD_MAPPING, as the JavaScript reader would
 */
export async function loadCsvWithDuckDb(
  conn: DuckDBConnection, table: string, file: string, gzip: boolean, name: string, options: ReadCsvOptions,
): Promise<CsvLoad | null> {
  const head = await readHead(file, gzip, name, options.limits ?? DEFAULT_INGEST_LIMITS);
  if (!head) return null;
  const plan = planCsv(head.header.fields.map((h) => h.trim()), head.sample, name, options);
  if (!plainPlan(plan)) return null;
  const names = head.header.fields.map((_, i) => `c${i}`);
  try {
    // The table's rows keep the file's order (DuckDB's preserve_insertion_order, on by default, holds for a
    // parallel read too), so a row's rowid + 1 is its data row; test/ingest-csv-duckdb.test.ts checks it on a big file.
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS
       SELECT * FROM read_csv(${sqlString(file)}, header = false, skip = 1, delim = ${sqlString(head.delimiter)},
         quote = '"', escape = '"', columns = {${names.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}, auto_detect = false, strict_mode = true,
         null_padding = false, compression = '${gzip ? 'gzip' : 'none'}')`,
    );
    if (await agreesWithJs(conn, table, head, names)) return { table, plan, names, provider: options.provider };
  } catch {
    // DuckDB could not read it: the JavaScript reader will, or will say why not.
  }
  await conn.run(`DROP TABLE IF EXISTS temp.${table}`);
  return null;
}

/**
 * Converts a {@link loadCsvWithDuckDb} load into the (empty) staging table: SQL for the rows in plain forms, the
 * JavaScript converter for the rest. Drops the load's table.
 */
export async function stageCsvLoad(conn: DuckDBConnection, staging: string, load: CsvLoad): Promise<void> {
  const { table, plan, names } = load;
  const { plain, exprs } = conversionSql(plan, load.provider);
  // One pass: rows in plain forms are converted, the others are marked and then read by JavaScript.
  exprs.bad_field = `CASE WHEN ${plain} THEN NULL ELSE '${JS_MARK}' END`;
  await conn.run(`INSERT INTO temp.${staging} SELECT ${STAGING_COLUMNS.map(([c]) => exprs[c] ?? 'NULL').join(', ')} FROM temp.${table}`);
  const rest = await queryRowsPaced(
    conn,
    `SELECT rowid + 1, ${names.join(', ')} FROM temp.${table}
     WHERE rowid + 1 IN (SELECT row_number FROM temp.${staging} WHERE bad_field = '${JS_MARK}') ORDER BY rowid`,
    async (rows) => {
      const pace = eventLoopPacer();
      const part = [];
      for (const r of rows) {
        const row = plan.convert({ row: Number(r[0]), raw: '', fields: r.slice(1).map((v) => (v === null ? '' : String(v))) });
        row.raw = null;
        part.push(row);
        const p = pace();
        if (p) await p;
      }
      return part;
    },
  );
  await conn.run(`DELETE FROM temp.${staging} WHERE bad_field = '${JS_MARK}'`);
  for (let i = 0; i < rest.length; i += 32768) await appendRows(conn, staging, rest.slice(i, i + 32768));
  await conn.run(`DROP TABLE temp.${table}`);
}

/**
 * The text of data rows `rows` of a file loaded by {@link loadCsvWithDuckDb}: its records are single lines (no value
 * held a line break), so record n is the n-th non-empty line after the header. Use a connection outside the
 * upload's transaction: a failure here must not abort it.
 * @returns row → text (cut to `maxChars`), or null when DuckDB could not read the file as lines
 */
export async function readCsvLines(conn: DuckDBConnection, file: string, gzip: boolean, rows: number[], maxChars: number): Promise<Map<number, string> | null> {
  try {
    await conn.run('CREATE OR REPLACE TEMP TABLE wanted_rows (row_number BIGINT)');
    const appender = await conn.createAppender('wanted_rows', 'main', 'temp');
    for (const r of rows) {
      appender.appendBigInt(BigInt(r));
      appender.endRow();
    }
    appender.closeSync();
    const found = await conn.runAndReadAll(
      `SELECT l.rn - 1, left(l.line, ${maxChars})
       FROM (SELECT row_number() OVER () AS rn, line
             FROM (SELECT line FROM read_csv(${sqlString(file)}, header = false, delim = '\u0001', quote = '', escape = '',
                   columns = {'line': 'VARCHAR'}, strict_mode = false, compression = '${gzip ? 'gzip' : 'none'}')
                   WHERE line IS NOT NULL)) l
       SEMI JOIN temp.wanted_rows w ON w.row_number = l.rn - 1`,
    );
    return new Map(found.getRows().map((r) => [Number(r[0]), String(r[1])]));
  } catch {
    return null;
  }
}

interface Head {
  header: CsvRecord;
  delimiter: string;
  sample: CsvRecord[];
}

/** The header and the first SAMPLE_ROWS records, read by the JavaScript reader; null when the file is too small to gain. */
async function readHead(
  file: string, gzip: boolean, name: string, limits: Pick<IngestLimits, 'maxInflatedBytes' | 'maxRecordBytes'>,
): Promise<Head | null> {
  let firstChunk: Buffer | null = null;
  async function* remembered(): AsyncGenerator<Buffer> {
    for await (const chunk of openInput(file, gzip, name, { maxInflatedBytes: limits.maxInflatedBytes }).chunks) {
      firstChunk ??= chunk;
      yield chunk;
    }
  }
  let header: CsvRecord | null = null;
  const sample: CsvRecord[] = [];
  outer: for await (const records of readCsvRecords(remembered(), name, limits.maxRecordBytes)) {
    for (const r of records) {
      if (!header) header = r;
      else if (sample.length < SAMPLE_ROWS) sample.push(r);
      else break outer; // ends the read: the generators' finally blocks close the file
    }
  }
  if (!header || sample.length < SAMPLE_ROWS) return null;
  // skip = 1 drops the first line: the header must be it, whole (no blank line before it, no line break inside).
  if (header.raw.includes('\n') || !firstLineIs(firstChunk!, header.raw)) return null;
  return { header, delimiter: sniffDelimiter(header.raw), sample };
}

/** The file's first chunk starts with `line` (after a byte-order mark), then a line end. */
function firstLineIs(chunk: Buffer, line: string): boolean {
  const text = chunk.toString('utf8', 0, Math.min(chunk.length, Buffer.byteLength(line) + 8)).replace(/^\uFEFF/, '');
  return text.startsWith(line) && /^\r?\n/.test(text.slice(line.length));
}

/**
 * Runs `sql` and hands its rows to `each` a DuckDB chunk (≤ 2048 rows) at a time, converting values column by column
 * and letting the event loop run every 20 ms (a wide file's rows are many values).
 * @returns what `each` returned, concatenated
 */
async function queryRowsPaced<T>(conn: DuckDBConnection, sql: string, each: (rows: DuckDBValue[][]) => Promise<T[]>): Promise<T[]> {
  const result = await conn.stream(sql);
  const pace = eventLoopPacer();
  const out: T[] = [];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const rows: DuckDBValue[][] = Array.from({ length: chunk.rowCount }, () => new Array<DuckDBValue>(chunk!.columnCount));
    for (let c = 0; c < chunk.columnCount; c++) {
      const values = chunk.getColumnValues(c);
      for (let r = 0; r < values.length; r++) rows[r]![c] = values[r]!;
      const p = pace();
      if (p) await p;
    }
    for (const x of await each(rows)) out.push(x);
  }
  return out;
}

/** The plan has nothing SQL cannot do: no date and time joined from two columns, no H:MM:SS durations. */
function plainPlan(plan: CsvPlan): boolean {
  const distance = plan.columns.get('distance_m');
  const duration = plan.columns.get('duration_s');
  return (
    !plan.columns.has('start_date') && !plan.columns.has('end_date') &&
    (!distance || distance.unit! in DISTANCE_FACTOR) && (!duration || duration.unit! in DURATION_FACTOR)
  );
}

/** DuckDB split the first records exactly as the JavaScript reader did, and no value holds a quote or a line break. */
async function agreesWithJs(conn: DuckDBConnection, raw: string, head: Head, names: string[]): Promise<boolean> {
  const width = names.length;
  // Values holding a quote or a line break are where the two readers could split differently.
  const tricky = names.map((c) => `contains(${c}, '"') OR contains(${c}, chr(10)) OR contains(${c}, chr(13))`).join(' OR ');
  const n = Number((await conn.runAndReadAll(`SELECT count(*) FROM temp.${raw} WHERE ${tricky}`)).getRows()[0]![0]);
  if (n > 0) return false;
  const first = await queryRowsPaced(conn, `SELECT rowid + 1, * FROM temp.${raw} WHERE rowid < ${head.sample.length} ORDER BY rowid`, async (r) => r);
  if (first.length !== head.sample.length) return false;
  return head.sample.every((rec, i) => {
    const got = first[i]!;
    if (Number(got[0]) !== rec.row || rec.fields.length !== width) return false;
    return rec.fields.every((f, j) => f === (got[j + 1] === null ? '' : String(got[j + 1])));
  });
}

/**
 * SQL for each staging column, and the predicate of rows whose every used value is in a plain form. For those rows
 * the expressions give what read-csv.ts's converter gives: trimmed-free text, Number(), Date.UTC, the same factors.
 */
function conversionSql(plan: CsvPlan, provider: string | null): { plain: string; exprs: Record<string, string> } {
  const col = plan.columns;
  const ref = (f: CsvField) => `c${col.get(f)!.index}`;
  const conds: string[] = [];
  const empty = (v: string) => `(${v} IS NULL OR ${v} = '')`;
  const text = (f: CsvField): string => {
    if (!col.has(f)) return 'NULL';
    const v = ref(f);
    // JavaScript trims; values that start or end with anything but printable ASCII are left to it.
    conds.push(`(${empty(v)} OR (ascii(${v}) BETWEEN 33 AND 126 AND ascii(right(${v}, 1)) BETWEEN 33 AND 126))`);
    return `NULLIF(${v}, '')`;
  };
  const number = (f: CsvField, factor = '1'): string => {
    if (!col.has(f)) return 'NULL';
    const v = ref(f);
    conds.push(`(${empty(v)} OR regexp_full_match(${v}, '${DECIMAL}'))`);
    return `(TRY_CAST(NULLIF(${v}, '') AS DOUBLE) * CAST('${factor}' AS DOUBLE))`;
  };
  const time = (f: CsvField): string => {
    if (!col.has(f)) return 'NULL';
    const v = ref(f);
    conds.push(`(${empty(v)} OR regexp_full_match(${v}, '${EPOCH_MS}') OR (regexp_full_match(${v}, '${ISO_UTC}') AND TRY_CAST(left(${v}, 10) AS DATE) IS NOT NULL))`);
    const zone = `CASE WHEN right(${v}, 1) = 'Z' THEN 0 ELSE (CASE WHEN left(right(${v}, 6), 1) = '-' THEN -1 ELSE 1 END)
      * (TRY_CAST(substr(right(${v}, 5), 1, 2) AS BIGINT) * 60 + TRY_CAST(right(${v}, 2) AS BIGINT)) * 60000 END`;
    const iso = `(epoch_ms(TRY_CAST(left(${v}, 19) AS TIMESTAMP)) + CASE WHEN substr(${v}, 20, 1) = '.' THEN TRY_CAST(substr(${v}, 21, 3) AS BIGINT) ELSE 0 END - ${zone})::DOUBLE`;
    return `CASE WHEN NULLIF(${v}, '') IS NULL THEN NULL WHEN regexp_full_match(${v}, '${EPOCH_MS}') THEN TRY_CAST(${v} AS DOUBLE) ELSE ${iso} END`;
  };
  const unit = (f: CsvField) => col.get(f)?.unit ?? '';
  const providerId = col.has('provider_id') ? `COALESCE(${text('provider_id')}, ${sqlString(provider)})` : sqlString(provider);
  const exprs: Record<string, string> = {
    row_number: 'rowid + 1',
    provider_id: providerId,
    provider_name: text('provider_name'),
    trip_id: text('trip_id'),
    device_id: text('device_id'),
    vehicle_type: text('vehicle_type'),
    trip_type: text('trip_type'),
    start_ms: time('start_time'),
    end_ms: time('end_time'),
    start_lat: number('start_lat'),
    start_lng: number('start_lng'),
    end_lat: number('end_lat'),
    end_lng: number('end_lng'),
    distance_m: number('distance_m', DISTANCE_FACTOR[unit('distance_m')]),
  };
  const duration = number('duration_s', DURATION_FACTOR[unit('duration_s')]);
  exprs.duration_s = `COALESCE(${duration}, (${exprs.end_ms} - ${exprs.start_ms}) / 1000)`;
  return { plain: conds.length ? conds.join(' AND ') : 'TRUE', exprs };
}
