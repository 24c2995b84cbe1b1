import { INTEGER, UBIGINT, DuckDBDataChunk } from '../store/duckdb-api.ts';
import { requireOption } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { endCellSql } from '../store/cell-columns.ts';
import { tripFilterSql, type DemandFilter } from './trip-filter.ts';
import { parkedTripsSql } from './parked-sql.ts';
import { nextStartFresh } from '../store/next-start.ts';
import { validateRes } from './demand-cells.ts';
import { sweepGroupedPeaks, type GroupedSpells } from './peak-sweep.ts';
import { gatherByGroup, groupOffsets, sortEachGroup } from './group-sort.ts';
import { readResultChunks, readColumns } from './read-columns.ts';

/** Options of {@link parkedPeaks}. */
export interface ParkedPeaksOptions {
  /** H3 resolution of `cells`, 7–12. */
  res: number;
  /** Which trip ends count. Default: all. */
  filter?: DemandFilter;
  /** Cells to measure. */
  cells: BigUint64Array;
  /** Group of each cell (e.g. its zone), 0…groupCount-1; -1 leaves the cell out. */
  groups: Int32Array;
  groupCount: number;
  /** Percentile of daily peaks reported, 0–1. Default 0.85. */
  percentile?: number;
  /** Slot length, minutes. A vehicle counts in every slot it stands in for any part of. Default 15. */
  slotMinutes?: number;
  /** Longest parked spell counted, hours; a device's last trip stands this long. Default 24. */
  capHours?: number;
}

/** Vehicles standing at once per group: the highest over all slots, and the percentile of daily highs. */
export interface ParkedPeaks {
  peak: Float64Array;
  percentilePeak: Float64Array;
  /** Local days the percentile was taken over. */
  days: number;
}

/** Options of {@link cellParkedPeaks}. */
export type CellParkedPeaksOptions = Pick<ParkedPeaksOptions, 'filter' | 'percentile' | 'slotMinutes' | 'capHours'> & {
  /**
   * Most trip ends (by the cells' `trips`) whose spells are held at once: cells are read and swept in batches of
   * consecutive cells up to this many (a batch holds one cell at least), each batch one more scan of the trips,
   * so memory stays bounded on any history (16–28 bytes a spell). Default 12,000,000 (about 340 MB).
   */
  batchTrips?: number;
};

/**
 * Parked-vehicle peaks of each demand cell on its own: the vehicles standing at once in the cell, highest slot and
 * percentile of daily highs (each cell its own group of {@link parkedPeaks}). With the cells' `trips` (demand cells
 * have them), cells are swept in batches ({@link CellParkedPeaksOptions.batchTrips}); the figures are the same.
 */
export async function cellParkedPeaks(
  store: Store,
  cells: { res: number; count: number; cell: BigUint64Array; trips?: Float64Array },
  options: CellParkedPeaksOptions = {},
): Promise<ParkedPeaks> {
  const { batchTrips = 12_000_000, ...rest } = options;
  requireOption(batchTrips >= 1, 'batchTrips', `must be at least 1, got ${batchTrips}`);
  const percentile = rest.percentile ?? 0.85;
  const out: ParkedPeaks = { peak: new Float64Array(cells.count), percentilePeak: new Float64Array(cells.count), days: 0 };
  // Batches of consecutive cells; one batch (of none) when there are no cells.
  let from = 0;
  do {
    let to = cells.count;
    if (cells.trips) {
      to = from + 1;
      for (let sum = cells.trips[from] ?? 0; to < cells.count && sum + cells.trips[to]! <= batchTrips; to++) sum += cells.trips[to]!;
    }
    const batch = cells.cell.subarray(from, to);
    const spells = await fetchParkedSpells(store, { ...rest, res: cells.res, cells: batch });
    const groups = Int32Array.from({ length: batch.length }, (_, i) => i);
    const got = peaksOfSpells(spells, groups, batch.length, percentile);
    out.peak.set(got.peak, from);
    out.percentilePeak.set(got.percentilePeak, from);
    out.days = Math.max(out.days, got.days);
    from = to;
  } while (from < cells.count);
  return out;
}

/** What {@link parkedSpellsSql} and {@link dayStartsSql} read (parameters `$tz` and the filter's own). */
export interface ParkedPeaksSqlParts {
  res: number;
  /** The trip filter's WHERE (engine/bin `tripFilterSql`). */
  where: string;
  /** Slot length, whole seconds. */
  slotSeconds: number;
  capHours?: number | undefined;
  /** The trips' stored next starts are right (store/next-start.ts): read them instead of a window. Default false. */
  fresh?: boolean | undefined;
}

/**
 * The parked spells of trip ends in the cells of `temp.parked_groups (cell, grp)`: per spell its cell's index and its
 * slots [a, b) — from the slot of the trip end to the slot of the spell's end, inclusive — as whole doubles.
 */
