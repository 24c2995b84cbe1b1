import { ParkzonesError } from '../errors.ts';
import { quoteInput } from '../quote-input.ts';
import { readCsvRecords, type CsvRecord } from './csv-records.ts';
import { inferUnits, mapCsvHeader, toMetres, toSeconds, type ColumnUse, type CsvField, type DistanceUnit, type DurationUnit } from './csv-mapping.ts';
import { chooseInstants, emptyNote, parseDateAndTime, parseTimeOfDay, parseTimestamp, resetNote, type WallTimeNote } from './parse-time.ts';
import { DEFAULT_INGEST_LIMITS, eventLoopPacer, type IngestLimits } from './input-limits.ts';
import { emptyStagingRow, markBad, RAW_MAX_CHARS, type StagingRow } from './staging-row.ts';

/** Options of {@link readCsvTrips}. */
export interface ReadCsvOptions {
  /** Provider for rows without a provider column. */
  provider: string | null;
  /** IANA zone of local wall times. */
  tz: string;
  /** Explicit field → column (optionally `:unit`) mapping. */
  mapping: Record<string, string>;
  /** Called once the header is mapped, with the columns used. */
  onColumns: (columns: ColumnUse[]) => void;
  /** Bounds of the input (see input-limits.ts). Default: DEFAULT_INGEST_LIMITS. */
  limits?: Pick<IngestLimits, 'maxInflatedBytes' | 'maxRecordBytes'>;
  /** Counts of how times were read, added to as rows are converted. Default: not counted. */
  timeStats?: CsvTimeStats;
}

/** How a CSV file's times were read, for the report. */
export interface CsvTimeStats {
  /** Time values read as local wall times in the upload's zone (no zone or offset in the text, none in the header). */
  localTimes: number;
  /** Rows with a time in an hour the clock showed twice (fall-back) whose duration or order placed it. */
  repeatedPlaced: number;
  /** Rows with a time in a repeated hour that nothing placed: read as the earlier instants. */
  repeatedAmbiguous: number;
  /** Times that do not exist (the hour skipped in spring): read with the offset before the change. */
  nonexistent: number;
}

/** Time stats with nothing counted. */
export function emptyTimeStats(): CsvTimeStats {
  return { localTimes: 0, repeatedPlaced: 0, repeatedAmbiguous: 0, nonexistent: 0 };
}

/** Records read before the units are settled and the converter is made. */
export const SAMPLE_ROWS = 1000;

/** How a CSV file's records become staging rows, decided from its header and first records. */
export interface CsvPlan {
  /** The field each used column feeds (only the columns in use). */
  columns: Map<CsvField, ColumnUse>;
  /** Number of fields of the header. */
  width: number;
  /** Converts one record, marking the row bad where a value cannot be read. */
  convert: (r: CsvRecord) => StagingRow;
}

/**
 * Streams a CSV trip export as batches of staging rows: maps the header (synonyms or explicit), settles units from the first
 * rows, and converts every record. Unreadable values mark the row bad with the field and why; they do not stop the file.
 */
export async function* readCsvTrips(chunks: AsyncIterable<Buffer>, file: string, options: ReadCsvOptions): AsyncGenerator<StagingRow[]> {
  let header: string[] | null = null;
  let convert: ((r: CsvRecord) => StagingRow) | null = null;
  let sample: CsvRecord[] = [];
  const pace = eventLoopPacer();
  for await (const records of readCsvRecords(chunks, file, (options.limits ?? DEFAULT_INGEST_LIMITS).maxRecordBytes)) {
    const rows: StagingRow[] = [];
    let n = 0;
    for (const record of records) {
      if ((++n & 31) === 0) {
        const p = pace();
        if (p) await p;
      }
      if (!header) {
        header = record.fields.map((h) => h.trim());
        continue;
      }
      if (!convert) {
        sample.push(record);
        if (sample.length < SAMPLE_ROWS) continue;
        convert = planCsv(header, sample, file, options).convert;
        for (const r of sample) rows.push(convert(r));
        sample = [];
        continue;
      }
      rows.push(convert(record));
    }
    if (rows.length > 0) yield rows;
  }
  if (!header) throw new ParkzonesError('BAD_FILE', `${file}: the file is empty (no header line)`, { file, position: 0 });
  if (!convert) {
    convert = planCsv(header, sample, file, options).convert;
    yield sample.map(convert);
  }
}

/**
 * Maps the header (synonyms or explicit), settles units from the sample records, joins split date and time columns,
 * and makes the record converter. Calls `options.onColumns` with the columns used.
 * @throws ParkzonesError BAD_MAPPING (no column for a needed field, no provider)
 */
