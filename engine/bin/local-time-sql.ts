import { wallTimeOffsetMs } from '../ingest/parse-time.ts';

/**
 * Local time as integer arithmetic in SQL. DuckDB's time-zone functions go through ICU for every row, which cost
 * more than binning itself; instead the zone's UTC offsets over the data's time span are looked up here once (DST
 * changes included, to the minute) and the SQL adds the right offset with a short CASE.
 */

/** Offset changes of `tz` between two instants: the offset before the first change, then [instant, new offset] pairs. */
export function offsetChanges(tz: string, fromMs: number, toMs: number): { initialS: number; changes: [number, number][] } {
  const HOUR = 3_600_000;
  const offsetS = (ms: number) => Math.round(wallTimeOffsetMs(tz, ms) / 1000);
  const initialS = offsetS(fromMs);
  const changes: [number, number][] = [];
  let current = initialS;
  for (let t = Math.floor(fromMs / HOUR) * HOUR + HOUR; t <= toMs + HOUR; t += HOUR) {
    const o = offsetS(t);
    if (o === current) continue;
    // The change happened within the last hour: find its minute.
    let lo = t - HOUR;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetS(mid) === current) lo = mid;
      else hi = mid;
    }
    changes.push([Math.round(hi / 1000), o]);
    current = o;
  }
  return { initialS, changes };
}

/**
 * A SQL expression: the local wall-clock time of `epochSecondsSql` (seconds since 1970, UTC) in `tz`, as seconds
 * since 1970-01-01 00:00 local — so `// 86400` is the local day, `% 86400 // 3600` the local hour. Exact for
 * instants between `fromMs` and `toMs`.
 */
export function localSecondsSql(epochSecondsSql: string, tz: string, fromMs: number, toMs: number): string {
  const { initialS, changes } = offsetChanges(tz, fromMs, toMs);
  if (changes.length === 0) return `(${epochSecondsSql} + ${initialS})`;
  const cases = changes.map(([at], i) => `WHEN ${epochSecondsSql} < ${at} THEN ${i === 0 ? initialS : changes[i - 1]![1]}`).join(' ');
  return `(${epochSecondsSql} + CASE ${cases} ELSE ${changes[changes.length - 1]![1]} END)`;
}

/** SQL of the ISO weekday (1 = Monday … 7 = Sunday) of a local-seconds expression (1970-01-01 was a Thursday). */
export function isoDowSql(localSecondsExpr: string): string {
  return `((((${localSecondsExpr}) // 86400) + 3) % 7 + 1)`;
}
