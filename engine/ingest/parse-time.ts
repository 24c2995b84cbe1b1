/**
 * Timestamps as they appear in trip exports → milliseconds since the epoch (UTC).
 * Absolute forms (a `Z` or `±hh:mm` suffix, epoch numbers) ignore the time zone; local wall times
 * (`2019-08-01 00:15`, `7/1/2018` + `0:04`) are read in the given IANA zone.
 */

const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/**
 * Offset of `tz` from UTC at the UTC instant `utcMs`, in ms (positive east of Greenwich). Cached per quarter hour:
 * every offset change since the 1970s falls on a quarter hour.
 */
export function wallTimeOffsetMs(tz: string, utcMs: number): number {
  const hourKey = `${tz}|${Math.floor(utcMs / 900_000)}`;
  const hit = offsetCache.get(hourKey);
  if (hit !== undefined) return hit;
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - Math.floor(utcMs / 1000) * 1000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(hourKey, offset);
  return offset;
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** What reading a time found beyond its instant; the parsers fill it when given one (it is reset on each call). */
export interface WallTimeNote {
  /** A local wall time was read (the text named no zone or offset). */
  local: boolean;
  /** The later instant of a wall time the clock showed twice (the hour after a fall-back), else NaN. */
  later: number;
  /** The wall time does not exist (the hour skipped when the clock springs forward). */
  gap: boolean;
}

/** A note with nothing found. */
export function emptyNote(): WallTimeNote {
  return { local: false, later: NaN, gap: false };
}

/** Clears a note (the parsers do it on each call). */
export function resetNote(note: WallTimeNote | undefined): void {
  if (note) {
    note.local = false;
    note.later = NaN;
    note.gap = false;
  }
}

const SIX_HOURS = 6 * 3600_000;

/**
 * UTC ms of a wall-clock time in `tz`. A time the clock showed twice (fall-back) is the earlier instant, and `note.later`
 * gets the later one; a time that does not exist (spring-forward) is read with the offset before the change, as
 * Temporal's 'compatible' reading does (2:30 on the night clocks go from 2:00 to 3:00 is 3:30 after it), and
 * `note.gap` is set. Time zones change their offset at most once in twelve hours.
 */
export function wallTimeToUtcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, msPart: number, tz: string, note?: WallTimeNote): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, msPart);
  if (note) note.local = true;
  if (tz === 'UTC' || tz === 'Etc/UTC') return asUtc;
  // Within an hour or two of the instant meant: offsets twelve hours apart around it differ when the clock changes.
  const near = asUtc - wallTimeOffsetMs(tz, asUtc);
  const before = wallTimeOffsetMs(tz, near - SIX_HOURS);
  const after = wallTimeOffsetMs(tz, near + SIX_HOURS);
  if (before === after) return asUtc - before;
  // An offset change near this wall time: each offset gives a candidate, valid when the zone has that offset then.
  const early = asUtc - before;
  const late = asUtc - after;
  const earlyOk = wallTimeOffsetMs(tz, early) === before;
  const lateOk = wallTimeOffsetMs(tz, late) === after;
  if (earlyOk && lateOk) {
    if (note && early !== late) note.later = Math.max(early, late);
    return Math.min(early, late);
  }
  if (earlyOk) return early;
  if (lateOk) return late;
  if (note) note.gap = true;
  return early;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*([ap]\.?m\.?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([ap]\.?m\.?)?)?$/i;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([ap]\.?m\.?)?$/i;
/** A date followed by a time of day (which {@link parseDate} drops): `08/30/2021 12:00:00 AM`, `2021-08-30T00:00:00.000`. */
const DATE_THEN_TIME = /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}\/\d{4})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?\s*(?:[ap]\.?m\.?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The 24-hour hour of `h` on a 12-hour clock marked `ampm` (`AM`, `p.m.`, …); the hour itself without a mark; NaN when h is not 1–12. */
function hour24(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  if (h < 1 || h > 12) return NaN;
  return (h % 12) + (ampm[0]!.toLowerCase() === 'p' ? 12 : 0);
}
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A calendar date, from `YYYY-MM-DD` or `M/D/YYYY`, also when a time of day follows (portals export a date column as
 * `08/30/2021 12:00:00 AM`: the time is dropped, the separate time column holds it); null when the text is neither.
 */
export function parseDate(text: string): [number, number, number] | null {
  const withTime = DATE_THEN_TIME.exec(text);
  if (withTime) text = withTime[1]!;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (m) return [Number(m[3]), Number(m[1]), Number(m[2])];
  return null;
}

/** A time of day `H:MM[:SS[.fff]] [AM|PM]` as [h, m, s, ms]; null when the text is not one. */
export function parseTimeOfDay(text: string): [number, number, number, number] | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const h = hour24(Number(m[1]), m[5]);
  const ms = m[4] ? Math.round(Number(`0.${m[4]}`) * 1000) : 0;
  if (!(h <= 23) || Number(m[2]) > 59 || Number(m[3] ?? 0) > 60) return null;
  return [h, Number(m[2]), Number(m[3] ?? 0), ms];
}

