import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ParkzonesError, requireOption } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { checkInflatedSize, inflatedTooLarge, openInput, sha256File, sniffInput, type InputFormat } from './open-input.ts';
import { eventLoopPacer, limitError, resolveLimits, type IngestLimits } from './input-limits.ts';
import { emptyTimeStats, readCsvTrips, type CsvTimeStats } from './read-csv.ts';
import { scanJsonTrips, type JsonPayloadInfo } from './json-trips-scanner.ts';
import { readCsvRecords } from './csv-records.ts';
import { mdsTripToRow } from './mds-trip-to-row.ts';
import { stageParquet } from './read-parquet.ts';
import { appendRows, checkAndStore, createStaging, DEFAULT_SLICE_ROWS, deriveTripIds, DERIVED_TRIP_ID_FIELDS, DERIVED_TRIP_ID_PREFIX } from './staging.ts';
import { loadCsvWithDuckDb, readCsvLines, stageCsvLoad } from './stage-csv-duckdb.ts';
import { isValidTimeZone } from './parse-time.ts';
import { isCsvField, type ColumnUse } from './csv-mapping.ts';
import { isValidProviderId, PROVIDER_ID_RULE } from '../provider-id.ts';
import { quoteInput } from '../quote-input.ts';
import { RAW_MAX_CHARS, RAW_MAX_REJECTS, type StagingRow } from './staging-row.ts';
import { listRejects, rejectGroupsSql, toRejectGroups, type RejectGroup, type RejectRow } from './uploads.ts';
import { clearUploadInFlight, markUploadInFlight } from '../store/check-store.ts';
import { faultPoint } from '../fault-point.ts';
import { decideEncoding, ENCODING_CHOICES, type EncodingChoice, type EncodingDecision, type TextEncoding } from './decide-encoding.ts';
import { forEachZipMember, isZipFile } from './read-zip.ts';
import { serviceAreaChecks } from './row-checks.ts';
import type { ServiceArea } from './service-area.ts';
import { locationPrecision, type LocationPrecision } from './location-precision.ts';

/** Options of {@link ingestFile}. */
export interface IngestOptions {
  /**
   * The upload's provider: rows whose file names none (CSV without a provider column) get it, and rows naming
   * another provider are rejected (field `provider_id`), so that an upload attributed to A holds only A's trips.
   * Default: none (rows without a provider fail; each row keeps its own).
   */
  provider?: string;
  /** 'auto' (default) reads the format off the content; the others force a reader. */
  format?: 'auto' | InputFormat;
  /** IANA time zone of local wall times in CSV files. Default 'UTC'. */
  tz?: string;
  /** Explicit field → column mapping for CSV/Parquet, e.g. { end_lat: 'Lat_End', distance_m: 'Dist:mi' }. Default: by header synonyms. */
  mapping?: Record<string, string>;
  /** Name recorded for the upload and used in messages. Default: the file's base name. */
  fileName?: string;
  /** Operator scope: rows of any other provider are rejected. Default: none. */
  onlyProvider?: string;
  /** Rows per staging batch: bounds memory, and a batch fits the 64 MB young generation the CLI runs with. Default 32,768. */
  batchRows?: number;
  /**
   * Rows inserted into `trips` at a time, by ranges of row numbers, inside the upload's one transaction, once its
   * duplicates and next starts are known (staging.ts `checkAndStore`): the same rows as one insert, with the join to
   * their next starts in memory. Default DEFAULT_SLICE_ROWS (2 M).
   */
  sliceRows?: number;
  /**
   * CSV reader: 'auto' (default) reads a CSV file of more than a thousand rows with DuckDB's reader where it can
   * (see stage-csv-duckdb.ts), else with the JavaScript reader; 'js' always uses the JavaScript reader.
   */
  csvReader?: 'auto' | 'js';
  /**
   * Text encoding of a CSV or JSON file: 'auto' (default) checks every byte and reads the file as UTF-8 when all of it
   * is, else as windows-1252 (Latin-1); 'utf-8' refuses a file that is not; 'windows-1252' / 'latin1' read it so.
   * Decided once for the whole file (decide-encoding.ts); the report says what and why.
   */
  encoding?: EncodingChoice;
  /**
   * Stops the ingest when aborted before its commit: DuckDB's work is interrupted, the transaction rolled back, and
   * the ingest throws UNAVAILABLE (nothing stored). Once the commit has begun it runs to its end. Default: none.
   */
  signal?: AbortSignal;
  /** Bounds of inflated size, record length, JSON depth and time (input-limits.ts); past one the upload fails with TOO_LARGE. Default: DEFAULT_INGEST_LIMITS. */
  limits?: Partial<IngestLimits>;
  /** The city's service area: trip ends or starts outside it are rejected. Default none (far ends draw a warning). */
  serviceArea?: ServiceArea;
  /** Progress callback, called at most every 64k rows and once at the end. */
  onProgress?: (p: { bytes: number; totalBytes: number; rows: number }) => void;
}