export function parkedSpellsSql(parts: ParkedPeaksSqlParts): string {
  const slotUs = parts.slotSeconds * 1_000_000;
  // In whole microseconds (epoch_us), the times' own resolution: exact, and 4× faster than timestamp arithmetic and
  // floor() of fractional epoch seconds.
  return `SELECT g.grp, (epoch_us(t.end_time) // ${slotUs})::DOUBLE AS a, (t.park_end_us // ${slotUs} + 1)::DOUBLE AS b
     FROM (${parkedTripsSql(parts.capHours, parts.fresh)}) t
     JOIN temp.parked_groups g ON g.cell = ${endCellSql(parts.res, 't.')}
     WHERE t.device_id IS NOT NULL AND ${parts.where}`;
}

/**
 * The first slot of each local day ($tz) with a trip end the filter keeps, ascending: the days peaks are taken over.
 * The time-zone conversion runs once per 15-minute span holding trip ends, not per trip: every UTC offset in use
 * since 2000 (the earliest time a trip may carry, ingest/row-checks.ts) is a whole number of quarter hours, so a local
 * midnight falls on a quarter hour and every instant of an aligned span has the same local date.
 */
export function dayStartsSql(parts: Pick<ParkedPeaksSqlParts, 'where' | 'slotSeconds'>): string {
  return `SELECT floor(epoch(timezone($tz::VARCHAR, day::TIMESTAMP)) / ${parts.slotSeconds})::DOUBLE AS ds
     FROM (
       SELECT DISTINCT timezone($tz::VARCHAR, to_timestamp(q * 900))::DATE AS day
       FROM (SELECT DISTINCT epoch_ms(end_time) // 900000 AS q FROM trips WHERE ${parts.where})
     )
     ORDER BY ds, day`;
}

/** The parked spells of some cells' trip ends and the days they are measured over ({@link fetchParkedSpells}). */
export interface CellSpells {
  /**
   * Spells grouped by the index (in the `cells` given) of the cell their trip ended in. Each cell's starts and ends
   * are sorted only when `sorted` (the first sweep of the cells on their own sorts them in place; grouping cells into
   * zones sorts the zones' instead, so a proposal never sorts a cell's).
   */
  cells: GroupedSpells;
  sorted: boolean;
  /** Each counted local day's first slot, ascending. */
  dayStarts: Float64Array;
  /** Slot length, seconds. */
  slotSeconds: number;
}

/** Options of {@link fetchParkedSpells}: those of {@link ParkedPeaksOptions} that the spells depend on. */
export type CellSpellsOptions = Pick<ParkedPeaksOptions, 'res' | 'filter' | 'cells' | 'slotMinutes' | 'capHours'> & {
  /**
   * Called once the spells' query is under way (DuckDB computes it on its own threads from then on, whatever the
   * JavaScript thread does): a caller that starts the read and then works synchronously waits for this first.
   */
  onQueued?: () => void;
};

/**
 * Reads the parked spells of the trip ends in `cells`, grouped by cell, and the local days peaks are taken over: the
 * store's part of {@link parkedPeaks}, which can run before the cells' groups are known (zone proposal fetches them
 * while it selects zones; {@link peaksOfSpells} then groups and sweeps). Memory: 16 bytes a spell kept, 28 at most
 * while reading (the chunks of each column are dropped once grouped).
 */
