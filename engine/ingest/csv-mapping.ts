import { ParkzonesError } from '../errors.ts';
import { quoteInput } from '../quote-input.ts';

/** Fields a CSV column can feed. `start_date`/`end_date` pair with a time-only `start_time`/`end_time` column. */
export type CsvField =
  | 'trip_id' | 'provider_id' | 'provider_name' | 'device_id' | 'vehicle_type' | 'trip_type'
  | 'start_time' | 'end_time' | 'start_date' | 'end_date'
  | 'start_lat' | 'start_lng' | 'end_lat' | 'end_lng' | 'distance_m' | 'duration_s';

/** Units a distance or duration column can be in. */
export type DistanceUnit = 'm' | 'km' | 'mi';
export type DurationUnit = 's' | 'min' | 'h' | 'ms' | 'hms';

/** How one field is read: from which column, in which unit, and why. */
export interface ColumnUse {
  field: CsvField;
  /** Header of the column. */
  source: string;
  index: number;
  unit?: DistanceUnit | DurationUnit;
  /** How the column (and unit) was chosen: 'header', 'explicit', or 'values' (unit inferred from the data). */
  how: string;
  /** For a time column whose header says its zone (a `_utc` suffix): that zone, which wins over `--tz`. */
  zone?: string;
}

/** Header synonyms per field, compared after lower-casing and removing everything but letters and digits. */
const SYNONYMS: Record<CsvField, string[]> = {
  trip_id: ['tripid', 'trip', 'routeid', 'rideid', 'id', 'tripidentifier', 'journeyid'],
  provider_id: ['providerid', 'provider', 'operatorid', 'operator', 'company', 'providername', 'operatorname'],
  provider_name: ['providername', 'operatorname', 'companyname'],
  device_id: ['deviceid', 'bikeid', 'vehicleid', 'scooterid', 'device', 'bike', 'vehicle', 'bikename'],
  vehicle_type: ['vehicletype', 'devicetype', 'mode'],
  trip_type: ['triptype'],
  start_time: ['starttime', 'startdatetime', 'startedat', 'tripstart', 'tripstarttime', 'starttimestamp', 'startts', 'pickuptime', 'tripstarttimestamp', 'start'],
  end_time: ['endtime', 'enddatetime', 'endedat', 'tripend', 'tripendtime', 'endtimestamp', 'endts', 'dropofftime', 'tripendtimestamp', 'stoptime', 'stopdatetime', 'end'],
  start_date: ['startdate', 'tripstartdate', 'pickupdate'],
  end_date: ['enddate', 'tripenddate', 'dropoffdate'],
  start_lat: ['startlatitude', 'startlat', 'startlocationlat', 'startlocationlatitude', 'startcentroidlatitude', 'pickupcentroidlatitude', 'startstationlatitude', 'startstationlat', 'originlat', 'originlatitude', 'pickuplatitude', 'pickuplat', 'starty', 'latstart'],
  start_lng: ['startlongitude', 'startlng', 'startlon', 'startlong', 'startlocationlng', 'startlocationlon', 'startlocationlongitude', 'startcentroidlongitude', 'pickupcentroidlongitude', 'startstationlongitude', 'startstationlng', 'startstationlon', 'originlng', 'originlon', 'originlongitude', 'pickuplongitude', 'pickuplng', 'pickuplon', 'startx', 'lngstart', 'lonstart'],
  end_lat: ['endlatitude', 'endlat', 'endlocationlat', 'endlocationlatitude', 'endcentroidlatitude', 'dropoffcentroidlatitude', 'endstationlatitude', 'endstationlat', 'destinationlat', 'destinationlatitude', 'dropofflatitude', 'dropofflat', 'endy', 'latend'],
  end_lng: ['endlongitude', 'endlng', 'endlon', 'endlong', 'endlocationlng', 'endlocationlon', 'endlocationlongitude', 'endcentroidlongitude', 'dropoffcentroidlongitude', 'endstationlongitude', 'endstationlng', 'endstationlon', 'destinationlng', 'destinationlon', 'destinationlongitude', 'dropofflongitude', 'dropofflng', 'dropofflon', 'endx', 'lngend', 'lonend'],
  distance_m: ['distancem', 'distance', 'tripdistance', 'distancemiles', 'distancemi', 'tripdistancemiles', 'distancemeters', 'distancemetres', 'tripdistancem', 'tripdistancemeters', 'distancekm', 'tripdistancekm', 'triplength', 'length'],
  duration_s: ['durations', 'duration', 'tripduration', 'durationseconds', 'durationsec', 'tripdurationseconds', 'durationmin', 'durationminutes', 'tripdurationminutes', 'tripdurationmin', 'durationms', 'triptime', 'tripseconds'],
};

