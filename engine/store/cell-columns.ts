/**
 * The H3 cells stored with every trip (schema 2): its end cell at each resolution the engine serves, computed
 * once when the trip is stored, so binning is a plain GROUP BY on a UBIGINT column that DuckDB runs natively on
 * all cores. Each is `latLngToCell` at that resolution (never a parent of a finer cell: a coarser cell is not
 * always the parent of the finer one's point). Start cells are not stored: no query bins trip starts, and they
 * would double the H3 work of every ingest.
 */

/** Resolutions whose cells are stored (the engine's demand resolutions, engine/bin `validateRes`). */
export const STORED_CELL_RESOLUTIONS: readonly number[] = Object.freeze([7, 8, 9, 10, 11, 12]);

/** Column of a trip's end cell at `res`, e.g. `end_cell_10`. */
export function endCellColumn(res: number): string {
  return `end_cell_${res}`;
}

/** Every cell column, in table order: end cells 7–12. */
export function cellColumnNames(): string[] {
  return STORED_CELL_RESOLUTIONS.map(endCellColumn);
}

/** `name UBIGINT` for each cell column, for CREATE TABLE. */
export function cellColumnsDdl(): string {
  return cellColumnNames().map((c) => `${c} UBIGINT`).join(',\n  ');
}

/**
 * SQL computing every cell column from the point columns (in {@link cellColumnNames} order), for an INSERT … SELECT
 * or an UPDATE; `prefix` qualifies the point columns (e.g. `g.`).
 */
export function cellValuesSql(prefix = ''): string[] {
  return STORED_CELL_RESOLUTIONS.map((r) => `h3_cell(${prefix}end_lat, ${prefix}end_lng, ${r})`);
}

/** Field names of `h3_stored_cells`'s struct (engine/bin/register-h3.ts): the cell columns' names, in order. */
export function storedCellsFields(): string[] {
  return cellColumnNames();
}

/**
 * SQL computing every cell column from the point columns in one `h3_stored_cells` call per chunk (equal to
 * {@link cellValuesSql}): `from` is a query or table whose rows have `end_lat` and `end_lng`; the result has all of
 * its columns and one more, `alias`, the struct of cells, whose fields {@link cellFieldsSql} lists.
 */
export function withStoredCellsSql(from: string, alias: string): string {
  return `SELECT *, h3_stored_cells(end_lat, end_lng) AS ${alias} FROM ${from}`;
}

/** The cell columns' values, in {@link cellColumnNames} order, from the struct column `alias` of {@link withStoredCellsSql}. */
export function cellFieldsSql(alias: string): string[] {
  return storedCellsFields().map((f) => `${alias}.${f}`);
}

/**
 * SQL of a trip's end cell at `res` over a trips source: the stored column where that resolution is stored (with
 * `h3_cell` for a row stored without it, e.g. inserted by hand: COALESCE evaluates it only for those rows), else the
 * `h3_cell` function. `res` must be a validated integer (it is written into the SQL).
 */
export function endCellSql(res: number, prefix = ''): string {
  if (!Number.isInteger(res)) throw new Error(`endCellSql: resolution must be an integer, got ${res}`);
  const computed = `h3_cell(${prefix}end_lat, ${prefix}end_lng, ${res})`;
  return STORED_CELL_RESOLUTIONS.includes(res) ? `coalesce(${prefix}${endCellColumn(res)}, ${computed})` : computed;
}
