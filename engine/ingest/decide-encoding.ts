import { isUtf8 } from 'node:buffer';
import { ParkzonesError } from '../errors.ts';
import { openInput } from './open-input.ts';

/** Text encodings ingest reads. windows-1252 is what "Latin-1" means on the web (WHATWG): every byte is one character. */
export type TextEncoding = 'utf-8' | 'windows-1252';

/** The `encoding` option: 'auto' decides from the bytes; 'latin1' is read as windows-1252, as browsers do. */
export const ENCODING_CHOICES = ['auto', 'utf-8', 'windows-1252', 'latin1'] as const;
export type EncodingChoice = (typeof ENCODING_CHOICES)[number];

/** How a text file's bytes are decoded, and why: decided once for the whole file. */
export interface EncodingDecision {
  name: TextEncoding;
  how: string;
}

/**
 * Decides a text file's encoding once for the whole file, before any row is read:
 * - 'auto' (default): a streaming check of every (decompressed) byte; all valid UTF-8 → utf-8, else windows-1252
 *   (each byte its own character, so ids that differ in one byte stay distinct);
 * - 'utf-8': the same check, and a file that is not valid UTF-8 is refused (never decoded with U+FFFD);
 * - 'windows-1252' or 'latin1': taken as given (every byte sequence is valid).
 * @throws ParkzonesError BAD_FILE (utf-8 asked for, but a byte is not valid UTF-8: names the byte and its offset)
 */
export async function decideEncoding(file: string, gzip: boolean, name: string, choice: EncodingChoice = 'auto', maxInflatedBytes = Infinity): Promise<EncodingDecision> {
  if (choice === 'windows-1252' || choice === 'latin1') return { name: 'windows-1252', how: `given (${choice})` };
  const bad = await firstInvalidUtf8Byte(file, gzip, name, maxInflatedBytes);
  if (bad === null) return { name: 'utf-8', how: choice === 'utf-8' ? 'given (utf-8); every byte is valid UTF-8' : 'detected: every byte is valid UTF-8' };
  const what = `byte ${bad.offset} (0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}) is not valid UTF-8`;
  if (choice === 'utf-8') {
    throw new ParkzonesError('BAD_FILE', `${name}: ${what}, but the encoding utf-8 was asked for (read it as windows-1252 / Latin-1 with encoding windows-1252)`, {
      file: name, position: bad.offset,
    });
  }
  return { name: 'windows-1252', how: `detected: ${what}, so the whole file is read as windows-1252 (Latin-1)` };
}

/** Offset (in the decompressed bytes) and value of the first byte that is not valid UTF-8, or null. */
async function firstInvalidUtf8Byte(file: string, gzip: boolean, name: string, maxInflatedBytes: number): Promise<{ offset: number; byte: number } | null> {
  const input = openInput(file, gzip, name, { maxInflatedBytes });
  let carry: Buffer = Buffer.alloc(0);
  let base = 0; // offset of carry[0]
  for await (const chunk of input.chunks) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = completeLength(buf);
    const part = buf.subarray(0, whole);
    if (!isUtf8(part)) {
      const at = invalidUtf8Offset(part);
      return { offset: base + at, byte: buf[at]! };
    }
    carry = Buffer.from(buf.subarray(whole));
    base += whole;
  }
  if (carry.length) return { offset: base, byte: carry[0]! };
  return null;
}

/** Length of `buf` without a multi-byte sequence cut at its end (at most 3 bytes held back). */
function completeLength(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

/** Offset of the first byte of `b` that starts no valid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF); b.length if none. */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < b.length && b[j]! >= lo && b[j]! <= hi;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    if (c < 0x80) n = 1;
    else if (c >= 0xc2 && c <= 0xdf) n = cont(i + 1) ? 2 : 0;
    else if (c === 0xe0) n = cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
    else if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) n = cont(i + 1) && cont(i + 2) ? 3 : 0;
    else if (c === 0xed) n = cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
    else if (c === 0xf0) n = cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (c >= 0xf1 && c <= 0xf3) n = cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (c === 0xf4) n = cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else n = 0;
    if (n === 0) return i;
    i += n;
  }
  return b.length;
}