/** The outcome of one upload. rowsRead = rowsStored + rowsDuplicate + rowsRejected. */
export interface IngestReport {
  uploadId: number;
  providerId: string | null;
  fileName: string;
  format: string;
  sha256: string;
  rowsRead: number;
  rowsStored: number;
  rowsDuplicate: number;
  rowsRejected: number;
  status: 'stored';
  /** Which column (or JSON member) fed which field, in which unit, and how that was decided. */
  columns: { field: string; source: string; unit?: string; how?: string }[];
  /** The first rejects (up to 20), in row order. */
  firstRejects: RejectRow[];
  /** Every reject counted by field and reason, largest group first. */
  rejectsByReason: RejectGroup[];
  /** Rows were read and every one was rejected: the file stored nothing. */
  allRejected: boolean;
  /** An earlier upload of the very same bytes, if any (its rows are now duplicates). */
  sameAsUploadId: number | null;
  /** For CSV: which reader split the records ('duckdb' or 'javascript'). */
  csvReader?: 'duckdb' | 'javascript';
  /** For CSV and JSON: the encoding the file was read in, and how that was decided. */
  encoding?: EncodingDecision;
  /** What the counts do not say and a person should know: local times read without a zone, repeated or skipped clock hours, … */
  warnings: string[];
  /** For CSV: how times were read (local wall times, repeated and skipped hours). */
  times?: CsvTimeStats;
  /** How fine the stored trip ends are (decimals, points, share on the most repeated ones); null when nothing was stored. */
  precision: LocationPrecision | null;
}

const MDS_COLUMNS = [
  { field: 'trip_id', source: 'trip_id' },
  { field: 'provider_id', source: 'provider_id' },
  { field: 'device_id', source: 'device_id' },
  { field: 'start_time', source: 'start_time', unit: 'ms' },
  { field: 'end_time', source: 'end_time', unit: 'ms' },
];

/**
 * Ingests one trip export into the store as a single transaction: every row is stored in `trips`, found to be a
 * duplicate of a stored (provider_id, trip_id), or recorded in `rejects` with its row, field and reason; the
 * upload's counts go to `uploads`. If anything fails midway (or the process dies), nothing of the file is stored.
 * @throws ParkzonesError BAD_FILE (not parseable: empty, truncated, binary; names the file and byte position),
 *   BAD_FORMAT (no trips array), BAD_MAPPING (no column for a needed field), BAD_OPTION (bad option),
 *   TOO_LARGE (past a bound of `options.limits`, named by the error's `limit`)
 * @example
 * const report = await ingestFile(store, 'trips.csv', { provider: 'acme', tz: 'America/New_York' });
 */
export async function ingestFile(store: Store, file: string, options: IngestOptions = {}): Promise<IngestReport> {
  return store.exclusive(() => ingestAlone(store, file, options));
}

/**
 * Ingests one uploaded file: a trip export ({@link ingestFile}), or a zip archive of them, each member of which is a
 * file of the upload (its own transaction and upload row, named `archive.zip/member.csv`), in archive order.
 * @returns one report per file stored, in order; members a zip holds besides trip files are named in the first
 *   report's warnings
 * @throws ParkzonesError as {@link ingestFile}; for an archive, members before the failing one stay stored
 */
