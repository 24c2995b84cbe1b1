import fs from 'node:fs';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { Transform, pipeline } from 'node:stream';
import { ParkzonesError } from '../errors.ts';
import { limitError } from './input-limits.ts';

/** Formats ingest reads. 'mds1' covers MDS Provider 0.4–1.x, 'mds2' MDS 2.x; both are JSON. */
export type InputFormat = 'mds1' | 'mds2' | 'csv' | 'parquet';

/** What the first bytes of a file say about it. */
export interface Sniffed {
  gzip: boolean;
  /** Format read off the content: JSON payloads are 'mds' until the trips array shows which version. */
  format: 'mds' | 'csv' | 'parquet';
  size: number;
}

const HEAD_BYTES = 64 * 1024;

/** Reads the first bytes of `file` (decompressed when gzipped) and tells its format. Throws BAD_FILE for empty or binary content. */
export async function sniffInput(file: string, displayName: string): Promise<Sniffed> {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    throw new ParkzonesError('BAD_FILE', `${displayName}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? e})`, { file: displayName });
  }
  if (size === 0) throw new ParkzonesError('BAD_FILE', `${displayName}: the file is empty`, { file: displayName, position: 0 });
  const fd = fs.openSync(file, 'r');
  const raw = Buffer.alloc(Math.min(size, HEAD_BYTES));
  fs.readSync(fd, raw, 0, raw.length, 0);
  fs.closeSync(fd);
  const gzip = raw[0] === 0x1f && raw[1] === 0x8b;
  let head = raw;
  if (gzip) {
    try {
      head = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new ParkzonesError('BAD_FILE', `${displayName}: gzip data is corrupt at the start (${(e as Error).message})`, { file: displayName, position: 0 });
    }
    if (head.length === 0) throw new ParkzonesError('BAD_FILE', `${displayName}: the gzipped file holds nothing`, { file: displayName, position: 0 });
  }
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return { gzip, format: 'parquet', size };
  if (!gzip && raw[0] === 0x50 && raw[1] === 0x4b && (raw[2] === 3 || raw[2] === 5)) {
    throw new ParkzonesError('BAD_FORMAT', `${displayName}: a zip archive: each of its members is a file (ingestUpload, the CLI and the server read them)`, {
      file: displayName, position: 0,
    });
  }
  const bad = findBinary(head);
  if (bad >= 0) {
    throw new ParkzonesError(
      'BAD_FILE',
      `${displayName}: binary content at byte ${bad}: not a CSV, JSON (MDS) or Parquet file${gzip ? ' (after gunzip)' : ''}`,
      { file: displayName, position: bad },
    );
  }
  const first = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  if (first === undefined) throw new ParkzonesError('BAD_FILE', `${displayName}: the file holds only white space`, { file: displayName, position: 0 });
  return { gzip, format: first === '{' || first === '[' ? 'mds' : 'csv', size };
}

/**
 * Offset of the first byte that text never holds (NUL and other C0 controls but tab, CR, LF, FF), or -1. Bytes that
 * are not UTF-8 are text in another encoding (decide-encoding.ts decides which), not binary.
 */
function findBinary(b: Buffer): number {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return i;
  }
  return -1;
}

/** A file's decompressed bytes as a stream of chunks, with its SHA-256 and bytes read (compressed) kept up to date. */
export interface InputStream {
  chunks: AsyncIterable<Buffer>;
  /** Hex SHA-256 of the file's bytes as stored; complete once `chunks` is exhausted. */
  sha256(): string;
  /** Bytes of the file read so far. */
  bytesRead(): number;
}

/**
 * Opens `file` for streaming: 1 MiB reads, gunzip when `gzip`; gzip errors become BAD_FILE with the position, and
 * inflating past `maxInflatedBytes` (default no bound) a TOO_LARGE error (limit `inflated_bytes`).
 * With `encoding` 'windows-1252' the text is handed on transcoded to UTF-8 (one character per byte), so that every
 * reader works on UTF-8 whatever the file's encoding (see decide-encoding.ts). Default 'utf-8': bytes as they are.
 */
export function openInput(
  file: string,
  gzip: boolean,
  displayName: string,
  options: { maxInflatedBytes?: number; encoding?: 'utf-8' | 'windows-1252' } = {},
): InputStream {
  const maxInflatedBytes = options.maxInflatedBytes ?? Infinity;
  const encoding = options.encoding ?? 'utf-8';
  const hash = crypto.createHash('sha256');
  let read = 0;
  let digest: string | null = null;
  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      read += chunk.length;
      done(null, chunk);
    },
  });
  const stages: NodeJS.ReadWriteStream[] = gzip ? [hasher, zlib.createGunzip({ chunkSize: 1 << 20 })] : [hasher];
  if (encoding === 'windows-1252') {
    const decoder = new TextDecoder('windows-1252');
    stages.push(new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8')) }));
  }
  const stream = pipeline(source, ...(stages as [NodeJS.ReadWriteStream]), () => {}) as unknown as AsyncIterable<Buffer>;
  async function* chunks(): AsyncGenerator<Buffer> {
    let out = 0;
    try {
      for await (const b of stream) {
        out += b.length;
        if (out > maxInflatedBytes) throw inflatedTooLarge(displayName, maxInflatedBytes);
        yield b;
      }
    } catch (e) {
      if (e instanceof ParkzonesError) throw e;
      throw new ParkzonesError('BAD_FILE', `${displayName}: the gzip data is truncated or corrupt after ${out} decompressed bytes (${(e as Error).message})`, {
        file: displayName,
        position: out,
      });
    } finally {
      source.destroy();
    }
  }
  return {
    chunks: chunks(),
    sha256: () => (digest ??= hash.digest('hex')),
    bytesRead: () => read,
  };
}

/** The error for a gzip that inflates past `max` bytes. */
export function inflatedTooLarge(displayName: string, max: number): ParkzonesError {
  return limitError('inflated_bytes', displayName, `the gzip data inflates to more than ${max} bytes (limit inflated_bytes): split the export, or ask an admin to raise the upload limit`);
}

/**
 * Decompresses a gzipped file only to count its bytes, on zlib's thread pool.
 * @returns the inflated size
 * @throws ParkzonesError TOO_LARGE (limit `inflated_bytes`) as soon as it passes `max`; BAD_FILE for corrupt data
 */
export async function checkInflatedSize(file: string, max: number, displayName: string): Promise<number> {
  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  let out = 0;
  try {
    for await (const b of pipeline(source, gunzip, () => {}) as unknown as AsyncIterable<Buffer>) {
      out += b.length;
      if (out > max) throw inflatedTooLarge(displayName, max);
    }
  } catch (e) {
    if (e instanceof ParkzonesError) throw e;
    throw new ParkzonesError('BAD_FILE', `${displayName}: the gzip data is truncated or corrupt after ${out} decompressed bytes (${(e as Error).message})`, {
      file: displayName, position: out,
    });
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  return out;
}

/** Hex SHA-256 of a whole file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const b of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(b as Buffer);
  return hash.digest('hex');
}
