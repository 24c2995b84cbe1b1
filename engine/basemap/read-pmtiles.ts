/**
 * Reads a PMTiles archive from a local file (header, metadata, tiles), with the `pmtiles` package's decoder and
 * Node's zlib for gzip, brotli and (on Node versions that have it) zstd.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Compression, PMTiles, type Header, type Source } from 'pmtiles';
import { ParkzonesError } from '../errors.ts';

class LocalFileSource implements Source {
  private fd: number | null = null;
  constructor(private readonly file: string) {}
  getKey(): string {
    return this.file;
  }
  async getBytes(offset: number, length: number) {
    this.fd ??= fs.openSync(this.file, 'r');
    const buf = Buffer.alloc(length);
    const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) =>
      fs.read(this.fd!, buf, 0, length, offset, (err, bytesRead) => (err ? reject(err) : resolve({ bytesRead }))),
    );
    return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer };
  }
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}

async function decompress(buf: ArrayBuffer, compression: Compression): Promise<ArrayBuffer> {
  const bytes = new Uint8Array(buf);
  switch (compression) {
    case Compression.None:
    case Compression.Unknown:
      return buf;
    case Compression.Gzip:
      return toArrayBuffer(zlib.gunzipSync(bytes));
    case Compression.Brotli:
      return toArrayBuffer(zlib.brotliDecompressSync(bytes));
    case Compression.Zstd: {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
      if (zstd) return toArrayBuffer(zstd(bytes));
    }
  }
  throw new ParkzonesError('BAD_FORMAT', `PMTiles compression ${compression} is not supported by this Node (gzip, brotli${'zstdDecompressSync' in zlib ? ', zstd' : ''} are)`);
}

/** An open PMTiles archive: its header and metadata, and tiles by (z, x, y), decompressed. */
export interface PmtilesArchive {
  file: string;
  header: Header;
  metadata: Record<string, unknown>;
  /** The tile's bytes (decompressed), or null when the archive has none there. */
  tile(z: number, x: number, y: number): Promise<Uint8Array | null>;
  close(): void;
}

/**
 * Opens a PMTiles v3 archive.
 * @throws ParkzonesError BAD_FILE when the file is missing or not a PMTiles v3 archive (the message names the file)
 */
export async function openPmtiles(file: string): Promise<PmtilesArchive> {
  if (!fs.existsSync(file)) throw new ParkzonesError('BAD_FILE', `${file}: no such basemap archive`, { file });
  const source = new LocalFileSource(file);
  const archive = new PMTiles(source, undefined, decompress);
  let header: Header;
  let metadata: Record<string, unknown>;
  try {
    header = await archive.getHeader();
    const m = await archive.getMetadata();
    metadata = m && typeof m === 'object' ? (m as Record<string, unknown>) : {};
  } catch (e) {
    source.close();
    if (e instanceof ParkzonesError) throw e;
    throw new ParkzonesError('BAD_FILE', `${file}: not a PMTiles v3 archive (${(e as Error).message})`, { file }, { cause: e });
  }
  return {
    file,
    header,
    metadata,
    async tile(z, x, y) {
      if (!(Number.isInteger(z) && Number.isInteger(x) && Number.isInteger(y)) || z < 0 || z > 26 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) return null;
      const r = await archive.getZxy(z, x, y);
      return r ? new Uint8Array(r.data) : null;
    },
    close: () => source.close(),
  };
}
