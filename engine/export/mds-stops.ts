import { zoneGeographyId, MDS_VERSION } from './mds-geography.ts';
import { capacityByVehicleType, stableUuid, zoneName, type ExportContext, type ExportZone } from './zone-record.ts';

/** An MDS 2.0 Stop (models/stop.yaml). */
export interface MdsStop {
  stop_id: string;
  name: string;
  last_updated: number;
  location: { lat: number; lng: number };
  status: { is_installed: boolean; is_renting: boolean; is_returning: boolean };
  capacity: Record<string, number>;
  num_vehicles_available: Record<string, number>;
  num_vehicles_disabled: Record<string, number>;
  geography_id: string;
  short_name?: string;
}

/** The stable MDS stop_id of a zone of a run. */
export function zoneStopId(runId: number, zoneId: string): string {
  return stableUuid(`run:${runId}/zone:${zoneId}/stop`);
}

/**
 * One zone as an MDS 2.0 Stop: centre as `location`, capacity split per vehicle type, the zone's Geography as
 * `geography_id`. A proposed zone is not built yet, so `status.is_installed` is false and no vehicles are counted.
 */
export function zoneToMdsStop(zone: ExportZone, ctx: ExportContext): MdsStop {
  return {
    stop_id: zoneStopId(ctx.runId, zone.zoneId),
    name: zoneName(zone, ctx),
    short_name: zone.zoneId.slice(0, 255),
    last_updated: ctx.publishedMs,
    location: { lat: zone.centerLat, lng: zone.centerLng },
    status: { is_installed: false, is_renting: false, is_returning: false },
    capacity: capacityByVehicleType(zone.capacity, ctx.vehicleTypeShares),
    num_vehicles_available: {},
    num_vehicles_disabled: {},
    geography_id: zoneGeographyId(ctx.runId, zone.zoneId),
  };
}

/** Zones as an MDS 2.0 Provider `/stops` payload: `{ version, last_updated, ttl, stops }`. */
export function zonesToMdsStops(zones: readonly ExportZone[], ctx: ExportContext): { version: string; last_updated: number; ttl: number; stops: MdsStop[] } {
  return { version: MDS_VERSION, last_updated: ctx.publishedMs, ttl: 0, stops: zones.map((z) => zoneToMdsStop(z, ctx)) };
}