export async function fetchParkedSpells(store: Store, options: CellSpellsOptions): Promise<CellSpells> {
  validateRes(options.res);
  const slotMinutes = options.slotMinutes ?? 15;
  requireOption(slotMinutes >= 1 / 60 && slotMinutes <= 1440, 'slotMinutes', `must be from 1/60 (a second) to 1440 (a day), got ${slotMinutes}`);
  const f = tripFilterSql(options.filter);
  const conn = await store.connect();
  // The local days come from their own connection, read while the spells' query runs.
  let daysConn: Awaited<ReturnType<Store['connect']>> | null = null;
  let days: Promise<readonly [Float64Array]> | null = null;
  try {
    daysConn = await store.connect();
    await conn.run('CREATE OR REPLACE TEMP TABLE parked_groups (cell UBIGINT, grp INTEGER)');
    const appender = await conn.createAppender('parked_groups', 'main', 'temp');
    for (let start = 0; start < options.cells.length; start += 2048) {
      const end = Math.min(options.cells.length, start + 2048);
      const chunk = DuckDBDataChunk.create([UBIGINT, INTEGER], end - start);
      chunk.setColumnValues(0, Array.from(options.cells.subarray(start, end)));
      chunk.setColumnValues(1, Array.from({ length: end - start }, (_, i) => start + i));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    const slot = Math.round(slotMinutes * 60);
    const parts = { res: options.res, where: f.where, slotSeconds: slot, capHours: options.capHours, fresh: await nextStartFresh(conn) };
    const running = conn.run(parkedSpellsSql(parts), f.params);
    days = readColumns(daysConn, dayStartsSql(parts), { ...f.params, tz: f.tz }, ['float64'] as const);
    days.catch(() => undefined); // awaited below, after the spells
    options.onQueued?.();
    const columns: (Int32Array[] | Float64Array[])[] = [...(await readResultChunks(await running, ['int32', 'float64', 'float64'] as const))];
    const grp = columns.shift() as Int32Array[];
    const offset = groupOffsets(grp, options.cells.length);
    // Each column's chunks are let go once gathered (`columns` held them alone).
    const starts = gatherByGroup(grp, columns.shift() as Float64Array[], offset);
    const ends = gatherByGroup(grp, columns.shift() as Float64Array[], offset);
    const [dayStarts] = await days;
    return { cells: { offset, starts, ends }, sorted: false, dayStarts, slotSeconds: slot };
  } finally {
    await conn.run('DROP TABLE IF EXISTS temp.parked_groups').catch(() => {});
    conn.closeSync();
    await days?.catch(() => undefined); // never closed under a running query
    daysConn?.closeSync();
  }
}

/**
 * The spells of cells gathered into their groups (`groups[c]` of cell c, −1 for none), each group's starts and ends
 * sorted; cells given each their own group in order are the cells' own spells, sorted in place once.
 */
function spellsOfGroups(cellSpells: CellSpells, groups: Int32Array, groupCount: number): GroupedSpells {
  const cells = cellSpells.cells;
  const cellCount = cells.offset.length - 1;
  let identity = groupCount === cellCount;
  for (let c = 0; identity && c < cellCount; c++) identity = groups[c] === c;
  if (identity) {
    if (!cellSpells.sorted) {
      sortEachGroup(cells.starts, cells.offset);
      sortEachGroup(cells.ends, cells.offset);
      cellSpells.sorted = true;
    }
    return cells;
  }
  const offset = new Int32Array(groupCount + 1);
  for (let c = 0; c < cellCount; c++) if (groups[c]! >= 0) offset[groups[c]! + 1]! += cells.offset[c + 1]! - cells.offset[c]!;
  for (let g = 0; g < groupCount; g++) offset[g + 1]! += offset[g]!;
  const starts = new Float64Array(offset[groupCount]!);
  const ends = new Float64Array(offset[groupCount]!);
  const fill = offset.slice(0, groupCount);
  for (let c = 0; c < cellCount; c++) {
    const g = groups[c]!;
    if (g < 0) continue;
    const from = cells.offset[c]!;
    const to = cells.offset[c + 1]!;
    starts.set(cells.starts.subarray(from, to), fill[g]!);
    ends.set(cells.ends.subarray(from, to), fill[g]!);
    fill[g]! += to - from;
  }
  sortEachGroup(starts, offset);
  sortEachGroup(ends, offset);
  return { offset, starts, ends };
}

/**
 * Peaks per group from cell spells ({@link fetchParkedSpells}): `groups[i]` is the group of cell i (−1 leaves it
 * out), as in {@link ParkedPeaksOptions}.
 */
export function peaksOfSpells(cellSpells: CellSpells, groups: Int32Array, groupCount: number, percentile = 0.85): ParkedPeaks {
  requireOption(percentile >= 0 && percentile <= 1, 'percentile', `must be between 0 and 1, got ${percentile}`);
  const { dayStarts, slotSeconds } = cellSpells;
  const grouped = spellsOfGroups(cellSpells, groups, groupCount);
  const swept = sweepGroupedPeaks(grouped, { dayStarts, window: Math.round(86400 / slotSeconds), percentile });
  return { ...swept, days: grouped.offset[groupCount]! > 0 ? dayStarts.length : 0 };
}

/**
 * Parked-vehicle accumulation: how many vehicles stand at once in each group of cells, per slot of the day.
 * A trip end starts a parked spell that lasts until the device's next trip start (capped); spells of trips that
 * end in a group's cells add up. Each local day's highest count is that day's peak; the result holds the highest
 * peak and the `percentile` of daily peaks (days without any vehicle count as 0), which sizes a zone. Computed by a
 * sweep over the spells (bin/peak-sweep.ts), whose cost grows with the trips, not with groups × days.
 */
export async function parkedPeaks(store: Store, options: ParkedPeaksOptions): Promise<ParkedPeaks> {
  validateRes(options.res);
  const percentile = options.percentile ?? 0.85;
  requireOption(percentile >= 0 && percentile <= 1, 'percentile', `must be between 0 and 1, got ${percentile}`);
  requireOption(options.cells.length === options.groups.length, 'groups', 'must have one entry per cell');
  // Only the cells in a group are read.
  const index: number[] = [];
  for (let i = 0; i < options.groups.length; i++) if (options.groups[i]! >= 0) index.push(i);
  const cells = BigUint64Array.from(index, (i) => options.cells[i]!);
  const groups = Int32Array.from(index, (i) => options.groups[i]!);
  const spells = await fetchParkedSpells(store, { ...options, cells });
  return peaksOfSpells(spells, groups, options.groupCount, percentile);
}
