import { capacityByVehicleType, zoneName } from '../export/zone-record.ts';
import { NGSI_LD_CONTEXT } from '../export/ngsi-ld.ts';
import type { PublishedPlan } from './published-documents.ts';

/** The NGSI-LD entity types served for published plans (Smart Data Models, dataModel.Parking). */
export const NGSI_LD_TYPES = ['OnStreetParking', 'ParkingSpot'] as const;

/** One of {@link NGSI_LD_TYPES}. */
export type NgsiLdType = (typeof NGSI_LD_TYPES)[number];

/** An entity in key-values form (what the Smart Data Models schemas describe). */
export type KeyValuesEntity = { id: string; type: NgsiLdType } & Record<string, unknown>;

/** The NGSI-LD id of a published zone as an OnStreetParking site, or as its ParkingSpot. */
export function publishedEntityId(type: NgsiLdType, runId: number, zoneId: string): string {
  return `urn:ngsi-ld:${type}:parkzones-${runId}-${encodeURIComponent(zoneId)}`;
}

/** MDS vehicle types → DATEX II VehicleTypeEnum (Smart Data Models' `allowedVehicleType`). */
const DATEX_VEHICLE: Record<string, string> = {
  bicycle: 'bicycle', cargo_bicycle: 'bicycle', scooter_standing: 'motorscooter', scooter_seated: 'motorscooter', moped: 'moped', motorcycle: 'motorcycle',
};

/**
 * The zones of a published plan as Smart Data Models entities, key-values form:
 * - `OnStreetParking`: the zone's footprint as `location`, its slots as `totalSpotNumber`, the vehicle types parked,
 *   free public parking;
 * - `ParkingSpot`: the zone's centre as one spot of that site (`refParkingSite`), `status` "unknown" (no sensor).
 * No trip counts: what is published is the city's plan, not its demand.
 */
export function planToKeyValues(plan: PublishedPlan, type: NgsiLdType): KeyValuesEntity[] {
  const created = plan.publication.publishedAt!;
  const modified = plan.publication.updatedAt ?? created;
  return plan.zones.map((z) => {
    const common = {
      name: zoneName(z, plan.ctx),
      dateCreated: created,
      dateModified: modified,
      dataProvider: 'parkzones',
    };
    if (type === 'ParkingSpot') {
      return {
        id: publishedEntityId('ParkingSpot', plan.ctx.runId, z.zoneId),
        type: 'ParkingSpot',
        ...common,
        description: `Micromobility parking zone ${z.zoneId} (plan ${plan.ctx.runId}), its centre`,
        location: { type: 'Point', coordinates: [z.centerLng, z.centerLat] },
        status: 'unknown',
        category: ['onStreet'],
        refParkingSite: publishedEntityId('OnStreetParking', plan.ctx.runId, z.zoneId),
      };
    }
    const types = Object.keys(capacityByVehicleType(z.capacity, plan.ctx.vehicleTypeShares));
    const allowed = [...new Set(types.map((t) => DATEX_VEHICLE[t] ?? 'other'))];
    return {
      id: publishedEntityId('OnStreetParking', plan.ctx.runId, z.zoneId),
      type: 'OnStreetParking',
      ...common,
      description: `Micromobility parking zone ${z.zoneId} of plan ${plan.ctx.runId}, in force from ${plan.publication.effectiveDate}`,
      location: z.footprint,
      category: ['public', 'free'],
      allowedVehicleType: allowed,
      totalSpotNumber: z.capacity,
      chargeType: ['free'],
      refParkingSpot: [publishedEntityId('ParkingSpot', plan.ctx.runId, z.zoneId)],
    };
  });
}

const RELATIONSHIPS = new Set(['refParkingSite', 'refParkingSpot']);

/**
 * A key-values entity in NGSI-LD normalized form, as a context broker answers by default: each attribute a
 * Property (`location` a GeoProperty, `ref…` a Relationship), date-times typed, and the @context when asked.
 */
export function toNormalized(e: KeyValuesEntity, withContext: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: e.id, type: e.type };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'id' || k === 'type') continue;
    if (k === 'location') out[k] = { type: 'GeoProperty', value: v };
    else if (RELATIONSHIPS.has(k)) out[k] = { type: 'Relationship', object: v };
    else if (k === 'dateCreated' || k === 'dateModified') out[k] = { type: 'Property', value: { '@type': 'DateTime', '@value': v } };
    else out[k] = { type: 'Property', value: v };
  }
  if (withContext) out['@context'] = NGSI_LD_CONTEXT;
  return out;
}

/** A normalized entity back in key-values form (the inverse of {@link toNormalized}). */
export function fromNormalized(e: Record<string, unknown>): KeyValuesEntity {
  const out: Record<string, unknown> = { id: e.id, type: e.type };
  for (const [k, a] of Object.entries(e)) {
    if (k === 'id' || k === 'type' || k === '@context') continue;
    const attr = a as { type: string; value?: unknown; object?: unknown };
    const v = attr.type === 'Relationship' ? attr.object : attr.value;
    out[k] = v && typeof v === 'object' && '@value' in (v as object) ? (v as { '@value': unknown })['@value'] : v;
  }
  return out as KeyValuesEntity;
}
