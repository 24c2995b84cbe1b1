import { cellToBoundary } from '../h3/h3-js.ts';
import { Field, FixedSizeList, Float64, Table, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { cellToHex } from '../h3/index.ts';
import type { CellColumns } from '../privacy/suppress-cells.ts';

/** Extra facts to carry in a cells export's top level. */
export interface CellsMeta {
  [key: string]: unknown;
}

/** Degrees rounded to 7 decimals (about 1 cm): plenty for a map, and a third less JSON than full doubles. */
function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

/**
 * Demand cells as GeoJSON: one hexagon Polygon per cell (`[lng, lat]`, counter-clockwise, closed, degrees to
 * 7 decimals) with the cell id (hex), resolution, centre, trips, devices, days and the 24-hour profile as properties.
 * Pass cells through the privacy suppression first when the reader is not an admin.
 */
export function cellsToGeoJson(cells: CellColumns, meta: CellsMeta = {}): Record<string, unknown> {
  const features = new Array(cells.count);
  for (let i = 0; i < cells.count; i++) {
    const h3 = cellToHex(cells.cell[i]!);
    features[i] = {
      type: 'Feature',
      id: h3,
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(h3, true).map(([lng, lat]) => [round7(lng!), round7(lat!)])] },
      properties: {
        cell: h3,
        res: cells.res,
        lat: round7(cells.lat[i]!),
        lng: round7(cells.lng[i]!),
        trips: cells.trips[i],
        devices: cells.devices[i],
        days: cells.days[i],
        profile: Array.from(cells.profile.subarray(i * 24, i * 24 + 24)),
      },
    };
  }
  return { type: 'FeatureCollection', ...meta, res: cells.res, totalTrips: cells.totalTrips, features };
}

/**
 * Demand cells as an Arrow IPC stream: columns `cell` (Uint64), `h3` (hex Utf8), `lat`, `lng`, `trips`, `devices`,
 * `days` (Float64) and `profile` (FixedSizeList[24]<Float64>). Metadata (res, totalTrips, `meta`) goes in the
 * schema's custom metadata as strings.
 */
export function cellsToArrow(cells: CellColumns, meta: CellsMeta = {}): Uint8Array {
  const n = cells.count;
  const hex = new Array<string>(n);
  for (let i = 0; i < n; i++) hex[i] = cellToHex(cells.cell[i]!);
  const profileChild = makeData({ type: new Float64(), length: n * 24, data: cells.profile.subarray(0, n * 24) });
  const profile = makeData({ type: new FixedSizeList(24, new Field('hour', new Float64(), false)), length: n, nullCount: 0, child: profileChild });
  const table = new Table({
    cell: makeVector(cells.cell.subarray(0, n)),
    h3: vectorFromArray(hex, new Utf8()),
    lat: makeVector(cells.lat.subarray(0, n)),
    lng: makeVector(cells.lng.subarray(0, n)),
    trips: makeVector(cells.trips.subarray(0, n)),
    devices: makeVector(cells.devices.subarray(0, n)),
    days: makeVector(cells.days.subarray(0, n)),
    profile: makeVector(profile),
  });
  const md = new Map<string, string>([
    ['res', String(cells.res)],
    ['totalTrips', String(cells.totalTrips)],
  ]);
  for (const [k, v] of Object.entries(meta)) md.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  for (const [k, v] of md) table.schema.metadata.set(k, v);
  return tableToIPC(table, 'stream');
}
