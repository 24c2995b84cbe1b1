/**
 * A PMTiles v3 archive writer (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): header, root
 * directory, JSON metadata, leaf directories when the root would not fit in the first 16 KiB, then tile data.
 * Identical tiles are stored once; runs of consecutive tile ids with the same bytes become one directory entry.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';

/** One tile to store: its address and its bytes, already compressed as `tileCompression` says. */
export interface ArchiveTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

/** What the header says about the archive besides its directories. */
export interface ArchiveInfo {
  /** JSON metadata (vector_layers, attribution, name …); stored gzipped. */
  metadata: Record<string, unknown>;
  /** [west, south, east, north] in degrees. */
  boundsLngLat: [number, number, number, number];
  /** Zoom shown first and its centre; default: the lowest zoom and the middle of the bounds. */
  center?: { lng: number; lat: number; zoom: number };
  /** PMTiles compression code of the tile bytes: 1 none, 2 gzip (default 2). */
  tileCompression?: number;
  /** PMTiles tile type: 1 MVT (default). */
  tileType?: number;
}

const HEADER_BYTES = 127;
const ROOT_LIMIT = 16384 - HEADER_BYTES; // the spec: header and root directory fit in the first 16 KiB
const COMPRESSION_GZIP = 2;

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Serialises directory entries (ids as deltas, then run lengths, lengths, offsets) and gzips them. */
export function encodeDirectory(entries: readonly Entry[]): Uint8Array {
  const out: number[] = [];
  writeVarint(out, entries.length);
  let lastId = 0;
  for (const e of entries) {
    writeVarint(out, e.tileId - lastId);
    lastId = e.tileId;
  }
  for (const e of entries) writeVarint(out, e.runLength);
  for (const e of entries) writeVarint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    writeVarint(out, i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return gzipSync(Uint8Array.from(out));
}

function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 2 ** 32, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

/** Root and leaf directories: one root if it fits, else leaves of growing size until the root does. */
function buildDirectories(entries: Entry[]): { root: Uint8Array; leaves: Uint8Array } {
  const root = encodeDirectory(entries);
  if (root.length <= ROOT_LIMIT) return { root, leaves: new Uint8Array(0) };
  for (let leafSize = 4096; ; leafSize *= 2) {
    const rootEntries: Entry[] = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += leafSize) {
      const chunk = entries.slice(i, i + leafSize);
      const leaf = encodeDirectory(chunk);
      rootEntries.push({ tileId: chunk[0]!.tileId, offset, length: leaf.length, runLength: 0 });
      parts.push(leaf);
      offset += leaf.length;
    }
    const rootDir = encodeDirectory(rootEntries);
    if (rootDir.length <= ROOT_LIMIT) return { root: rootDir, leaves: Buffer.concat(parts) };
  }
}

/**
 * Writes tiles into one PMTiles v3 archive, in memory.
 * @param tiles - any order; each (z, x, y) at most once
 * @returns the archive's bytes
 * @example
 * fs.writeFileSync('city.pmtiles', writePmtiles(tiles, { metadata: { vector_layers: [] }, boundsLngLat: [-1, -1, 1, 1] }));
 */
export function writePmtiles(tiles: readonly ArchiveTile[], info: ArchiveInfo): Uint8Array {
  const sorted = tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), z: t.z, data: t.data })).sort((a, b) => a.id - b.id);
  const entries: Entry[] = [];
  const contents: Uint8Array[] = [];
  const byHash = new Map<string, { offset: number; length: number }>();
  let dataLength = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!;
    if (i > 0 && t.id === sorted[i - 1]!.id) throw new RangeError(`tile ${t.z}/${t.id} given twice`);
    const hash = createHash('sha1').update(t.data).digest('hex');
    let place = byHash.get(hash);
    if (!place) {
      place = { offset: dataLength, length: t.data.length };
      byHash.set(hash, place);
      contents.push(t.data);
      dataLength += t.data.length;
    }
    const last = entries[entries.length - 1];
    if (last && last.offset === place.offset && last.tileId + last.runLength === t.id) last.runLength++;
    else entries.push({ tileId: t.id, offset: place.offset, length: place.length, runLength: 1 });
  }
  const { root, leaves } = buildDirectories(entries);
  const metadata = gzipSync(Buffer.from(JSON.stringify(info.metadata)));
  const zooms = sorted.map((t) => t.z);
  const minZoom = zooms.length ? Math.min(...zooms) : 0;
  const maxZoom = zooms.length ? Math.max(...zooms) : 0;
  const [west, south, east, north] = info.boundsLngLat;
  const center = info.center ?? { lng: (west + east) / 2, lat: (south + north) / 2, zoom: minZoom };

  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode('PMTiles'), 0);
  header[7] = 3;
  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leavesOffset = metadataOffset + metadata.length;
  const dataOffset = leavesOffset + leaves.length;
  setU64(view, 8, rootOffset);
  setU64(view, 16, root.length);
  setU64(view, 24, metadataOffset);
  setU64(view, 32, metadata.length);
  setU64(view, 40, leavesOffset);
  setU64(view, 48, leaves.length);
  setU64(view, 56, dataOffset);
  setU64(view, 64, dataLength);
  setU64(view, 72, sorted.length);
  setU64(view, 80, entries.length);
  setU64(view, 88, contents.length);
  view.setUint8(96, 1); // clustered: tile data in tile id order
  view.setUint8(97, COMPRESSION_GZIP);
  view.setUint8(98, info.tileCompression ?? COMPRESSION_GZIP);
  view.setUint8(99, info.tileType ?? 1);
  view.setUint8(100, minZoom);
  view.setUint8(101, maxZoom);
  const e7 = (deg: number) => Math.round(deg * 1e7);
  view.setInt32(102, e7(west), true);
  view.setInt32(106, e7(south), true);
  view.setInt32(110, e7(east), true);
  view.setInt32(114, e7(north), true);
  view.setUint8(118, center.zoom);
  view.setInt32(119, e7(center.lng), true);
  view.setInt32(123, e7(center.lat), true);
  return Buffer.concat([header, root, metadata, leaves, ...contents]);
}