export async function ingestUpload(store: Store, file: string, options: IngestOptions = {}): Promise<IngestReport[]> {
  if (!fs.existsSync(file) || !isZipFile(file)) return [await ingestFile(store, file, options)];
  const name = options.fileName ?? path.basename(file);
  const reports: IngestReport[] = [];
  const { skipped } = await forEachZipMember(file, name, async (m) => {
    reports.push(await ingestFile(store, m.file, { ...options, fileName: `${name}/${m.name}` }));
  });
  if (skipped.length > 0) reports[0]!.warnings.push(`the archive also holds ${skipped.join(', ')}: not trip files, not read`);
  return reports;
}

async function ingestAlone(store: Store, file: string, options: IngestOptions): Promise<IngestReport> {
  const tz = options.tz ?? 'UTC';
  requireOption(isValidTimeZone(tz), 'tz', `unknown time zone "${tz}" (use an IANA name such as Europe/Paris)`);
  const format = options.format ?? 'auto';
  requireOption(['auto', 'mds1', 'mds2', 'csv', 'parquet'].includes(format), 'format', `must be auto, mds1, mds2, csv or parquet, got "${format}"`);
  for (const field of Object.keys(options.mapping ?? {})) {
    requireOption(isCsvField(field), 'map', `unknown field "${field}"`);
  }
  const csvReader = options.csvReader ?? 'auto';
  requireOption(csvReader === 'auto' || csvReader === 'js', 'csvReader', `must be auto or js, got "${csvReader}"`);
  const encodingChoice = options.encoding ?? 'auto';
  requireOption((ENCODING_CHOICES as readonly string[]).includes(encodingChoice), 'encoding', `must be ${ENCODING_CHOICES.join(', ')}, got "${encodingChoice}"`);
  const batchRows = options.batchRows ?? 32768;
  requireOption(Number.isInteger(batchRows) && batchRows > 0, 'batchRows', 'must be a whole number > 0');
  const sliceRows = options.sliceRows ?? DEFAULT_SLICE_ROWS;
  requireOption(Number.isInteger(sliceRows) && sliceRows > 0, 'sliceRows', `must be a whole number > 0, got ${quoteInput(String(sliceRows), { max: 40 })}`);
  const limits = resolveLimits(options.limits);
  const name = options.fileName ?? path.basename(file);
  const sniffed = await sniffInput(file, name);
  const reader = format === 'auto' ? sniffed.format : format === 'csv' || format === 'parquet' ? format : 'mds';
  if (reader === 'parquet' && sniffed.format !== 'parquet') {
    throw new ParkzonesError('BAD_FORMAT', `${name}: format parquet was asked for, but the file does not start with PAR1`, { file: name });
  }
  const provider = options.provider ?? null;
  requireOption(provider === null || isValidProviderId(provider), 'provider', `${PROVIDER_ID_RULE}; got ${quoteInput(String(provider), { max: 60 })}`);
  const stopped = () => new ParkzonesError('UNAVAILABLE', `${name}: the ingest was stopped before its commit (the server is shutting down); nothing of the file was stored`, { file: name });
  if (options.signal?.aborted) throw stopped();
  const encoding = reader === 'parquet' ? null : await decideEncoding(file, sniffed.gzip, name, encodingChoice, limits.maxInflatedBytes);
  const textEncoding = encoding?.name ?? 'utf-8';
  const conn = await store.connect();
  const staging = `staging_${process.pid}_${Date.now() % 1e9}`;
  let tmpDir: string | null = null;
  // True while the upload is marked in flight.
  let inFlight = false;
  // Past this point neither an abort nor a bound interrupts: the commit runs to its end.
  let committing = false;
  let committed = false;
  const onAbort = () => {
    if (!committing) conn.interrupt();
  };
  options.signal?.addEventListener('abort', onAbort);
  // Past a bound found off the JavaScript thread (time, a gzip's inflated size), DuckDB's statement in flight is
  // interrupted, and so is every later one until the upload gives up.
  let stopReason: ParkzonesError | null = null;
  let interrupting: NodeJS.Timeout | undefined;
  let finished = false;
  const stop = (reason: ParkzonesError) => {
    if (stopReason || finished || committing) return;
    stopReason = reason;
    conn.interrupt();
    interrupting = setInterval(() => conn.interrupt(), 50);
  };
  const checkStop = () => {
    if (stopReason) throw stopReason;
  };
  const deadline = setTimeout(
    () => stop(limitError('seconds', name, `the upload took longer than ${limits.maxSeconds} s (limit seconds); nothing was stored: split the export`)),
    limits.maxSeconds * 1000,
  );
  try {
    let columns: IngestReport['columns'] = [];
    let formatName: string = reader;
    let sha256: string;
    let readBy: IngestReport['csvReader'];
    let fillRaw: () => Promise<void> = async () => {};
    const timeStats = emptyTimeStats();
    const warnings: string[] = [];
    const csvOptions = { provider, tz, mapping: options.mapping ?? {}, onColumns: (c: ColumnUse[]) => (columns = c.map(describeUse)), limits, timeStats };
    // Before the transaction: when DuckDB cannot read the file, only that statement fails. The file's hash is
    // taken meanwhile, on this thread, while DuckDB reads on its own.
    // DuckDB's reader takes UTF-8 only: other encodings go through the JavaScript reader.
    const duckCsv = reader === 'csv' && csvReader === 'auto' && textEncoding === 'utf-8';
    const csvHash = duckCsv && sniffed.size > 1 << 20 ? sha256File(file) : null;
    csvHash?.catch(() => {});
    // DuckDB inflates a gzipped CSV itself: a count of the inflated bytes runs beside it and stops it past the bound.
    const inflated = duckCsv && sniffed.gzip ? checkInflatedSize(file, limits.maxInflatedBytes, name) : null;
    inflated?.catch((e: unknown) => stop(e instanceof ParkzonesError ? e : inflatedTooLarge(name, limits.maxInflatedBytes)));
    const csvLoad = duckCsv ? await loadCsvWithDuckDb(conn, `${staging}_csv`, file, sniffed.gzip, name, csvOptions) : null;
    if (csvLoad && inflated) await inflated;
    checkStop();
    // The upload's id, taken before staging (the rejected rows' text is filled in with it after the checks).
    const uploadId = Number((await conn.runAndReadAll("SELECT nextval('upload_id_seq')")).getRows()[0]![0]);
    // Staged before the upload's transaction begins: the staging table is the connection's own temporary table, which
    // nothing durable depends on, and rows committed to it are read twice as fast by the upload's statements as rows
    // added inside the transaction (the insert into trips from 2 M staged rows: 1.2 against 2.3 s).
    // Parquet is staged as a view over the file (stageParquet); the other readers fill a staging table.
    const stagedAsView = reader === 'parquet';
    if (!stagedAsView) await createStaging(conn, staging);
    if (csvLoad) {
      readBy = 'duckdb';
      await stageCsvLoad(conn, staging, csvLoad);
      sha256 = await (csvHash ?? sha256File(file));
      const hash = sha256;
      fillRaw = async () => {
        const rows = await rejectedRows(conn, uploadId);
        const side = await store.connect();
        const lines = await readCsvLines(side, file, sniffed.gzip, rows, RAW_MAX_CHARS).finally(() => side.closeSync());
        if (lines) await writeRaw(conn, uploadId, [...lines].map(([row, raw]) => ({ row, raw })));
        else await fillTextRaw(conn, file, sniffed.gzip, name, 'csv', uploadId, hash, limits, textEncoding);
      };
    } else if (reader === 'parquet') {
      let parquetFile = file;
      if (sniffed.gzip) {
        tmpDir = store.spoolPath('ingest-');
        fs.mkdirSync(tmpDir);
        parquetFile = path.join(tmpDir, 'input.parquet');
        await gunzipTo(file, parquetFile, name, limits.maxInflatedBytes);
      }
      const staged = await stageParquet(conn, staging, parquetFile, name, provider, options.mapping ?? {}, tz);
      columns = staged.uses.map(describeUse);
      if (staged.localTimeColumns.length > 0 && options.tz === undefined) {
        warnings.push(
          `columns ${staged.localTimeColumns.join(', ')} hold times without a zone, read as UTC since no time zone was given; if they are the city's local times, upload again with the city's zone (--tz, ?tz=)`,
        );
      }
      fillRaw = () => fillParquetRaw(conn, parquetFile, uploadId);
      sha256 = await sha256File(file);
    } else {
      const input = openInput(file, sniffed.gzip, name, { maxInflatedBytes: limits.maxInflatedBytes, encoding: textEncoding });
      // The appends in one transaction of their own (the staging table's alone): in autocommit, each flush of the
      // appender was a commit, 0.3 s per million rows.
      await conn.run('BEGIN TRANSACTION');
      let batch: StagingRow[] = [];
      let staged = 0;
      let lastReport = 0;
      const flush = async () => {
        if (options.signal?.aborted) throw stopped();
        await appendRows(conn, staging, batch);
        staged += batch.length;
        batch = [];
        if (staged - lastReport >= 65_536) {
          lastReport = staged;
          options.onProgress?.({ bytes: input.bytesRead(), totalBytes: sniffed.size, rows: staged });
        }
      };
      if (reader === 'csv') readBy = 'javascript';
      const rows = reader === 'csv' ? readCsvTrips(input.chunks, name, csvOptions) : mdsRows(input.chunks, name, provider, limits, (f) => (formatName = f));
      for await (const part of rows) {
        checkStop();
        // Row text goes to DuckDB only for the rejected rows, fetched in a second pass (fillTextRaw): a third of
        // the bytes an upload moves into DuckDB otherwise.
        for (const row of part) {
          row.raw = null;
          batch.push(row);
        }
        if (batch.length >= batchRows) await flush();
      }
      await flush();
      await conn.run('COMMIT');
      if (reader !== 'csv') columns = MDS_COLUMNS;
      if (reader !== 'csv' && format !== 'auto' && format !== formatName.slice(0, 4)) {
        throw new ParkzonesError('BAD_FORMAT', `${name}: format ${format} was asked for, but the file is ${formatName}`, { file: name });
      }
      sha256 = input.sha256();
      const hash = sha256;
      fillRaw = () => fillTextRaw(conn, file, sniffed.gzip, name, reader, uploadId, hash, limits, textEncoding);
    }
    if ((reader === 'csv' || reader === 'parquet') && !columns.some((c) => c.field === 'trip_id')) {
      // No column can be the trip id: each row's id is derived from its content (a view derives it itself).
      if (!stagedAsView) await deriveTripIds(conn, staging);
      columns.unshift(DERIVED_TRIP_ID_USE);
    }
    checkStop();
    if (options.signal?.aborted) throw stopped();
    // Committed on its own before the upload's transaction: a crash that cuts the commit leaves this mark, and the
    // next open rolls the upload back unless it is whole (check-store.ts says why DuckDB needs this).
    await markUploadInFlight(conn, uploadId);
    inFlight = true;
    faultPoint('after-mark');
    await conn.run('BEGIN TRANSACTION');
    const areaChecks = options.serviceArea ? serviceAreaChecks(options.serviceArea) : [];
    const totals = await checkAndStore(conn, staging, uploadId, options.onlyProvider ?? provider, stagedAsView, { extraChecks: areaChecks, sliceRows });
    if (!options.serviceArea && totals.stored > 0) {
      const far = await farTripEnds(conn, uploadId, totals.stored);
      if (far.count > 0) {
        warnings.push(
          `${far.count} trip ends or starts lie more than ${FAR_KM} km from the median trip end (${far.lat.toFixed(4)}, ${far.lng.toFixed(4)})${far.sampled ? ` among the first ${FAR_SAMPLE.toLocaleString('en')} trips` : ''}: GPS glitches or test rides? ` +
            'They are stored; give the city\'s service area (--service-area, PARKZONES_SERVICE_AREA) to reject them',
        );
      }
    }
    if (totals.rejected > 0) await fillRaw();
    options.onProgress?.({ bytes: sniffed.size, totalBytes: sniffed.size, rows: totals.read });
    if (reader === 'csv') warnings.push(...timeWarnings(timeStats, tz, options.tz !== undefined));
    const rejectsByReason = totals.rejected > 0 ? toRejectGroups((await conn.runAndReadAll(rejectGroupsSql(), { id: uploadId })).getRowObjectsJS()) : [];
    const allRejected = totals.read > 0 && totals.rejected === totals.read;
    if (allRejected) {
      const top = rejectsByReason[0]!;
      warnings.unshift(`nothing was stored: every one of the ${totals.read} rows was rejected (most: ${top.count} × ${top.field}: ${top.reason})`);
    }
    const precision = totals.stored > 0 ? await locationPrecision(conn, 'upload_id = $u', { u: uploadId }) : null;
    if (precision?.aggregated) {
      warnings.push(
        `the trip ends sit on ${precision.points} points (${Math.round(precision.ends / precision.points)} trip ends per point, the 10 most repeated hold ` +
          `${(precision.top10Share * 100).toFixed(1)} %), about ${precision.resolutionM} m apart: aggregated locations (centroids, stations or a coarse grid)?`,
      );
    }
    const notes = { warnings, rejectsByReason, allRejected, precision, ...(reader === 'csv' ? { times: timeStats } : {}) };
    const previous = await conn.runAndReadAll('SELECT min(upload_id) FROM uploads WHERE sha256 = $sha', { sha: sha256 });
    const sameAs = previous.getRows()[0]![0];
    const providerId = options.onlyProvider ?? provider ?? (await singleProvider(conn, uploadId));
    await conn.run(
      `INSERT INTO uploads VALUES ($id, $provider, $name, $format, $sha, now(), $read, $stored, $dup, $rejected, 'stored', $columns, $notes)`,
      {
        id: uploadId, provider: providerId, name, format: formatName, sha: sha256, read: totals.read, stored: totals.stored,
        dup: totals.duplicate, rejected: totals.rejected, columns: JSON.stringify(columns), notes: JSON.stringify(notes),
      },
    );
    checkStop();
    committing = true;
    if (options.signal?.aborted) throw stopped();
    faultPoint('before-commit');
    await conn.run('COMMIT');
    committed = true;
    faultPoint('after-commit');
    inFlight = false;
    // Left behind, the mark is harmless: the next open finds the upload whole and keeps it.
    await clearUploadInFlight(conn).catch(() => {});
    faultPoint('after-clear');
    const firstRejects = (await listRejects(store, uploadId, { limit: 20 })).rows;
    return {
      uploadId, providerId, fileName: name, format: formatName, sha256, rowsRead: totals.read, rowsStored: totals.stored,
      rowsDuplicate: totals.duplicate, rowsRejected: totals.rejected, status: 'stored', columns, firstRejects,
      sameAsUploadId: sameAs === null ? null : Number(sameAs),
      ...(readBy ? { csvReader: readBy } : {}),
      ...(encoding ? { encoding } : {}),
      ...notes,
    };
  } catch (e) {
    clearInterval(interrupting);
    await conn.run('ROLLBACK').catch(() => {});
    // Nothing of the upload was committed: its mark goes (left behind, the next open would find nothing to undo).
    if (inFlight) await clearUploadInFlight(conn).catch(() => {});
    throw options.signal?.aborted && !committed ? stopped() : (stopReason ?? e);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    finished = true;
    clearTimeout(deadline);
    clearInterval(interrupting);
    await conn.run(`DROP ${reader === 'parquet' ? 'VIEW' : 'TABLE'} IF EXISTS temp.${staging}`).catch(() => {});
    await conn.run(`DROP TABLE IF EXISTS temp.${staging}_csv`).catch(() => {});
    conn.closeSync();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Distance from the median trip end beyond which a trip end is "far from the rest", km. */
const FAR_KM = 50;
/** Stored trips the far-ends count looks at (the first ones): it bounds the check's cost on big uploads. */
const FAR_SAMPLE = 1_000_000;

/** Trip ends and starts of an upload's stored trips more than FAR_KM from the median end point (haversine) of its first 200,000. */
async function farTripEnds(conn: import('@duckdb/node-api').DuckDBConnection, uploadId: number, stored: number): Promise<{ count: number; lat: number; lng: number; sampled: boolean }> {
  const dist = (lat: string, lng: string) =>
    `2 * 6371.0088 * asin(sqrt(pow(sin(radians(${lat} - m.lat) / 2), 2) + cos(radians(m.lat)) * cos(radians(${lat})) * pow(sin(radians(${lng} - m.lng) / 2), 2)))`;
  // The median of the first rows is the centre; the haversine runs only on points outside a box around it.
  const far = (lat: string, lng: string) =>
    `(abs(${lat} - m.lat) > ${FAR_KM / 112} OR abs(${lng} - m.lng) * cos(radians(m.lat)) > ${FAR_KM / 112}) AND ${dist(lat, lng)} > ${FAR_KM}`;
  const r = await conn.runAndReadAll(
    `WITH m AS (SELECT median(end_lat) AS lat, median(end_lng) AS lng FROM (SELECT end_lat, end_lng FROM trips WHERE upload_id = $u LIMIT 200000))
     SELECT count_if(${far('t.end_lat', 't.end_lng')}) + count_if(t.start_lat IS NOT NULL AND ${far('t.start_lat', 't.start_lng')}), any_value(m.lat), any_value(m.lng)
     FROM (SELECT * FROM trips WHERE upload_id = $u LIMIT ${FAR_SAMPLE}) t, m`,
    { u: uploadId },
  );
  const [count, lat, lng] = r.getRows()[0]!;
  return { count: Number(count), lat: Number(lat), lng: Number(lng), sampled: stored > FAR_SAMPLE };
}

/** The report's words on how a CSV file's times were read. */
function timeWarnings(t: CsvTimeStats, tz: string, tzGiven: boolean): string[] {
  const out: string[] = [];
  if (t.localTimes > 0 && !tzGiven) {
    out.push(`${t.localTimes} times had no zone or offset and were read as UTC, since no time zone was given; if they are the city's local times, upload again with the city's zone (--tz, ?tz=)`);
  }
  if (t.repeatedPlaced > 0) out.push(`${t.repeatedPlaced} rows had a time in the hour the clocks went back (${tz}); their duration or order placed it`);
  if (t.repeatedAmbiguous > 0) {
    out.push(`${t.repeatedAmbiguous} rows had a time in the hour the clocks went back (${tz}) that neither their duration nor their order placed: read as the earlier instants`);
  }
  if (t.nonexistent > 0) {
    out.push(`${t.nonexistent} times do not exist in ${tz} (the hour the clocks skipped): read with the offset before the change (2:30 as 3:30)`);
  }
  return out;
}

/** How the report names a derived trip id. */
const DERIVED_TRIP_ID_USE: IngestReport['columns'][number] = {
  field: 'trip_id',
  source: '(derived)',
  how: `no trip id column: derived from the row as ${DERIVED_TRIP_ID_PREFIX}MD5(${DERIVED_TRIP_ID_FIELDS.join(', ')}); the same row gets the same id on every upload`,
};

function describeUse(u: ColumnUse): IngestReport['columns'][number] {
  return { field: u.field, source: u.source, ...(u.unit ? { unit: u.unit } : {}), how: u.how };
}

async function* mdsRows(
  chunks: AsyncIterable<Buffer>, name: string, provider: string | null, limits: IngestLimits, onFormat: (f: string) => void,
): AsyncGenerator<StagingRow[]> {
  const info: JsonPayloadInfo = { version: null, tripsPath: null };
  const pace = eventLoopPacer();
  for await (const elements of scanJsonTrips(chunks, name, info, limits)) {
    // One JSON.parse per batch; only when it fails is each element parsed alone, to name the bad one.
    let values: unknown[];
    try {
      values = JSON.parse(`[${elements.map((e) => e.text).join(',')}]`) as unknown[];
    } catch {
      values = elements.map((el) => {
        try {
          return JSON.parse(el.text) as unknown;
        } catch (e) {
          throw new ParkzonesError('BAD_FILE', `${name}: trip ${el.index} (byte ${el.position}) is not valid JSON: ${(e as Error).message}`, {
            file: name, row: el.index, position: el.position,
          });
        }
      });
    }
    const rows: StagingRow[] = [];
    for (let i = 0; i < elements.length; i++) {
      const el = elements[i]!;
      rows.push(mdsTripToRow(values[i], el.index, el.text, provider));
      if ((i & 1023) === 1023) {
        const p = pace();
        if (p) await p;
      }
    }
    yield rows;
  }
  const v = info.version ?? '';
  onFormat(info.tripsPath === 'data.trips' || /^[01]\./.test(v) ? `mds1${v ? `:${v}` : ''}` : `mds2${v ? `:${v}` : ''}`);
}

async function singleProvider(conn: import('@duckdb/node-api').DuckDBConnection, uploadId: number): Promise<string | null> {
  const r = await conn.runAndReadAll('SELECT DISTINCT provider_id FROM trips WHERE upload_id = $id LIMIT 2', { id: uploadId });
  const rows = r.getRows();
  return rows.length === 1 ? String(rows[0]![0]) : null;
}

/** Parquet rows are staged without their text (it costs a JSON rendering per row); the rejected ones get it here. */
async function fillParquetRaw(conn: import('@duckdb/node-api').DuckDBConnection, parquetFile: string, uploadId: number): Promise<void> {
  await conn.run(
    // The first rejects' rows only: a file of a million bad rows keeps a bounded amount of text.
    `UPDATE rejects SET raw = p.raw
     FROM (SELECT file_row_number + 1 AS rn, left(to_json(p)::VARCHAR, ${RAW_MAX_CHARS}) AS raw
           FROM read_parquet($file, file_row_number = true) p
           WHERE file_row_number + 1 IN (SELECT row_number FROM rejects WHERE upload_id = $upload ORDER BY row_number LIMIT ${RAW_MAX_REJECTS})) p
     WHERE rejects.upload_id = $upload AND rejects.row_number = p.rn`,
    { file: parquetFile, upload: uploadId },
  );
}

/**
 * Puts the text of each rejected row of a CSV or JSON upload into `rejects.raw`, reading the file a second time and
 * keeping only the rejected rows (usually few). Skipped when the file changed since the first pass.
 */
async function fillTextRaw(
  conn: import('@duckdb/node-api').DuckDBConnection, file: string, gzip: boolean, name: string, reader: 'csv' | 'mds',
  uploadId: number, sha256: string, limits: IngestLimits, encoding: TextEncoding = 'utf-8',
): Promise<void> {
  const wanted = new Set(await rejectedRows(conn, uploadId));
  const input = openInput(file, gzip, name, { maxInflatedBytes: limits.maxInflatedBytes, encoding });
  const found: { row: number; raw: string }[] = [];
  const keep = (row: number, text: string) => {
    if (wanted.has(row)) found.push({ row, raw: text.length > RAW_MAX_CHARS ? text.slice(0, RAW_MAX_CHARS) : text });
  };
  if (reader === 'csv') {
    for await (const records of readCsvRecords(input.chunks, name, limits.maxRecordBytes)) for (const r of records) if (r.row > 0) keep(r.row, r.raw);
  } else {
    const info: JsonPayloadInfo = { version: null, tripsPath: null };
    for await (const elements of scanJsonTrips(input.chunks, name, info, limits)) for (const el of elements) keep(el.index, el.text);
  }
  if (input.sha256() !== sha256) return;
  await writeRaw(conn, uploadId, found);
}

/** The first rejected rows of an upload, those that get their text in `rejects.raw` (at most RAW_MAX_REJECTS). */
async function rejectedRows(conn: import('@duckdb/node-api').DuckDBConnection, uploadId: number): Promise<number[]> {
  const rows = (
    await conn.runAndReadAll(`SELECT row_number FROM rejects WHERE upload_id = $u ORDER BY row_number LIMIT ${RAW_MAX_REJECTS}`, { u: uploadId })
  ).getRows();
  return rows.map((r) => Number(r[0]));
}

/** Sets `rejects.raw` of the upload's rows found. */
async function writeRaw(conn: import('@duckdb/node-api').DuckDBConnection, uploadId: number, found: { row: number; raw: string }[]): Promise<void> {
  await conn.run('CREATE OR REPLACE TEMP TABLE raw_fill (row_number BIGINT, raw VARCHAR)');
  const appender = await conn.createAppender('raw_fill', 'main', 'temp');
  for (const f of found) {
    appender.appendBigInt(BigInt(f.row));
    appender.appendVarchar(f.raw);
    appender.endRow();
  }
  appender.closeSync();
  await conn.run('UPDATE rejects SET raw = f.raw FROM temp.raw_fill f WHERE rejects.upload_id = $u AND rejects.row_number = f.row_number', {
    u: uploadId,
  });
  await conn.run('DROP TABLE temp.raw_fill');
}

async function gunzipTo(src: string, dest: string, name: string, maxBytes: number): Promise<void> {
  let out = 0;
  const bound = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      out += chunk.length;
      done(out > maxBytes ? inflatedTooLarge(name, maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(src), zlib.createGunzip(), bound, fs.createWriteStream(dest));
  } catch (e) {
    if (e instanceof ParkzonesError) throw e;
    throw new ParkzonesError('BAD_FILE', `${name}: the gzip data is truncated or corrupt (${(e as Error).message})`, { file: name });
  }
}