export function planCsv(header: string[], sample: CsvRecord[], file: string, options: ReadCsvOptions): CsvPlan {
  const uses = mapCsvHeader(header, options.mapping, file);
  inferUnits(uses, sample.map((r) => r.fields));
  const col = new Map<CsvField, ColumnUse>(uses.map((u) => [u.field, u]));
  // A time column holding only times of day pairs with its date column.
  for (const [time, date] of [['start_time', 'start_date'], ['end_time', 'end_date']] as const) {
    const t = col.get(time);
    const d = col.get(date);
    if (t && d) {
      const first = sample.find((r) => (r.fields[t.index] ?? '').trim() !== '');
      if (first && parseTimeOfDay(first.fields[t.index]!.trim())) t.how += `; time of day joined with ${d.source}`;
      else col.delete(date);
    }
  }
  const reported = uses.filter((u) => col.get(u.field) === u);
  options.onColumns(reported);
  if (!col.has('provider_id') && !options.provider) {
    throw new ParkzonesError('BAD_MAPPING', `${file}: no provider column in the header and no provider given; pass the provider (--provider ID)`, {
      file,
      field: 'provider_id',
    });
  }
  const width = header.length;
  // Column index per field, looked up once (this runs for every field of every row).
  const indexOf: Partial<Record<CsvField, number>> = Object.fromEntries([...col].map(([f, u]) => [f, u.index]));
  const headerZone = { start_time: col.get('start_time')?.zone !== undefined, end_time: col.get('end_time')?.zone !== undefined };
  const zone = { start_time: col.get('start_time')?.zone ?? options.tz, end_time: col.get('end_time')?.zone ?? options.tz };
  const hasDate = { start_date: col.has('start_date'), end_date: col.has('end_date') };
  const text = (r: CsvRecord, f: CsvField): string | null => {
    const i = indexOf[f];
    if (i === undefined) return null;
    const raw = r.fields[i];
    if (raw === undefined || raw === '') return null;
    const v = raw.trim();
    return v === '' ? null : v;
  };
  const number = (row: StagingRow, r: CsvRecord, f: CsvField): number | null => {
    const v = text(r, f);
    if (v === null) return null;
    const n = Number(v);
    if (!Number.isFinite(n)) markBad(row, f, `not a number: ${quoteInput(v)} in column ${quoteInput(col.get(f)!.source, { max: 80, quote: false })}`);
    return n;
  };
  const notes: Record<'start_time' | 'end_time', WallTimeNote> = { start_time: emptyNote(), end_time: emptyNote() };
  const stats = options.timeStats;
  const time = (row: StagingRow, r: CsvRecord, f: 'start_time' | 'end_time', dateField: 'start_date' | 'end_date'): number | null => {
    const note = notes[f];
    resetNote(note);
    const v = text(r, f);
    if (v === null) return null;
    const d = hasDate[dateField] ? text(r, dateField) : null;
    const tz = zone[f];
    const ms = hasDate[dateField] ? (d === null ? NaN : parseDateAndTime(d, v, tz, note)) : parseTimestamp(v, tz, note);
    if (Number.isNaN(ms)) {
      const shown = d === null ? v : `${d} ${v}`;
      markBad(row, f, `not a date/time: ${quoteInput(shown)} in column ${quoteInput(col.get(f)!.source, { max: 80, quote: false })}`);
      return null;
    }
    return ms;
  };
  const convert = (r: CsvRecord): StagingRow => {
    const row = emptyStagingRow(r.row, r.raw.length > RAW_MAX_CHARS ? r.raw.slice(0, RAW_MAX_CHARS) : r.raw);
    if (r.fields.length !== width) markBad(row, 'row', `has ${r.fields.length} fields, the header has ${width}`);
    row.providerId = text(r, 'provider_id') ?? options.provider;
    row.providerName = text(r, 'provider_name');
    row.tripId = text(r, 'trip_id');
    row.deviceId = text(r, 'device_id');
    row.vehicleType = text(r, 'vehicle_type');
    row.tripType = text(r, 'trip_type');
    row.startMs = time(row, r, 'start_time', 'start_date');
    row.endMs = time(row, r, 'end_time', 'end_date');
    row.startLat = number(row, r, 'start_lat');
    row.startLng = number(row, r, 'start_lng');
    row.endLat = number(row, r, 'end_lat');
    row.endLng = number(row, r, 'end_lng');
    const dist = text(r, 'distance_m');
    if (dist !== null) {
      row.distanceM = toMetres(dist, col.get('distance_m')!.unit as DistanceUnit);
      if (!Number.isFinite(row.distanceM)) markBad(row, 'distance_m', `not a number: ${quoteInput(dist)}`);
    }
    const dur = text(r, 'duration_s');
    if (dur !== null) {
      row.durationS = toSeconds(dur, col.get('duration_s')!.unit as DurationUnit);
      if (!Number.isFinite(row.durationS)) markBad(row, 'duration_s', `not a duration: ${quoteInput(dur)}`);
    }
    const ns = notes.start_time;
    const ne = notes.end_time;
    if (stats) {
      stats.localTimes += Number(ns.local && !headerZone.start_time) + Number(ne.local && !headerZone.end_time);
      stats.nonexistent += Number(ns.gap) + Number(ne.gap);
    }
    if (row.startMs !== null && row.endMs !== null && (!Number.isNaN(ns.later) || !Number.isNaN(ne.later))) {
      // A repeated hour: the row's duration (or its order) says which instants are meant.
      const chosen = chooseInstants(row.startMs, ns.later, row.endMs, ne.later, row.durationS !== null && Number.isFinite(row.durationS) ? row.durationS : null);
      row.startMs = chosen.start;
      row.endMs = chosen.end;
      if (stats) stats[chosen.ambiguous ? 'repeatedAmbiguous' : 'repeatedPlaced']++;
    }
    if (row.durationS === null && row.startMs !== null && row.endMs !== null) row.durationS = (row.endMs - row.startMs) / 1000;
    if (row.badField) {
      for (const k of ['startMs', 'endMs', 'startLat', 'startLng', 'endLat', 'endLng', 'distanceM', 'durationS'] as const) {
        if (row[k] !== null && !Number.isFinite(row[k])) row[k] = null;
      }
    }
    return row;
  };
  return { columns: col, width, convert };
}
