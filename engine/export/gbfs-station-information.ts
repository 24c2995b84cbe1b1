import { capacityByVehicleType, footprintPolygons, zoneName, type ExportContext, type ExportZone } from './zone-record.ts';

/** The GBFS version of {@link zonesToGbfsStationInformation} (the latest with `vehicle_capacity`). */
export const GBFS_VERSION = '2.3';

/** One station of GBFS 2.3 station_information.json. */
export interface GbfsStation {
  station_id: string;
  name: string;
  short_name: string;
  lat: number;
  lon: number;
  is_virtual_station: true;
  station_area: { type: 'MultiPolygon'; coordinates: number[][][][] };
  capacity: number;
  vehicle_capacity: Record<string, number>;
  parking_type: 'street_parking';
}

/** The GBFS station_id of a zone of a run. */
export function zoneStationId(runId: number, zoneId: string): string {
  return `parkzones-${runId}-${zoneId}`;
}

/**
 * Zones as a GBFS 2.3 `station_information.json` feed: each zone a virtual station (`is_virtual_station`), its
 * footprint as `station_area` (MultiPolygon), `capacity`, and `vehicle_capacity` keyed by vehicle type id
 * (the MDS vehicle type names, to be listed in the system's vehicle_types.json).
 */
export function zonesToGbfsStationInformation(
  zones: readonly ExportZone[],
  ctx: ExportContext,
): { last_updated: number; ttl: number; version: string; data: { stations: GbfsStation[] } } {
  return {
    last_updated: Math.floor(ctx.publishedMs / 1000),
    ttl: 0,
    version: GBFS_VERSION,
    data: {
      stations: zones.map((z) => ({
        station_id: zoneStationId(ctx.runId, z.zoneId),
        name: zoneName(z, ctx),
        short_name: z.zoneId,
        lat: z.centerLat,
        lon: z.centerLng,
        is_virtual_station: true,
        station_area: { type: 'MultiPolygon', coordinates: footprintPolygons(z.footprint) },
        capacity: z.capacity,
        vehicle_capacity: capacityByVehicleType(z.capacity, ctx.vehicleTypeShares) as Record<string, number>,
        parking_type: 'street_parking',
      })),
    },
  };
}
