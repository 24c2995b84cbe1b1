import { capacityByVehicleType, zoneName, type ExportContext, type ExportZone } from './zone-record.ts';

/** JSON-LD contexts of the NGSI-LD export: Smart Data Models' Parking, then the NGSI-LD core. */
export const NGSI_LD_CONTEXT = [
  'https://raw.githubusercontent.com/smart-data-models/dataModel.Parking/master/context.jsonld',
  'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
];

/** An NGSI-LD entity in normalized form. */
export interface NgsiLdEntity {
  id: string;
  type: string;
  '@context': string[];
  [attribute: string]: unknown;
}

/** The NGSI-LD entity id of a zone of a run. */
export function zoneEntityId(runId: number, zoneId: string): string {
  return `urn:ngsi-ld:OnStreetParking:parkzones-${runId}-${encodeURIComponent(zoneId)}`;
}

/**
 * Zones as NGSI-LD entities (normalized form) of the Smart Data Models type `OnStreetParking`: footprint as the
 * `location` GeoProperty, capacity as `totalSpotNumber`, the split per MDS vehicle type as `vehicleCapacity`,
 * and demand figures as properties. Send as `application/ld+json`.
 */
export function zonesToNgsiLd(zones: readonly ExportZone[], ctx: ExportContext): NgsiLdEntity[] {
  const observedAt = new Date(ctx.publishedMs).toISOString();
  return zones.map((z) => ({
    id: zoneEntityId(ctx.runId, z.zoneId),
    type: 'OnStreetParking',
    name: { type: 'Property', value: zoneName(z, ctx) },
    description: { type: 'Property', value: `Proposed micromobility parking zone, rank ${z.rank} of parkzones run ${ctx.runId}` },
    category: { type: 'Property', value: ['public', 'free', 'forMicromobility'] },
    location: { type: 'GeoProperty', value: z.footprint },
    totalSpotNumber: { type: 'Property', value: z.capacity, observedAt },
    vehicleCapacity: { type: 'Property', value: capacityByVehicleType(z.capacity, ctx.vehicleTypeShares) },
    coveredTrips: { type: 'Property', value: z.coveredTrips, observedAt },
    demandShare: { type: 'Property', value: z.share, observedAt },
    dateCreated: { type: 'Property', value: { '@type': 'DateTime', '@value': observedAt } },
    '@context': NGSI_LD_CONTEXT,
  }));
}
