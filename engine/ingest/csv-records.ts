import { StringDecoder } from 'node:string_decoder';
import { ParkzonesError } from '../errors.ts';

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

/**
 * Streams CSV records from decompressed bytes, a batch per chunk read, never holding more than a chunk's records.
 * Blank lines are skipped (they hold no row). A quoted field may span lines. The first record is the header.
 * Throws BAD_FILE naming the file and byte position when the input ends inside a quoted field.
 */
export async function* readCsvRecords(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<CsvRecord[]> {
  let out: CsvRecord[] = [];
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let pending = '';
  let pendingQuotes = 0;
  let row = -1;
  let delimiter = ',';
  let bytes = 0;
  const emit = (line: string): void => {
    const text = pending ? pending + '\n' + line : line;
    const quotes = pendingQuotes + countQuotes(line);
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
  for await (const chunk of chunks) {
    bytes += chunk.length;
    const text = carry + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      let line = text.slice(start, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (row < 0 && start === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      emit(line);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (out.length > 0) {
      yield out;
      out = [];
    }
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
