import { cellToHex } from '../h3/index.ts';
import type { ExportZone } from './zone-record.ts';

/** A GeoJSON FeatureCollection of zone footprints. */
export interface ExportZonesFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: string;
    geometry: ExportZone['footprint'];
    properties: Record<string, unknown>;
  }[];
}

/**
 * Zones as GeoJSON: one Polygon (or MultiPolygon) feature per zone (its footprint, `[lng, lat]`), with rank, centre, capacity,
 * covered trips, share, site cell (hex), catchment cells (hex) and the hourly profile as properties.
 */
export function exportZonesToGeoJson(zones: readonly ExportZone[]): ExportZonesFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: zones.map((z) => ({
      type: 'Feature',
      id: z.zoneId,
      geometry: z.footprint,
      properties: {
        run_id: z.runId,
        zone_id: z.zoneId,
        rank: z.rank,
        center_lat: z.centerLat,
        center_lng: z.centerLng,
        cell: cellToHex(z.cell),
        capacity: z.capacity,
        covered_trips: z.coveredTrips,
        share: z.share,
        catchment: z.catchment.map(cellToHex),
        profile: z.profile,
      },
    })),
  };
}
