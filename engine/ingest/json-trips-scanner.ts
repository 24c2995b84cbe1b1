import { ParkzonesError } from '../errors.ts';
import { DEFAULT_INGEST_LIMITS, eventLoopPacer, limitError, type IngestLimits } from './input-limits.ts';

/** One element of a payload's trips array: its text and 1-based index. */
export interface JsonTripElement {
  index: number;
  text: string;
  /** Byte offset of the element's first byte in the (decompressed) file. */
  position: number;
}

/** What the scanner learnt of the payload besides its trips. */
export interface JsonPayloadInfo {
  /** The top-level `version` string, if any. */
  version: string | null;
  /** Where the trips array sat: 'data.trips' (MDS 0.4–1.x), 'trips' (MDS 2.x) or '' (a bare array). */
  tripsPath: string | null;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;
const COLON = 0x3a, COMMA = 0x2c;
const OBJECT = 1, ARRAY = 2;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Bytes of a value that may span chunks: parts of earlier chunks plus a start in the current one. */
class Capture {
  open = false;
  start = 0;
  parts: Buffer[] = [];
  /** Bytes held in `parts`. */
  held = 0;
  begin(i: number): void {
    this.open = true;
    this.start = i;
    this.parts = [];
    this.held = 0;
  }
  end(chunk: Buffer, endExclusive: number): string {
    this.open = false;
    const tail = chunk.subarray(this.start, endExclusive);
    return (this.parts.length ? Buffer.concat([...this.parts, tail]) : tail).toString('utf8');
  }
  /** Keeps the open value's bytes of `chunk`; returns the bytes held so far. */
  carry(chunk: Buffer): number {
    if (!this.open) return 0;
    this.parts.push(Buffer.from(chunk.subarray(this.start)));
    this.held += chunk.length - this.start;
    this.start = 0;
    return this.held;
  }
}

/**
 * Streams the elements of an MDS trips array out of a JSON payload without parsing the whole document:
 * `{version, data: {trips: [...]}}`, `{version, trips: [...]}` or a bare `[...]`. Only one element's bytes are
 * held at a time (besides those completed in the current chunk, which are handed over together). Brackets and strings are checked everywhere; each element is handed over as text for JSON.parse.
 * Time is linear in the bytes whatever the nesting; the event loop gets a turn every 20 ms.
 * Throws BAD_FILE with the byte position when the document is empty, truncated or malformed, BAD_FORMAT when it
 * has no trips array, TOO_LARGE (limit `json_depth` or `record_bytes`) when nesting is deeper than `maxJsonDepth`
 * or a trip element (or a string outside the trips) is longer than `maxRecordBytes`.
 * @param info filled in as the scan proceeds (`version` may come after the trips)
 */
export async function* scanJsonTrips(
  chunks: AsyncIterable<Buffer>, file: string, info: JsonPayloadInfo,
  limits: Pick<IngestLimits, 'maxJsonDepth' | 'maxRecordBytes'> = DEFAULT_INGEST_LIMITS,
): AsyncGenerator<JsonTripElement[]> {
  const pace = eventLoopPacer();
  let steps = 0;
  let out: JsonTripElement[] = [];
  const kinds: number[] = [];
  const keys: (string | null)[] = [];
  let inString = false;
  let escape = false;
  let expectKey = false;
  let lastKey: string | null = null;
  let captureString = false;
  let versionNext = false;
  let offset = 0;
  let tripsDepth = -1;
  let index = 0;
  let sawRoot = false;
  let rootDone = false;
  let elementPosition = 0;
  const str = new Capture();
  const el = new Capture();
  const stringTooLong = () =>
    limitError('record_bytes', file, `a JSON string is longer than ${limits.maxRecordBytes} bytes, before byte ${offset} (limit record_bytes)`, { position: offset });
  const tripTooLong = () =>
    limitError('record_bytes', file, `trip ${index + 1} (byte ${elementPosition}) is longer than ${limits.maxRecordBytes} bytes (limit record_bytes)`, {
      row: index + 1, position: elementPosition,
    });
  const push = (text: string) => {
    if (text.length > limits.maxRecordBytes) throw tripTooLong();
    out.push({ index: ++index, text, position: elementPosition });
  };
  const fail = (pos: number, what: string): never => {
    throw new ParkzonesError('BAD_FILE', `${file}: not valid JSON at byte ${pos}: ${what}`, { file, position: pos });
  };

  for await (const chunk of chunks) {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c !== QUOTE) {
          // Most bytes are inside strings: skip to the next quote or backslash in one tight loop.
          let j = i + 1;
          while (j < n) {
            const d = chunk[j]!;
            if (d === QUOTE || d === BACKSLASH) break;
            j++;
          }
          i = j - 1;
        }
        else if (c === QUOTE) {
          inString = false;
          if (captureString) {
            const raw = str.end(chunk, i + 1);
            if (raw.length > limits.maxRecordBytes) throw stringTooLong();
            const text = JSON.parse(raw) as string;
            if (expectKey) lastKey = text;
            else if (versionNext) info.version = text;
            captureString = false;
          }
          versionNext = false;
          if (el.open && kinds.length === tripsDepth) push(el.end(chunk, i + 1));
        }
        continue;
      }
      if (isSpace(c)) continue;
      const depth = kinds.length;
      // Digits, signs and points of numbers inside a trip change nothing of the scan's state.
      if (((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) && depth > tripsDepth && tripsDepth > 0 && !rootDone) continue;
      if (out.length >= 4096) {
        // Small batches keep each later step (JSON.parse, conversion) short.
        yield out;
        out = [];
      }
      if ((++steps & 8191) === 0) {
        const p = pace();
        if (p) await p;
      }
      if (rootDone) fail(offset + i, 'content after the end of the document');
      if (!sawRoot && c !== LBRACE && c !== LBRACKET) fail(offset + i, 'a JSON document must start with { or [');
      if (depth === tripsDepth) {
        if (c === COMMA || c === RBRACKET) {
          if (el.open) push(el.end(chunk, i).trim());
        } else if (!el.open) {
          el.begin(i);
          elementPosition = offset + i;
        }
      }
      switch (c) {
        case QUOTE:
          inString = true;
          if (depth <= 2) {
            captureString = true;
            str.begin(i);
            versionNext = depth === 1 && !expectKey && lastKey === 'version';
          }
          break;
        case LBRACE:
        case LBRACKET: {
          sawRoot = true;
          if (depth >= limits.maxJsonDepth) {
            throw limitError('json_depth', file, `JSON nested deeper than ${limits.maxJsonDepth} levels at byte ${offset + i} (limit json_depth)`, { position: offset + i });
          }
          const key = kinds[depth - 1] === OBJECT ? lastKey : null;
          kinds.push(c === LBRACE ? OBJECT : ARRAY);
          keys.push(key);
          // Only the first levels can hold the trips array: deeper brackets cost no path (the scan stays linear).
          if (c === LBRACKET && tripsDepth === -1 && depth <= 2) {
            const path = keys.slice(1).join('.');
            if (depth === 0 || (depth === 1 && path === 'trips') || (depth === 2 && path === 'data.trips')) {
              tripsDepth = depth + 1;
              info.tripsPath = path;
            }
          }
          expectKey = c === LBRACE;
          lastKey = null;
          break;
        }
        case RBRACE:
        case RBRACKET: {
          const kind = kinds.pop();
          keys.pop();
          if (kind !== (c === RBRACE ? OBJECT : ARRAY)) fail(offset + i, `unexpected ${String.fromCharCode(c)}`);
          if (kinds.length === 0) rootDone = true;
          if (depth === tripsDepth) tripsDepth = -2;
          expectKey = false;
          if (el.open && kinds.length === tripsDepth) push(el.end(chunk, i + 1));
          break;
        }
        case COLON:
          expectKey = false;
          break;
        case COMMA:
          expectKey = kinds[depth - 1] === OBJECT;
          break;
      }
    }
    offset += n;
    if (str.carry(chunk) > limits.maxRecordBytes) throw stringTooLong();
    if (el.carry(chunk) > limits.maxRecordBytes) throw tripTooLong();
    if (out.length > 0) {
      yield out;
      out = [];
    }
    const p = pace();
    if (p) await p;
  }
  if (!sawRoot) throw new ParkzonesError('BAD_FILE', `${file}: the file is empty`, { file, position: 0 });
  if (inString || kinds.length > 0) {
    throw new ParkzonesError('BAD_FILE', `${file}: the JSON ends early: truncated at byte ${offset} with ${kinds.length} bracket(s) open`, {
      file,
      position: offset,
    });
  }
  if (info.tripsPath === null) {
    throw new ParkzonesError(
      'BAD_FORMAT',
      `${file}: no trips array: expected {version, data: {trips: [...]}} (MDS 0.4–1.x) or {version, trips: [...]} (MDS 2.x)`,
      { file },
    );
  }
}
