import { StringDecoder } from 'node:string_decoder';
import { ParkzonesError } from '../errors.ts';
import { DEFAULT_INGEST_LIMITS, eventLoopPacer, limitError } from './input-limits.ts';

/** One CSV record: its fields, the text it came from, and its 1-based data row (the header is row 0). */
export interface CsvRecord {
  fields: string[];
  raw: string;
  row: number;
}

/** Splits one complete record's text into fields (RFC 4180 quoting, `""` is a quote inside quotes). */
export function splitCsvRecord(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
    i++;
  }
  out.push(field);
  return out;
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** Picks the delimiter of a header line: the most frequent of comma, semicolon, tab and pipe. */
export function sniffDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const c = headerLine.split(d).length - 1;
    if (c > bestCount) [best, bestCount] = [d, c];
  }
  return best;
}

const BLOCK = 1 << 16;
/** Blocks of blank lines as bytes: LF…, CR LF…, LF CR… (compared natively, far faster than a loop over bytes). */
const BLANK_BLOCKS = [Buffer.alloc(BLOCK, 0x0a), Buffer.alloc(BLOCK, '\r\n'), Buffer.alloc(BLOCK, '\n\r')];

/** Offset of the first byte of `b` that is not a space, tab, CR or LF; `b.length` when there is none. */
function firstNonSpaceByte(b: Buffer): number {
  let i = 0;
  for (const blank of BLANK_BLOCKS) {
    while (i + BLOCK <= b.length && b.compare(blank, 0, BLOCK, i, i + BLOCK) === 0) i += BLOCK;
  }
  while (i < b.length) {
    const c = b[i]!;
    if (c !== 0x0a && c !== 0x20 && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** The next character that is not white space (`\s`: what `trim` removes). */
const NOT_SPACE = /\S/g;

/**
 * Streams CSV records from decompressed bytes, a batch per chunk read, never holding more than a chunk's records.
 * Blank lines (white space only) are skipped in one regular-expression scan per run of them, not line by line.
 * A quoted field may span lines. The first record is the header. The event loop gets a turn every 20 ms.
 * Throws BAD_FILE naming the file and byte position when the input ends inside a quoted field, TOO_LARGE (limit
 * `record_bytes`) when a record grows past `maxRecordChars` characters.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Buffer>, file: string, maxRecordChars: number = DEFAULT_INGEST_LIMITS.maxRecordBytes,
): AsyncGenerator<CsvRecord[]> {
  let out: CsvRecord[] = [];
  const decoder = new StringDecoder('utf8');
  const pace = eventLoopPacer();
  let carry = '';
  let pending = '';
  let pendingQuotes = 0;
  let row = -1;
  let delimiter = ',';
  let bytes = 0;
  const tooLong = (what: string) =>
    limitError('record_bytes', file, `${row < 0 ? 'the header' : `data row ${row + 1}`} ${what} is longer than ${maxRecordChars} characters (limit record_bytes): a line without end, or a quote never closed`, {
      row: row + 1, position: bytes,
    });
  const emit = (line: string): void => {
    const text = pending ? pending + '\n' + line : line;
    const quotes = pendingQuotes + countQuotes(line);
    if (text.length > maxRecordChars) throw tooLong('(a record)');
    if (quotes % 2 === 1) {
      pending = text;
      pendingQuotes = quotes;
      return;
    }
    pending = '';
    pendingQuotes = 0;
    if (text.trim() === '') return;
    row++;
    if (row === 0) {
      delimiter = sniffDelimiter(text);
    }
    out.push({ fields: splitCsvRecord(text, delimiter), raw: text, row });
  };
  for await (let chunk of chunks) {
    bytes += chunk.length;
    if (!pending && !/\S/.test(carry)) {
      // Blank lines in bulk (a gzip of newlines) are dropped as bytes, before they cost a string.
      const k = firstNonSpaceByte(chunk);
      const j = k > 0 ? chunk.lastIndexOf(0x0a, k - 1) : -1;
      if (j > 0) {
        const head = decoder.write(chunk.subarray(0, 1)); // ends a character cut by the previous chunk, if any
        if (head.trim() === '') {
          carry = '';
          chunk = chunk.subarray(j + 1);
        } else {
          carry += head;
          chunk = chunk.subarray(1);
        }
      }
    }
    const text = carry + decoder.write(chunk);
    let start = 0;
    let lines = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      const c = text.charCodeAt(start);
      if (!pending && (c === 10 || c === 13 || c === 32 || c === 9)) {
        NOT_SPACE.lastIndex = start;
        const next = NOT_SPACE.exec(text)?.index ?? text.length;
        if (next > nl) {
          // This line and those up to the one holding `next` hold nothing.
          start = text.lastIndexOf('\n', next - 1) + 1;
          continue;
        }
      }
      let line = text.slice(start, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (row < 0 && start === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      emit(line);
      start = nl + 1;
      if ((++lines & 63) === 0) {
        const p = pace();
        if (p) await p;
      }
    }
    carry = text.slice(start);
    if (carry.length + pending.length > maxRecordChars) throw tooLong('(a line)');
    if (out.length > 0) {
      yield out;
      out = [];
    }
    const p = pace();
    if (p) await p;
  }
  carry += decoder.end();
  if (carry.endsWith('\r')) carry = carry.slice(0, -1);
  if (carry !== '') emit(carry);
  if (out.length > 0) yield out;
  if (pending) {
    throw new ParkzonesError('BAD_FILE', `${file}: the file ends inside a quoted field that starts at data row ${row + 1} (byte ${bytes})`, {
      file,
      row: row + 1,
      position: bytes,
    });
  }
}
