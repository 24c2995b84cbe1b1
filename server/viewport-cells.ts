import { CellBboxIndex, cellsToArrow, pickCells, cellsToGeoJson, cellToHex, type BboxLngLat, type BboxRun, type CellColumns, type CellsMeta } from '../engine/index.ts';
import { deflatedPiece, storedPiece, withoutPlain, type Piece } from './gzip-pieces.ts';

/**
 * The answer to `GET /api/cells?bbox=…` for one set of cached (already suppressed) cells, built from pieces encoded
 * once: the engine's {@link CellBboxIndex} answers a box as whole index nodes plus the cells of the leaves it cuts;
 * each node is encoded (its GeoJSON features, or an Arrow record batch) and deflated the first time it is asked
 * for. A request then encodes its header and deflates the cells of the leaves the box cuts (its edges), and the
 * body is a copy of the rest. The cells selected are exactly the engine's `cellsInBbox`; they come in the index's order.
 */

const SEPARATOR = storedPiece(Buffer.from(','));
const GEOJSON_TAIL = storedPiece(Buffer.from(']}'));
const ARROW_EOS = storedPiece(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
/** Level of the pieces deflated once and reused. */
const PIECE_LEVEL = 6;
/** Level of what is deflated per request: the cells at the box's edges (GeoJSON features, or one Arrow batch). */
const EDGE_LEVEL = 1;

/** Options of {@link ViewportCells}. */
export interface ViewportOptions {
  /**
   * Cells per leaf of the index. Smaller leaves leave fewer cells at a box's edges, deflated per request, but make
   * more and smaller nodes, which compress less well. Per 1280×800 screen at zoom 14 (~1,000 cells) of the
   * benchmark's city, GeoJSON gzip: leaves of 4 cost 0.38 ms and 81 KiB, of 8 0.42 ms and 78 KiB, of 16 0.48 ms and
   * 76 KiB. Deflating each edge cell alone, once, instead of the edge per request saved ~0.1 ms but made 96 KiB.
   */
  nodeSize?: number;
  /**
   * Most bytes of deflated node pieces kept per format; beyond, they are dropped and made again as asked for.
   * Boxes of one zoom use a few levels of the index (a few MiB for a large city); boxes of every size, all of them.
   */
  piecesBudgetBytes?: number;
}

/** Defaults of {@link ViewportOptions}. */
export const VIEWPORT_DEFAULTS: Required<ViewportOptions> = {
  nodeSize: 8, // cells per leaf
  piecesBudgetBytes: 12 * 1024 * 1024, // bytes per format
};

/** Most batch headers kept, by row count and string bytes. */
const MAX_BATCH_HEADS = 512;

/** Pieces of whole index nodes, kept within a budget of bytes. */
class NodePieces {
  private pieces: (Piece | undefined)[] = [];
  private bytes = 0;
  constructor(private readonly budget: number) {}

  /** The piece of `node`, made by `make` unless kept. */
  get(node: number, make: () => Piece): Piece {
    let p = this.pieces[node];
    if (!p) {
      p = make();
      const size = p.deflated.length;
      if (this.bytes + size > this.budget) {
        this.pieces = [];
        this.bytes = 0;
      }
      this.pieces[node] = p;
      this.bytes += size;
    }
    return p;
  }
}

/** GeoJSON features in index order, joined by commas, and where each starts. */
interface GeoJsonText {
  text: Buffer;
  /** start[p] = first byte of feature p; start[count] = text length + 1 (as if one more comma followed). */
  start: Uint32Array;
  nodes: NodePieces;
}

/** Cached Arrow pieces and what the edge batch needs. */
interface ArrowParts {
  /** Record batches of whole nodes, deflated only (their plain bytes are 5× larger). */
  nodes: NodePieces;
  /** Record batch message headers (continuation, length, flatbuffer) by `rows/h3Bytes`. */
  heads: Map<string, Buffer>;
  /** Schema messages with a placeholder for totalTrips, by meta and digits. */
  schemas: Map<string, { bytes: Buffer; at: number }>;
  /** The cells' hex ids as UTF-8, in index order, and where each starts (count + 1 entries). */
  hex: Buffer;
  hexStart: Uint32Array;
}

/** The cells of a box, for one resolution, filter and k. */
export class ViewportCells {
  private readonly index: CellBboxIndex;
  /** The cells in the index's order. */
  private readonly sorted: CellColumns;
  /** tripsBefore[p] = sum of trips at positions < p. */
  private readonly tripsBefore: Float64Array;
  private geo: GeoJsonText | null = null;
  private arrowParts: ArrowParts | null = null;
  private readonly options: Required<ViewportOptions>;

  /**
   * @param cells the cells as served (for a non-admin: already k-suppressed)
   * @param options leaf size and memory budget (defaults: {@link VIEWPORT_DEFAULTS})
   */
  constructor(cells: CellColumns, options: ViewportOptions = {}) {
    this.options = { ...VIEWPORT_DEFAULTS, ...options };
    this.index = new CellBboxIndex(cells, this.options.nodeSize);
    const s = pickCells(cells, this.index.order);
    this.tripsBefore = new Float64Array(s.count + 1);
    for (let p = 0; p < s.count; p++) this.tripsBefore[p + 1] = this.tripsBefore[p]! + s.trips[p]!;
    this.sorted = s;
  }

  /** Trip ends in the cells of `runs`. */
  private tripsIn(runs: readonly BboxRun[]): number {
    let trips = 0;
    for (const r of runs) trips += this.tripsBefore[r.hi]! - this.tripsBefore[r.lo]!;
    return trips;
  }

  /** The columns at positions [lo, hi) of the index's order, as views. */
  private slice(lo: number, hi: number, totalTrips: number): CellColumns {
    const s = this.sorted;
    return {
      res: s.res, count: hi - lo, cell: s.cell.subarray(lo, hi), lat: s.lat.subarray(lo, hi), lng: s.lng.subarray(lo, hi), trips: s.trips.subarray(lo, hi),
      devices: s.devices.subarray(lo, hi), days: s.days.subarray(lo, hi), profile: s.profile.subarray(lo * 24, hi * 24), totalTrips,
    };
  }

  /**
   * The cells whose centre lies in `bbox` as a GeoJSON FeatureCollection (the whole-city answer's top level, with
   * `totalTrips` of these cells), as pieces to send plain or gzipped.
   */
  geojson(bbox: BboxLngLat, meta: CellsMeta): Piece[] {
    const runs = this.index.query(bbox);
    const g = (this.geo ??= this.buildGeoJson());
    const top = JSON.stringify(cellsToGeoJson(this.slice(0, 0, this.tripsIn(runs)), meta));
    if (!top.endsWith('"features":[]}')) throw new Error('cellsToGeoJson must put features last');
    const pieces: Piece[] = [storedPiece(Buffer.from(top.slice(0, -2)))];
    const edge: Buffer[] = [];
    for (const run of runs) {
      if (run.node >= 0) {
        if (pieces.length > 1) pieces.push(SEPARATOR);
        pieces.push(g.nodes.get(run.node, () => deflatedPiece(g.text.subarray(g.start[run.lo]!, g.start[run.hi]! - 1), PIECE_LEVEL)));
      } else edge.push(g.text.subarray(g.start[run.lo]!, g.start[run.hi]! - 1));
    }
    if (edge.length > 0) {
      if (pieces.length > 1) pieces.push(SEPARATOR);
      pieces.push(deflatedPiece(joinWithCommas(edge), EDGE_LEVEL));
    }
    pieces.push(GEOJSON_TAIL);
    return pieces;
  }

  private buildGeoJson(): GeoJsonText {
    const features = cellsToGeoJson(this.sorted).features as unknown[];
    const parts = features.map((f) => JSON.stringify(f));
    const start = new Uint32Array(parts.length + 1);
    for (let p = 0; p < parts.length; p++) start[p + 1] = start[p]! + Buffer.byteLength(parts[p]!) + 1;
    if (parts.length === 0) start[0] = 1;
    return { text: Buffer.from(parts.join(',')), start, nodes: new NodePieces(this.options.piecesBudgetBytes) };
  }

  /**
   * The cells whose centre lies in `bbox` as an Arrow IPC stream with the whole-city answer's schema and metadata
   * (`totalTrips` of these cells): a record batch per whole index node and one for the cells at the box's edges.
   */
  arrow(bbox: BboxLngLat, meta: CellsMeta): Piece[] {
    const runs = this.index.query(bbox);
    const a = (this.arrowParts ??= this.buildArrow());
    const pieces: Piece[] = [storedPiece(this.schemaMessage(a, meta, String(this.tripsIn(runs))))];
    const edge: number[] = [];
    for (const run of runs) {
      if (run.node >= 0) pieces.push(a.nodes.get(run.node, () => withoutPlain(deflatedPiece(batchMessage(cellsToArrow(this.slice(run.lo, run.hi, 0))), PIECE_LEVEL))));
      else for (let p = run.lo; p < run.hi; p++) edge.push(p);
    }
    if (edge.length > 0) pieces.push(deflatedPiece(this.edgeBatch(a, edge), EDGE_LEVEL));
    pieces.push(ARROW_EOS);
    return pieces;
  }

  private buildArrow(): ArrowParts {
    const n = this.sorted.count;
    const ids = Array.from(this.sorted.cell, (c) => cellToHex(c));
    const hexStart = new Uint32Array(n + 1);
    for (let p = 0; p < n; p++) hexStart[p + 1] = hexStart[p]! + Buffer.byteLength(ids[p]!);
    return { nodes: new NodePieces(this.options.piecesBudgetBytes), heads: new Map(), schemas: new Map(), hex: Buffer.from(ids.join('')), hexStart };
  }

  /** The schema message of the whole-city answer with `meta` and totalTrips `total` (a placeholder patched per request). */
  private schemaMessage(a: ArrowParts, meta: CellsMeta, total: string): Buffer {
    const key = `${total.length}/${JSON.stringify(meta)}`;
    let t = a.schemas.get(key);
    if (!t) {
      // Two encodings that differ only in the placeholder's characters: where they differ is where the digits go.
      const encode = (c: string) => {
        const stream = Buffer.from(cellsToArrow(this.slice(0, 0, 0), { ...meta, totalTrips: c.repeat(total.length) }));
        return stream.subarray(0, messageEnd(stream, 0));
      };
      const [bytes, other] = [encode('0'), encode('1')];
      const at = bytes.findIndex((b, i) => b !== other[i]);
      const placed = bytes.length === other.length && at >= 0 && bytes.every((b, i) => (b !== other[i]) === (i >= at && i < at + total.length));
      if (!placed) throw new Error('Arrow schema: cannot place totalTrips');
      t = { bytes, at };
      if (a.schemas.size > 64) a.schemas.clear();
      a.schemas.set(key, t);
    }
    const out = Buffer.from(t.bytes);
    out.write(total, t.at, 'latin1');
    return out;
  }

  /**
   * One record batch message of the cells at `positions`: the header of a batch with as many rows and string bytes
   * (encoded by apache-arrow once), and a body gathered here in the layout that header describes.
   */
  private edgeBatch(a: ArrowParts, positions: readonly number[]): Buffer {
    const m = positions.length;
    let h3Bytes = 0;
    for (const p of positions) h3Bytes += a.hexStart[p + 1]! - a.hexStart[p]!;
    const key = `${m}/${h3Bytes}`;
    let head = a.heads.get(key);
    if (!head) {
      const msg = batchMessage(cellsToArrow(pickCells(this.sorted, positions)));
      head = Buffer.from(msg.subarray(0, 8 + msg.readInt32LE(4)));
      if (a.heads.size >= MAX_BATCH_HEADS) a.heads.clear();
      a.heads.set(key, head);
    }
    const pad = (x: number) => (x + 7) & ~7;
    const body = Buffer.alloc(pad(8 * m) + pad(4 * (m + 1)) + pad(h3Bytes) + 5 * pad(8 * m) + pad(192 * m));
    const s = this.sorted;
    let o = 0;
    for (const p of positions) body.writeBigUInt64LE(s.cell[p]!, (o += 8) - 8);
    o = pad(o);
    let str = 0;
    body.writeInt32LE(0, o);
    for (let j = 0; j < m; j++) {
      const p = positions[j]!;
      str += a.hexStart[p + 1]! - a.hexStart[p]!;
      body.writeInt32LE(str, o + 4 * (j + 1));
    }
    o = pad(o + 4 * (m + 1));
    for (const p of positions) o += a.hex.copy(body, o, a.hexStart[p]!, a.hexStart[p + 1]!);
    o = pad(o);
    for (const column of [s.lat, s.lng, s.trips, s.devices, s.days]) {
      for (const p of positions) body.writeDoubleLE(column[p]!, (o += 8) - 8);
      o = pad(o);
    }
    const profile = Buffer.from(s.profile.buffer, s.profile.byteOffset, s.profile.byteLength);
    for (const p of positions) o += profile.copy(body, o, p * 192, p * 192 + 192);
    return Buffer.concat([head, body]);
  }
}

/** Buffers joined by commas. */
function joinWithCommas(parts: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(parts.reduce((n, b) => n + b.length + 1, -1));
  let o = 0;
  parts.forEach((b, i) => {
    if (i > 0) out[o++] = 0x2c;
    o += b.copy(out, o);
  });
  return out;
}

/** End of the encapsulated IPC message at `at` (continuation marker, metadata length, metadata; no body). */
function messageEnd(stream: Buffer, at: number): number {
  if (stream.readUInt32LE(at) !== 0xffffffff) throw new Error('Arrow stream: expected a continuation marker');
  return at + 8 + stream.readInt32LE(at + 4);
}

/** The record batch message (header and body) of a one-batch IPC stream: what lies between the schema and the end marker. */
function batchMessage(ipc: Uint8Array): Buffer {
  const stream = Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  return Buffer.from(stream.subarray(messageEnd(stream, 0), stream.length - 8));
}
