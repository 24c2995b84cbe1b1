import crypto from 'node:crypto';
import type { FootprintGeometry, MultiPolygonGeometry, PolygonGeometry } from '../zones/footprint.ts';

/** A GeoJSON Polygon, coordinates `[lng, lat]`: the zones' own type. */
export type GeoJsonPolygon = PolygonGeometry;

/** A GeoJSON MultiPolygon, coordinates `[lng, lat]`: the zones' own type. */
export type GeoJsonMultiPolygon = MultiPolygonGeometry;

/** A zone footprint: one polygon, or several when the catchment falls apart. */
export type GeoJsonFootprint = FootprintGeometry;

/** The polygons of a footprint, each as its rings. */
export function footprintPolygons(f: GeoJsonFootprint): number[][][][] {
  return f.type === 'Polygon' ? [f.coordinates] : f.coordinates;
}

/**
 * One proposed zone as the exporters read it (engine/zones' stored row, camel-cased, cell ids as bigint).
 * Built from stored rows with {@link exportZoneFromRow}.
 */
export interface ExportZone {
  runId: number;
  zoneId: string;
  /** 1 = the zone that covers most. */
  rank: number;
  centerLat: number;
  centerLng: number;
  /** H3 cell of the zone's site. */
  cell: bigint;
  /** Parking places (vehicles at once). */
  capacity: number;
  /** Trip ends within walking distance of the zone. */
  coveredTrips: number;
  /** coveredTrips / all trip ends of the run's input, 0–1. */
  share: number;
  footprint: GeoJsonFootprint;
  /** Cells whose trip ends the zone covers. */
  catchment: bigint[];
  /** Covered trip ends by hour of day (24 values). */
  profile: number[];
}

/** Facts about the run the zones come from, used by every exporter. */
export interface ExportContext {
  runId: number;
  /** When the run was computed, ms since epoch: the publication time of the exports. */
  publishedMs: number;
  /** Name of the place, for names and descriptions. Default 'parkzones'. */
  placeName?: string;
  /**
   * Shares of the vehicle types among the trip ends (any spelling: 'scooter', 'e-bike', MDS names), used to
   * split each zone's capacity per vehicle type. Default: all `scooter_standing`.
   */
  vehicleTypeShares?: Record<string, number>;
}

function toBigint(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return /^[0-9]+$/.test(v) ? BigInt(v) : BigInt('0x' + v);
  throw new TypeError(`not a cell id: ${String(v)}`);
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/**
 * A {@link ExportZone} from a row of the `zones` table as the store returns it (snake_case columns; JSON as text or
 * object; UBIGINT as bigint, decimal or hex string) — or from an already camel-cased object.
 */
export function exportZoneFromRow(row: Record<string, unknown>): ExportZone {
  const g = (snake: string, camel: string) => (row[snake] !== undefined ? row[snake] : row[camel]);
  const catchment = parseJson<unknown[]>(g('catchment', 'catchment') ?? []);
  const profile = parseJson<unknown[]>(g('profile', 'profile') ?? []);
  return {
    runId: Number(g('run_id', 'runId')),
    zoneId: String(g('zone_id', 'zoneId')),
    rank: Number(g('rank', 'rank')),
    centerLat: Number(g('center_lat', 'centerLat')),
    centerLng: Number(g('center_lng', 'centerLng')),
    cell: toBigint(g('cell', 'cell')),
    capacity: Number(g('capacity', 'capacity')),
    coveredTrips: Number(g('covered_trips', 'coveredTrips')),
    share: Number(g('share', 'share')),
    footprint: parseJson<GeoJsonFootprint>(g('footprint', 'footprint')),
    catchment: catchment.map(toBigint),
    profile: profile.map(Number),
  };
}

/** Namespace of every UUID parkzones derives (random, fixed forever). */
const UUID_NAMESPACE = Buffer.from('8a3c41d27f6e4b0c9e25d1f07b6a93c4', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5, SHA-1) in the parkzones namespace: the same name always gives the same
 * UUID, so re-exporting a run yields stable MDS/GBFS ids.
 * @example
 * stableUuid('run:3/zone:Z001/geography') // '…-5…-…'
 */
export function stableUuid(name: string): string {
  const h = crypto.createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The MDS `vehicle_type` values (MDS 2.0 data-types/vehicle-type). */
export const MDS_VEHICLE_TYPES = [
  'bicycle', 'bus', 'cargo_bicycle', 'car', 'delivery_robot', 'moped', 'motorcycle', 'scooter_standing', 'scooter_seated', 'truck', 'other',
] as const;

/** One MDS vehicle type. */
export type MdsVehicleType = (typeof MDS_VEHICLE_TYPES)[number];

const VEHICLE_ALIASES: Record<string, MdsVehicleType> = {
  scooter: 'scooter_standing', 'e-scooter': 'scooter_standing', escooter: 'scooter_standing', kick_scooter: 'scooter_standing',
  bike: 'bicycle', ebike: 'bicycle', 'e-bike': 'bicycle', e_bike: 'bicycle', cargo_bike: 'cargo_bicycle', 'cargo-bike': 'cargo_bicycle',
};

/** The MDS vehicle type of a vehicle type as written in an export ('scooter' → 'scooter_standing'; unknown → 'other'). */
export function mdsVehicleType(raw: string | null | undefined): MdsVehicleType {
  const s = (raw ?? '').trim().toLowerCase().replace(/\s+/g, '_');
  if ((MDS_VEHICLE_TYPES as readonly string[]).includes(s)) return s as MdsVehicleType;
  return VEHICLE_ALIASES[s] ?? 'other';
}

/**
 * Splits `capacity` over vehicle types in proportion to `shares` (largest remainders, so the parts sum to
 * `capacity`); types that get 0 places are left out. No shares → everything to `scooter_standing`.
 * @example
 * capacityByVehicleType(10, { scooter: 3, bicycle: 1 }) // { scooter_standing: 8, bicycle: 2 }
 */
export function capacityByVehicleType(capacity: number, shares?: Record<string, number>): Partial<Record<MdsVehicleType, number>> {
  const merged = new Map<MdsVehicleType, number>();
  for (const [raw, w] of Object.entries(shares ?? {})) {
    if (!(w > 0)) continue;
    const t = mdsVehicleType(raw);
    merged.set(t, (merged.get(t) ?? 0) + w);
  }
  if (merged.size === 0) return capacity > 0 ? { scooter_standing: capacity } : {};
  const total = [...merged.values()].reduce((a, b) => a + b, 0);
  const parts = [...merged].map(([t, w]) => {
    const exact = (capacity * w) / total;
    return { t, n: Math.floor(exact), rem: exact - Math.floor(exact) };
  });
  let left = capacity - parts.reduce((a, p) => a + p.n, 0);
  for (const p of [...parts].sort((a, b) => b.rem - a.rem || a.t.localeCompare(b.t))) {
    if (left <= 0) break;
    p.n++;
    left--;
  }
  const out: Partial<Record<MdsVehicleType, number>> = {};
  for (const p of parts.sort((a, b) => b.n - a.n || a.t.localeCompare(b.t))) if (p.n > 0) out[p.t] = p.n;
  return out;
}

/** A zone's display name: "<place> zone <rank>". */
export function zoneName(zone: ExportZone, ctx: ExportContext): string {
  return `${ctx.placeName ?? 'parkzones'} zone ${zone.rank}`.slice(0, 255);
}