/** Header text in the form the synonym table uses. */
export function normalizeHeader(h: string): string {
  return h.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const FIELDS = Object.keys(SYNONYMS) as CsvField[];

/** True when `name` is a field a CSV column can feed. */
export function isCsvField(name: string): name is CsvField {
  return (FIELDS as string[]).includes(name);
}

function unitFromHeader(field: CsvField, header: string): DistanceUnit | DurationUnit | undefined {
  const h = normalizeHeader(header);
  if (field === 'distance_m') {
    if (/mile|mi$/.test(h)) return 'mi';
    if (/km|kilomet/.test(h)) return 'km';
    if (/meter|metre|m$/.test(h)) return 'm';
  }
  if (field === 'duration_s') {
    if (/ms$|millis/.test(h)) return 'ms';
    if (/min/.test(h)) return 'min';
    if (/hour|hrs?$/.test(h)) return 'h';
    if (/sec|s$/.test(h) && h !== 'duration' && h !== 'tripduration') return 's';
  }
  return undefined;
}

/**
 * Maps CSV headers to fields: explicit mapping first (`field=Column` or `field=Column:unit`), then header synonyms
 * in the order of the synonym lists; a time header with a `_utc` suffix (`start_time_utc`) also sets the column's zone.
 * Throws BAD_MAPPING naming every missing field of end time and end location at once, each with the
 * columns closest to it, or when an explicit mapping names a field or column that does not exist.
 */
export function mapCsvHeader(headers: string[], explicit: Record<string, string> = {}, file = ''): ColumnUse[] {
  const uses = new Map<CsvField, ColumnUse>();
  const taken = new Set<number>();
  for (const [field, spec] of Object.entries(explicit)) {
    if (!isCsvField(field)) throw new ParkzonesError('BAD_MAPPING', `${file}: mapping names unknown field ${quoteInput(field)}; fields are ${FIELDS.join(', ')}`, { file, field });
    const [column, unit] = splitUnit(spec);
    const index = headers.findIndex((h) => h === column || h.trim() === column);
    if (index < 0) throw new ParkzonesError('BAD_MAPPING', `${file}: mapping ${field}=${quoteInput(spec, { quote: false })}: no column ${quoteInput(column)} in the header (${quoteInput(headers.join(', '), { quote: false })})`, { file, field });
    uses.set(field, { field, source: headers[index]!, index, unit: unit ?? unitFromHeader(field, column), how: 'explicit' });
    taken.add(index);
  }
  const normalized = headers.map(normalizeHeader);
  for (const field of FIELDS) {
    if (uses.has(field)) continue;
    for (const synonym of SYNONYMS[field]) {
      let index = normalized.findIndex((h, i) => h === synonym && !taken.has(i));
      // `start_time_utc`: a time column whose header also names its zone.
      const utc = index < 0 && TIME_FIELDS.has(field) ? normalized.findIndex((h, i) => h === `${synonym}utc` && !taken.has(i)) : -1;
      if (utc >= 0) index = utc;
      if (index >= 0) {
        const use: ColumnUse = { field, source: headers[index]!, index, unit: unitFromHeader(field, headers[index]!), how: 'header' };
        if (utc >= 0) Object.assign(use, { zone: 'UTC', how: 'header; zone UTC from the header' });
        uses.set(field, use);
        taken.add(index);
        break;
      }
    }
  }
  const missing = REQUIRED.filter((f) => !uses.has(f));
  if (missing.length > 0) {
    const free = headers.map((h, i) => ({ h, n: normalized[i]!, i })).filter((c) => !taken.has(c.i));
    const parts = missing.map((f) => {
      const near = closestColumns(f, free);
      return `${f} (closest columns: ${near.length ? near.map((h) => quoteInput(h, { max: 60 })).join(', ') : 'none'})`;
    });
    throw new ParkzonesError(
      'BAD_MAPPING',
      `${file}: no column for ${parts.join('; ')} among the header (${quoteInput(headers.join(', '), { quote: false })}); name ${missing.length > 1 ? 'them' : 'one'} with ${missing.map((f) => `--map ${f}=COLUMN`).join(' ')}`,
      { file, field: missing.join(',') },
    );
  }
  return [...uses.values()].sort((a, b) => FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field));
}

