import { cellToHex } from '../h3/index.ts';
import { stableUuid, zoneName, type ExportContext, type ExportZone } from './zone-record.ts';

/** The MDS version the exports follow. */
export const MDS_VERSION = '2.0.0';

/** An MDS 2.0 Geography (models/geography.yaml). */
export interface MdsGeography {
  name: string;
  description?: string;
  geography_type?: string;
  geography_id: string;
  geography_json: { type: 'FeatureCollection'; features: unknown[] };
  published_date: number;
  effective_date?: number;
}

/** The stable MDS geography_id of a zone of a run. */
export function zoneGeographyId(runId: number, zoneId: string): string {
  return stableUuid(`run:${runId}/zone:${zoneId}/geography`);
}

/** One zone as an MDS 2.0 Geography of type "stop": its footprint as a one-feature FeatureCollection. */
export function zoneToMdsGeography(zone: ExportZone, ctx: ExportContext): MdsGeography {
  return {
    name: zoneName(zone, ctx),
    description: `Proposed micromobility parking zone (parkzones run ${ctx.runId}, rank ${zone.rank}, ${zone.capacity} places)`,
    geography_type: 'stop',
    geography_id: zoneGeographyId(ctx.runId, zone.zoneId),
    geography_json: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: zone.zoneId,
          geometry: zone.footprint,
          properties: { zone_id: zone.zoneId, rank: zone.rank, capacity: zone.capacity, cell: cellToHex(zone.cell) },
        },
      ],
    },
    published_date: ctx.publishedMs,
    effective_date: ctx.publishedMs,
  };
}

/**
 * Zones as an MDS 2.0 Geography API payload: `{ version, updated, geographies }`, one Geography of
 * `geography_type` "stop" per zone, ids stable across exports of the same run.
 */
export function zonesToMdsGeographies(zones: readonly ExportZone[], ctx: ExportContext): { version: string; updated: number; geographies: MdsGeography[] } {
  return { version: MDS_VERSION, updated: ctx.publishedMs, geographies: zones.map((z) => zoneToMdsGeography(z, ctx)) };
}
