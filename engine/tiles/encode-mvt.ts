import Pbf from 'pbf';

/** A property value of a vector-tile feature. */
export type MvtValue = string | number | boolean;

/** One polygon feature to encode: rings in tile coordinates (integers, y down), exterior ring first. */
export interface MvtPolygonFeature {
  rings: number[][];
  properties: Record<string, MvtValue>;
}

/** One layer of a tile. */
export interface MvtLayer {
  name: string;
  /** Tile coordinate range, default 4096. */
  extent?: number;
  features: MvtPolygonFeature[];
}

const enum Cmd { MoveTo = 1, LineTo = 2, ClosePath = 7 }
const GEOM_POLYGON = 3;

function zigzag(n: number): number {
  return (n << 1) ^ (n >> 31);
}

function command(id: Cmd, count: number): number {
  return (id & 7) | (count << 3);
}

/** Twice the signed area of a ring (flat x,y pairs) by the surveyor's formula, in tile coordinates (y down). */
export function ringArea2(ring: ArrayLike<number>): number {
  let a = 0;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += ring[j * 2]! * ring[i * 2 + 1]! - ring[i * 2]! * ring[j * 2 + 1]!;
  return a;
}

/**
 * Geometry commands of a polygon (Mapbox Vector Tile spec 2.1, §4.3): rings given as flat `[x0, y0, x1, y1, …]`
 * integer tile coordinates, not closed (the first point is not repeated). The exterior ring is rewound to positive
 * area (clockwise on screen) and holes to negative, as the spec requires.
 */
export function polygonCommands(rings: number[][]): number[] {
  const out: number[] = [];
  let cx = 0;
  let cy = 0;
  rings.forEach((ring, r) => {
    const n = ring.length / 2;
    if (n < 3) return;
    const area = ringArea2(ring);
    const reverse = r === 0 ? area < 0 : area > 0;
    const pt = (i: number) => (reverse ? (n - i) % n : i);
    for (let i = 0; i < n; i++) {
      const x = ring[pt(i) * 2]!;
      const y = ring[pt(i) * 2 + 1]!;
      if (i === 0) out.push(command(Cmd.MoveTo, 1));
      else if (i === 1) out.push(command(Cmd.LineTo, n - 1));
      out.push(zigzag(x - cx), zigzag(y - cy));
      cx = x;
      cy = y;
    }
    out.push(command(Cmd.ClosePath, 1));
  });
  return out;
}

function writeValue(v: MvtValue, pbf: Pbf): void {
  if (typeof v === 'string') pbf.writeStringField(1, v);
  else if (typeof v === 'boolean') pbf.writeBooleanField(7, v);
  else if (Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) pbf.writeVarintField(5, v);
  else if (Number.isInteger(v) && v < 0 && v >= -Number.MAX_SAFE_INTEGER) pbf.writeSVarintField(6, v);
  else pbf.writeDoubleField(3, v);
}

function writeLayer(layer: MvtLayer, pbf: Pbf): void {
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, layer.name);
  const keys = new Map<string, number>();
  const values = new Map<string, number>();
  const valueList: MvtValue[] = [];
  for (const f of layer.features) {
    const geometry = polygonCommands(f.rings);
    if (geometry.length === 0) continue;
    const tags: number[] = [];
    for (const [k, v] of Object.entries(f.properties)) {
      let ki = keys.get(k);
      if (ki === undefined) keys.set(k, (ki = keys.size));
      const vk = `${typeof v}:${String(v)}`;
      let vi = values.get(vk);
      if (vi === undefined) {
        values.set(vk, (vi = valueList.length));
        valueList.push(v);
      }
      tags.push(ki, vi);
    }
    pbf.writeMessage(2, (_: null, p: Pbf) => {
      p.writePackedVarint(2, tags);
      p.writeVarintField(3, GEOM_POLYGON);
      p.writePackedVarint(4, geometry);
    }, null);
  }
  for (const k of keys.keys()) pbf.writeStringField(3, k);
  for (const v of valueList) pbf.writeMessage(4, writeValue, v);
  pbf.writeVarintField(5, layer.extent ?? 4096);
}

/**
 * Encodes polygon layers as a Mapbox Vector Tile (protobuf, spec 2.1). Features with fewer than 3 points are skipped.
 * @example
 * const bytes = encodeMvt([{ name: 'demand', features: [{ rings: [[0, 0, 100, 0, 100, 100]], properties: { trips: 7 } }] }]);
 */
export function encodeMvt(layers: readonly MvtLayer[]): Uint8Array {
  const pbf = new Pbf();
  for (const layer of layers) pbf.writeMessage(3, writeLayer, layer);
  return pbf.finish();
}