/** Fields every trip file must have a column for. */
const REQUIRED = ['end_lat', 'end_lng', 'end_time'] as const satisfies readonly CsvField[];
const TIME_FIELDS = new Set<CsvField>(['start_time', 'end_time']);

/** Edit distance of two strings (Levenshtein). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Header words that rule a column out as a field's near miss (a longitude is no near miss for a latitude). */
const CONFLICTS: Partial<Record<CsvField, RegExp>> = {
  end_lat: /lon|lng|start|orig|pickup/, end_lng: /lat|start|orig|pickup/, start_lat: /lon|lng|end|dest|drop/, start_lng: /lat|end|dest|drop/,
  end_time: /lat|lon|lng|start|orig|pickup/, start_time: /lat|lon|lng|end|dest|drop/,
};

/** Up to three unused headers most like one of `field`'s synonyms (similarity ≥ 0.4), best first. */
function closestColumns(field: CsvField, free: { h: string; n: string }[]): string[] {
  const conflict = CONFLICTS[field];
  const scored = free.filter(({ n }) => !conflict || !conflict.test(n)).map(({ h, n }) => {
    let best = 0;
    for (const syn of SYNONYMS[field]) {
      const sim = n.length === 0 ? 0 : 1 - editDistance(n, syn) / Math.max(n.length, syn.length);
      const contains = syn.length >= 5 && (n.includes(syn) || syn.includes(n)) && n.length >= 2 ? 0.5 : 0;
      best = Math.max(best, sim, contains);
    }
    return { h, best };
  });
  return scored.filter((s) => s.best >= 0.4).sort((a, b) => b.best - a.best).slice(0, 3).map((s) => s.h);
}

function splitUnit(spec: string): [string, DistanceUnit | DurationUnit | undefined] {
  const m = /^(.*):(m|km|mi|s|min|h|ms|hms)$/.exec(spec);
  return m ? [m[1]!, m[2] as DistanceUnit | DurationUnit] : [spec, undefined];
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? v[v.length >> 1]! : NaN;
}

/**
 * Settles the unit of distance and duration columns whose header did not say: from the first rows' values.
 * Durations with a colon are H:MM:SS; otherwise a median ≤ 120 reads as minutes, else seconds. Distances with a
 * median below 50 read as miles, else metres. Each inference is recorded in `how`.
 */
export function inferUnits(uses: ColumnUse[], sample: string[][]): void {
  for (const use of uses) {
    if (use.field !== 'distance_m' && use.field !== 'duration_s') continue;
    const texts = sample.map((r) => (r[use.index] ?? '').trim()).filter((t) => t !== '');
    if (use.field === 'duration_s' && texts.some((t) => t.includes(':'))) {
      use.unit = 'hms';
      if (use.how === 'header') use.how = 'header; unit H:MM:SS from the values';
      continue;
    }
    if (use.unit) continue;
    const m = median(texts.map(Number).filter(Number.isFinite));
    if (use.field === 'duration_s') use.unit = m <= 120 ? 'min' : 's';
    else use.unit = m < 50 ? 'mi' : 'm';
    use.how = `${use.how}; unit ${use.unit} inferred from the median value ${m}`;
  }
}

const DISTANCE_FACTOR: Record<DistanceUnit, number> = { m: 1, km: 1000, mi: 1609.344 };
const DURATION_FACTOR: Record<Exclude<DurationUnit, 'hms'>, number> = { s: 1, min: 60, h: 3600, ms: 0.001 };

/** Metres of a distance text in `unit`; NaN when not a number. */
export function toMetres(text: string, unit: DistanceUnit): number {
  return Number(text) * DISTANCE_FACTOR[unit];
}

/** Seconds of a duration text in `unit` (H:MM:SS or [D days ]H:MM:SS for 'hms'); NaN when unreadable. */
export function toSeconds(text: string, unit: DurationUnit): number {
  if (unit !== 'hms') return Number(text) * DURATION_FACTOR[unit];
  const m = /^(?:(\d+)\s*days?,?\s*)?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(text);
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
}
