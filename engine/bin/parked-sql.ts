import { tripsWithNextStartSql } from '../store/next-start.ts';

/**
 * SQL for parked time: for each trip end, the time until the same device's next trip starts.
 * The next start is looked up over all of a provider's trips of that device (not only the filtered ones),
 * so filtering by hour or day does not invent long parking spells.
 */

/** Options shared by the parked-time queries. */
export interface ParkedOptions {
  /** Longest parked spell counted, hours; longer ones are cut there. Default 24. */
  capHours?: number;
}

/**
 * A SELECT over `trips` with every column plus `parked_s` (seconds to the device's next trip start, capped;
 * NULL for a device's last trip and for trips without a device id), `park_end_us` (end of the spell in whole
 * microseconds since the epoch, the times' own resolution: next start, or end_time + cap when open or longer) and
 * `park_end`, the same instant as a timestamp.
 * @param fresh the trips' stored next starts are right (store/next-start.ts `nextStartFresh`): read them, with no
 *   window. Default false: a window over every trip of every device computes them (the same values).
 */
export function parkedTripsSql(capHours = 24, fresh = false): string {
  const cap = Math.round(capHours * 3600);
  const capUs = cap * 1_000_000;
  return `
    SELECT *, make_timestamptz(park_end_us) AS park_end FROM (
      SELECT *,
        CASE WHEN next_start IS NULL THEN NULL ELSE least(greatest(epoch(next_start) - epoch(end_time), 0), ${cap}) END AS parked_s,
        CASE WHEN next_start IS NULL OR epoch_us(next_start) - epoch_us(end_time) > ${capUs}
             THEN epoch_us(end_time) + ${capUs} ELSE greatest(epoch_us(next_start), epoch_us(end_time)) END AS park_end_us
      FROM ${tripsWithNextStartSql(fresh)}
    )`;
}
