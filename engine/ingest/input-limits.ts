import { ParkzonesError } from '../errors.ts';

/**
 * Bounds every upload must stay within, whatever its bytes: what a decompression bomb, a line without end, deep JSON
 * nesting or a slow pathological file could otherwise cost in disk, memory and time. Going past one stops the upload
 * (nothing is stored) with a TOO_LARGE error whose `limit` names the bound (the server answers 413).
 */
export interface IngestLimits {
  /** Largest decompressed size of a gzipped file, bytes. Default 4 GiB (8 × the server's default 512 MiB upload limit). */
  maxInflatedBytes: number;
  /** Longest CSV record (a line, or lines joined by a quoted field) or JSON trip element, bytes (CSV: characters). Default 1 MiB. */
  maxRecordBytes: number;
  /** Deepest nesting of JSON arrays and objects. Default 64 (an MDS 1.x trip's route points sit at depth 8). */
  maxJsonDepth: number;
  /** Longest an upload may take, seconds. Default 1800 (2 GB exports ingest in 2–4 minutes). */
  maxSeconds: number;
}

/** The default bounds (see {@link IngestLimits}). */
export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = {
  maxInflatedBytes: 4 * 1024 ** 3, // bytes
  maxRecordBytes: 1024 ** 2, // bytes (CSV: characters)
  maxJsonDepth: 64, // levels of [ and {
  maxSeconds: 1800, // seconds
};

/** Ratio of {@link IngestLimits.maxInflatedBytes} to the server's upload limit: a gzip may inflate to 8 × the limit. */
export const INFLATE_RATIO = 8;

/** Names of the bounds as errors report them (`limit` of the error and of the problem+json body). */
export type LimitName = 'inflated_bytes' | 'record_bytes' | 'json_depth' | 'seconds';

/** The error for an input past a bound: TOO_LARGE, naming the file and the bound. */
export function limitError(limit: LimitName, file: string, message: string, location: { row?: number; position?: number } = {}): ParkzonesError {
  return new ParkzonesError('TOO_LARGE', `${file}: ${message}`, { file, limit, ...location });
}

/** Fills in the defaults and checks each bound is a number > 0. */
export function resolveLimits(limits: Partial<IngestLimits> = {}): IngestLimits {
  const out = { ...DEFAULT_INGEST_LIMITS, ...limits };
  for (const [k, v] of Object.entries(out)) {
    if (!(typeof v === 'number' && v > 0)) throw new ParkzonesError('BAD_OPTION', `limits.${k}: must be a number > 0, got ${v}`, { option: `limits.${k}` });
  }
  return out;
}

/**
 * Lets the event loop run when the caller has held it for more than `sliceMs` (default 20 ms): call it often in long
 * synchronous loops; it costs a clock read when there is nothing to do. Each caller keeps its own pacer.
 */
export function eventLoopPacer(sliceMs = 20): () => Promise<void> | null {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < sliceMs) return null;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}
