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

/** UTC ms of a wall-clock time in `tz` (the earlier instant when the clock falls back, the shifted one when it springs forward). */
export function wallTimeToUtcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, msPart: number, tz: string): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, msPart);
  if (tz === 'UTC' || tz === 'Etc/UTC') return asUtc;
  let guess = asUtc - wallTimeOffsetMs(tz, asUtc);
  guess = asUtc - wallTimeOffsetMs(tz, guess);
  return guess;
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
 */
export function parseTimestamp(text: string, tz: string): number {
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
    return wallTimeToUtcMs(y, mo, d, h, mi, s, msPart, tz);
  }
  m = US.exec(t);
  if (m) {
    const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const h = hour24(Number(m[4] ?? 0), m[8]);
    const [mi, s] = [Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const msPart = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    if (!validParts(y, mo, d, h, mi, s)) return NaN;
    return wallTimeToUtcMs(y, mo, d, h, mi, s, msPart, tz);
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
export function parseDateAndTime(dateText: string, timeText: string, tz: string): number {
  const d = parseDate(dateText.trim());
  const t = parseTimeOfDay(timeText.trim());
  if (!d || !t || !validParts(d[0], d[1], d[2], t[0], t[1], t[2])) return NaN;
  return wallTimeToUtcMs(d[0], d[1], d[2], t[0], t[1], t[2], t[3], tz);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `mo` (1–12) of year `y`. */
function daysInMonth(y: number, mo: number): number {
  return mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS_IN_MONTH[mo - 1]!;
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return h >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 24 && mi <= 59 && s <= 60;
}
