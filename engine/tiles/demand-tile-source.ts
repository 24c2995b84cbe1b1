import { cellToBoundary } from '../h3/h3-js.ts';
import { cellToHex } from '../h3/index.ts';
import type { CellColumns } from '../privacy/suppress-cells.ts';
import { encodeMvt, type MvtPolygonFeature } from './encode-mvt.ts';
import { latToTileY, lngToTileX } from './tile-math.ts';

/** Options of {@link DemandTileSource.tile}. */
export interface DemandTileOptions {
  /** Tile coordinate range. Default 4096. */
  extent?: number;
  /** Margin around the tile within which cells are still drawn, in tile units. Default 64. */
  buffer?: number;
  /** Layer name. Default 'demand'. */
  layer?: string;
}

/**
 * Vector tiles of demand cells: each cell a hexagon feature (layer `demand`) with properties `h3` (hex id), `trips`,
 * `devices`, `days` and `res`. Built once per set of cells (hex outlines computed up front), then cuts tiles
 * cheaply. Give it cells that already went through privacy suppression for anyone but an admin.
 * @example
 * const source = new DemandTileSource(suppressCells(cells, 5));
 * const bytes = source.tile(13, 2170, 3160);
 */
export class DemandTileSource {
  /** Number of cells the source holds. */
  readonly count: number;
  private readonly cells: CellColumns;
  /** Flat world-Mercator x,y pairs (0–1, y down) of every outline (not closed), cell i at ringStart[i]…ringStart[i+1]. */
  private readonly ringXY: Float64Array;
  private readonly ringStart: Uint32Array;
  /** Per cell world-Mercator [minX, minY, maxX, maxY] (0–1, y down). */
  private readonly bbox: Float64Array;
  private readonly hex: string[];
  /** Cell indexes sorted by bbox minX, and the widest bbox: a tile scans only the cells in its x range. */
  private readonly byMinX: Uint32Array;
  private readonly maxWidth: number;

  constructor(cells: CellColumns) {
    this.cells = cells;
    this.count = cells.count;
    this.hex = new Array(cells.count);
    this.ringStart = new Uint32Array(cells.count + 1);
    this.bbox = new Float64Array(cells.count * 4);
    const coords: number[] = [];
    for (let i = 0; i < cells.count; i++) {
      const h = cellToHex(cells.cell[i]!);
      this.hex[i] = h;
      this.ringStart[i] = coords.length / 2;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const [lat, lng] of cellToBoundary(h)) {
        const mx = lngToTileX(lng!, 0);
        const my = latToTileY(lat!, 0);
        coords.push(mx, my);
        if (mx < x0) x0 = mx;
        if (mx > x1) x1 = mx;
        if (my < y0) y0 = my;
        if (my > y1) y1 = my;
      }
      this.bbox.set([x0, y0, x1, y1], i * 4);
    }
    this.ringStart[cells.count] = coords.length / 2;
    this.ringXY = Float64Array.from(coords);
    const order = Array.from({ length: cells.count }, (_, i) => i).sort((a, b) => this.bbox[a * 4]! - this.bbox[b * 4]!);
    this.byMinX = Uint32Array.from(order);
    let maxWidth = 0;
    for (let i = 0; i < cells.count; i++) maxWidth = Math.max(maxWidth, this.bbox[i * 4 + 2]! - this.bbox[i * 4]!);
    this.maxWidth = maxWidth;
  }

  /** The features of tile z/x/y (cells whose outline reaches into the tile or its buffer), in tile coordinates. */
  features(z: number, x: number, y: number, options: DemandTileOptions = {}): MvtPolygonFeature[] {
    const extent = options.extent ?? 4096;
    const buffer = options.buffer ?? 64;
    const pad = buffer / extent;
    const features: MvtPolygonFeature[] = [];
    const { cells, bbox, ringXY } = this;
    const scale = 2 ** z;
    const loX = (x - pad) / scale - this.maxWidth;
    const hiX = (x + 1 + pad) / scale;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bbox[this.byMinX[mid]! * 4]! < loX) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < this.count; k++) {
      const i = this.byMinX[k]!;
      const b = i * 4;
      if (bbox[b]! > hiX) break;
      // Tile space: x grows east, y grows south, the tile spans 0–1.
      if (bbox[b + 2]! * scale - x < -pad || bbox[b]! * scale - x > 1 + pad) continue;
      if (bbox[b + 3]! * scale - y < -pad || bbox[b + 1]! * scale - y > 1 + pad) continue;
      const ring: number[] = [];
      for (let p = this.ringStart[i]!; p < this.ringStart[i + 1]!; p++) {
        const px = Math.round((ringXY[p * 2]! * scale - x) * extent);
        const py = Math.round((ringXY[p * 2 + 1]! * scale - y) * extent);
        const m = ring.length;
        if (m >= 2 && ring[m - 2] === px && ring[m - 1] === py) continue;
        ring.push(px, py);
      }
      while (ring.length >= 4 && ring[0] === ring[ring.length - 2] && ring[1] === ring[ring.length - 1]) ring.length -= 2;
      if (ring.length < 6) continue;
      features.push({
        rings: [ring],
        properties: { h3: this.hex[i]!, trips: cells.trips[i]!, devices: cells.devices[i]!, days: cells.days[i]!, res: cells.res },
      });
    }
    return features;
  }

  /** Tile z/x/y as Mapbox Vector Tile bytes (one layer, `demand` by default; empty tiles have an empty layer). */
  tile(z: number, x: number, y: number, options: DemandTileOptions = {}): Uint8Array {
    return encodeMvt([{ name: options.layer ?? 'demand', extent: options.extent ?? 4096, features: this.features(z, x, y, options) }]);
  }
}
