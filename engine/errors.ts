/**
 * Every failure the engine reports on purpose is a {@link ParkzonesError} with a stable `code`.
 * The server maps codes to HTTP statuses in one table (server/problem.ts); the CLI maps them to exit codes.
 */

/** Stable error codes. Add new ones at the end; never renumber or rename. */
export type ErrorCode =
  | 'BAD_OPTION' // an option or query parameter is out of range or malformed
  | 'BAD_FILE' // an input file cannot be parsed at all (truncated, binary, empty)
  | 'BAD_FORMAT' // an input file is parseable but not in a format we read, or the named format does not fit
  | 'BAD_MAPPING' // a CSV header cannot be mapped to the fields we need
  | 'NOT_FOUND' // an id (upload, run, zone, key) does not exist
  | 'FORBIDDEN' // the caller's role may not do this
  | 'UNAUTHORIZED' // no or unknown credentials
  | 'TOO_LARGE' // an upload exceeds the configured size limit
  | 'CONFLICT' // the store is busy or in a state that forbids the operation
  | 'EMPTY_INPUT' // nothing to work on (no trips match a filter)
  | 'INTERNAL' // a bug: never expected
  | 'STORE_INCONSISTENT' // the store breaks an invariant (an upload's counts against its rows) that parkzones cannot repair alone
  | 'UNAVAILABLE'; // the server is stopping: the request was not carried out (send it again later)

/** Where in an input an error sits; every part is optional. Rows are 1-based data rows (the header is row 0). */
export interface ErrorLocation {
  file?: string;
  row?: number;
  field?: string;
  /** Byte offset in the (decompressed) file. */
  position?: number;
  /** The option or query parameter at fault. */
  option?: string;
  /** The bound an input went past (TOO_LARGE), e.g. 'inflated_bytes' (see engine/ingest/input-limits.ts). */
  limit?: string;
}

/** The engine's only thrown error type. `message` is written for the person who has to fix the input. */
export class ParkzonesError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParkzonesError';
    this.code = code;
    this.location = location;
  }
}

/** Throws a BAD_OPTION error naming `option` unless `ok` holds. */
export function requireOption(ok: boolean, option: string, message: string): asserts ok {
  if (!ok) throw new ParkzonesError('BAD_OPTION', `${option}: ${message}`, { option });
}

/** True when `e` is a ParkzonesError (optionally with the given code). */
export function isParkzonesError(e: unknown, code?: ErrorCode): e is ParkzonesError {
  return e instanceof ParkzonesError && (code === undefined || e.code === code);
}
