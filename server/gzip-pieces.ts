import zlib from 'node:zlib';

/**
 * Gzip bodies assembled from pieces compressed once and reused: each piece is raw deflate data that ends on a byte
 * boundary without a final block (a sync flush), so pieces can follow one another in one deflate stream
 * (RFC 1951 §3.2.3), whatever each was compressed with. Each piece also keeps its CRC-32, which the body's CRC
 * combines with, so a body costs a copy, not a compression nor a pass over its plain bytes.
 */

/**
 * Bytes as sent, the same bytes as non-final raw deflate data ending on a byte boundary, and their CRC-32. `plain`
 * is null when not kept (see {@link withoutPlain}): it is then inflated again for the rare client without gzip.
 */
export interface Piece {
  plain: Buffer | null;
  deflated: Buffer;
  /** Bytes of plain. */
  length: number;
  crc: number;
  /** x^(8 × plain.length) mod the CRC polynomial: what a running CRC is multiplied by to append this piece. */
  shift: number;
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]); // deflate, no name, no mtime, unknown OS
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]); // a final block with fixed codes holding only end-of-block
const STORED_MAX = 65535;

/**
 * A piece compressed now, at `level` (0–9), ending with a sync flush.
 * @param plain the bytes
 * @param level zlib level (default 6)
 */
export function deflatedPiece(plain: Buffer, level = 6): Piece {
  const out = zlib.deflateRawSync(plain, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  // zlib's output may be a view of a much larger chunk; a piece kept for long keeps only its own bytes.
  const deflated = Buffer.allocUnsafeSlow(out.length);
  out.copy(deflated);
  return piece(plain, deflated);
}

/** A piece kept uncompressed (deflate stored blocks): for small bytes made per request. */
export function storedPiece(plain: Buffer): Piece {
  const blocks = Math.max(1, Math.ceil(plain.length / STORED_MAX));
  const out = Buffer.allocUnsafe(plain.length + 5 * blocks);
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    const part = plain.subarray(b * STORED_MAX, (b + 1) * STORED_MAX);
    out[o] = 0; // not final, stored; the rest of the byte is padding
    out.writeUInt16LE(part.length, o + 1);
    out.writeUInt16LE(~part.length & 0xffff, o + 3);
    part.copy(out, o + 5);
    o += 5 + part.length;
  }
  return piece(plain, out);
}

function piece(plain: Buffer, deflated: Buffer): Piece {
  // Node 20's zlib.crc32 answers 0 rather than the initial value for some empty buffers: never ask it about one.
  return { plain, deflated, length: plain.length, crc: plain.length > 0 ? zlib.crc32(plain) : 0, shift: bytesShift(plain.length) };
}

/** The same piece without its plain bytes, for keeping long: they are inflated again when a client needs them. */
export function withoutPlain(p: Piece): Piece {
  return { ...p, plain: null };
}

/** The pieces one after another, plain. */
export function concatPlain(pieces: readonly Piece[]): Buffer {
  return Buffer.concat(pieces.map((p) => p.plain ?? zlib.inflateRawSync(p.deflated, { finishFlush: zlib.constants.Z_SYNC_FLUSH })));
}

/** The pieces one after another as one gzip member (RFC 1952): header, their deflate data, a final block, CRC-32, size. */
export function concatGzip(pieces: readonly Piece[]): Buffer {
  let crc = 0;
  let size = 0;
  const parts: Buffer[] = [GZIP_HEADER];
  for (const p of pieces) {
    crc = (mulModP(p.shift, crc) ^ p.crc) >>> 0;
    size += p.length;
    parts.push(p.deflated);
  }
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  parts.push(FINAL_EMPTY_BLOCK, trailer);
  return Buffer.concat(parts);
}

// CRC-32 arithmetic (as zlib's crc32_combine): polynomials over GF(2) modulo the CRC polynomial, bit-reflected, so
// that x^0 is the top bit. The CRC of A then B is CRC(A) × x^(8|B|) + CRC(B).

const POLY = 0xedb88320;
const X0 = 0x80000000;

/** a(x) × b(x) modulo the CRC polynomial. */
function mulModP(a: number, b: number): number {
  if (a === 0) return 0;
  let m = X0;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the CRC polynomial, k = 0…31. */
const X_POW_2K: number[] = [X0 >>> 1];
for (let k = 1; k < 32; k++) X_POW_2K.push(mulModP(X_POW_2K[k - 1]!, X_POW_2K[k - 1]!));

/** x^(8n) modulo the CRC polynomial: the shift of appending n bytes. */
function bytesShift(n: number): number {
  let p = X0;
  let k = 3;
  for (let left = n; left > 0; left = Math.floor(left / 2), k++) if (left % 2) p = mulModP(X_POW_2K[k % 32]!, p);
  return p;
}