/**
 * Milliseconds since the epoch of a timestamp text; NaN when it cannot be read.
 * Plain numbers are taken as milliseconds (the MDS unit); the row checks reject values that are really seconds.
 * @param tz IANA zone for local wall times
 * @param note filled with what the reading found (a local time, a repeated or skipped hour)
 */
export function parseTimestamp(text: string, tz: string, note?: WallTimeNote): number {
  resetNote(note);
  const t = text.trim();
  const fast = isoUtcFast(t);
  if (!Number.isNaN(fast)) return fast;
  if (NUMBER.test(t)) return Number(t);
  let m = ISO.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [h, mi, s] = [hour24(Number(m[4] ?? 0), m[8]), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const msPart = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    if (!validParts(y, mo, d, h, mi, s)) return NaN;
    if (m[9]) {
      const z = m[9].toUpperCase();
      const off = z === 'Z' ? 0 : (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.replace(':', '').slice(3, 5) || 0));
      return Date.UTC(y, mo - 1, d, h, mi, s, msPart) - off * 60_000;
    }
    return wallTimeToUtcMs(y, mo, d, h, mi, s, msPart, tz, note);
  }
  m = US.exec(t);
  if (m) {
    const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const h = hour24(Number(m[4] ?? 0), m[8]);
    const [mi, s] = [Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const msPart = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    if (!validParts(y, mo, d, h, mi, s)) return NaN;
    return wallTimeToUtcMs(y, mo, d, h, mi, s, msPart, tz, note);
  }
  return NaN;
}

/** Digits of `t` from `a` to `b` (exclusive) as a number, or NaN when any is not a digit. */
function digits(t: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The common export form `YYYY-MM-DDTHH:MM:SS[.sss]Z` without regular expressions (most timestamps of a big CSV);
 * NaN for anything else, which the general parser then reads.
 */
function isoUtcFast(t: string): number {
  const len = t.length;
  if ((len !== 20 && len !== 24) || t.charCodeAt(len - 1) !== 90 /* Z */ || t[4] !== '-' || t[7] !== '-' || t[10] !== 'T' || t[13] !== ':' || t[16] !== ':') {
    return NaN;
  }
  if (len === 24 && t[19] !== '.') return NaN;
  const y = digits(t, 0, 4);
  const mo = digits(t, 5, 7);
  const d = digits(t, 8, 10);
  const h = digits(t, 11, 13);
  const mi = digits(t, 14, 16);
  const s = digits(t, 17, 19);
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59)) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s, len === 24 ? digits(t, 20, 23) : 0);
}

/** Milliseconds of a date text plus a separate time-of-day text, read in `tz`; NaN when either cannot be read. */
export function parseDateAndTime(dateText: string, timeText: string, tz: string, note?: WallTimeNote): number {
  resetNote(note);
  const d = parseDate(dateText.trim());
  const t = parseTimeOfDay(timeText.trim());
  if (!d || !t || !validParts(d[0], d[1], d[2], t[0], t[1], t[2])) return NaN;
  return wallTimeToUtcMs(d[0], d[1], d[2], t[0], t[1], t[2], t[3], tz, note);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `mo` (1–12) of year `y`. */
function daysInMonth(y: number, mo: number): number {
  return mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS_IN_MONTH[mo - 1]!;
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return h >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 24 && mi <= 59 && s <= 60;
}

/** Tolerance in seconds within which two readings of a trip fit its duration equally well. */
const FIT_TOLERANCE_S = 60;

/**
 * The start and end instants of a trip one or both of whose wall times the clock showed twice (fall-back): of the
 * readings that do not end before they start, the one whose length fits the row's duration best; without a duration,
 * or when two readings fit within a minute, the earliest (then `ambiguous`). When no reading ends after its start,
 * the earlier instants are kept (the row checks reject the row).
 * @param startLater, endLater the later instant of a repeated wall time, NaN when the time was not repeated
 */
export function chooseInstants(
  start: number, startLater: number, end: number, endLater: number, durationS: number | null,
): { start: number; end: number; ambiguous: boolean } {
  const starts = Number.isNaN(startLater) ? [start] : [start, startLater];
  const ends = Number.isNaN(endLater) ? [end] : [end, endLater];
  const fits: [number, number, number][] = [];
  for (const s of starts) for (const e of ends) if (e >= s) fits.push([s, e, durationS === null ? 0 : Math.abs((e - s) / 1000 - durationS)]);
  if (fits.length === 0) return { start, end, ambiguous: false };
  fits.sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1]);
  const ambiguous = fits.length > 1 && (durationS === null || fits[1]![2] - fits[0]![2] < FIT_TOLERANCE_S);
  return { start: fits[0]![0], end: fits[0]![1], ambiguous };
}
