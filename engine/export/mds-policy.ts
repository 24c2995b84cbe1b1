import { MDS_VERSION, zoneGeographyId, zoneToMdsGeography, type MdsGeography } from './mds-geography.ts';
import { footprintPolygons, stableUuid, zoneName, type ExportContext, type GeoJsonPolygon, type ExportZone } from './zone-record.ts';

/** An MDS 2.0 count rule (models/policy-rule.yaml, "Device count rule"). */
export interface MdsCountRule {
  name: string;
  rule_id: string;
  rule_type: 'count';
  rule_units: 'devices';
  geographies: string[];
  states: Record<string, string[]>;
  minimum?: number;
  maximum: number;
}

/** An MDS 2.0 Policy (models/policy.yaml). */
export interface MdsPolicy {
  name: string;
  mode_id: 'micromobility';
  policy_id: string;
  description: string;
  start_date: number;
  published_date: number;
  rules: MdsCountRule[];
}

/** Options of {@link zonesToMdsPolicy} beyond the run context. */
export interface MdsPolicyOptions {
  /** The area where parking outside the zones is forbidden. Default: the zones' bounding box grown by `marginDeg`. */
  serviceArea?: GeoJsonPolygon;
  /** Margin of the default service area, degrees. Default 0.005 (~500 m). */
  marginDeg?: number;
  /**
   * Required parking: after the zones' rules, a rule allowing 0 parked vehicles in the rest of the service area.
   * false = only the zones' capacity rules (parking elsewhere left to other rules). Default true.
   */
  requiredParking?: boolean;
}

const PARKED_STATES = { available: [], non_operational: [], reserved: [] };
/** MDS requires a policy to start at least 20 minutes after it is published. */
const POLICY_NOTICE_MS = 20 * 60_000;

function boundingPolygon(zones: readonly ExportZone[], marginDeg: number): GeoJsonPolygon {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const z of zones)
    for (const polygon of footprintPolygons(z.footprint))
      for (const [lng, lat] of polygon[0] ?? []) {
        w = Math.min(w, lng!); e = Math.max(e, lng!); s = Math.min(s, lat!); n = Math.max(n, lat!);
      }
  if (!Number.isFinite(w)) throw new RangeError('an MDS policy needs at least one zone');
  w -= marginDeg; s -= marginDeg; e += marginDeg; n += marginDeg;
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

/**
 * The zones as an MDS 2.0 "required parking zones" Policy: per zone a count rule allowing at most its capacity of
 * parked vehicles (available, non-operational, reserved) inside its footprint, then a rule allowing 0 parked
 * vehicles anywhere else in the service area (MDS applies the first rule that matches a vehicle).
 * Returns `{ version, updated, policies, geographies }`: the policy and every geography it references.
 */
export function zonesToMdsPolicy(
  zones: readonly ExportZone[],
  ctx: ExportContext,
  options: MdsPolicyOptions = {},
): { version: string; updated: number; policies: MdsPolicy[]; geographies: MdsGeography[] } {
  const place = ctx.placeName ?? 'parkzones';
  const area = options.serviceArea ?? boundingPolygon(zones, options.marginDeg ?? 0.005);
  const areaId = stableUuid(`run:${ctx.runId}/service-area`);
  const areaGeography: MdsGeography = {
    name: `${place} service area`.slice(0, 255),
    description: 'Area in which micromobility vehicles may be parked only in the designated zones',
    geography_type: 'policy_zone',
    geography_id: areaId,
    geography_json: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: area, properties: {} }] },
    published_date: ctx.publishedMs,
    effective_date: ctx.publishedMs,
  };
  const rules: MdsCountRule[] = zones.map((z) => ({
    name: `Park in ${zoneName(z, ctx)} (up to ${z.capacity})`.slice(0, 255),
    rule_id: stableUuid(`run:${ctx.runId}/zone:${z.zoneId}/rule`),
    rule_type: 'count',
    rule_units: 'devices',
    geographies: [zoneGeographyId(ctx.runId, z.zoneId)],
    states: PARKED_STATES,
    minimum: 0,
    maximum: z.capacity,
  }));
  const required = options.requiredParking ?? true;
  if (required) rules.push({
    name: 'No parking outside designated zones',
    rule_id: stableUuid(`run:${ctx.runId}/outside-rule`),
    rule_type: 'count',
    rule_units: 'devices',
    geographies: [areaId],
    states: PARKED_STATES,
    minimum: 0,
    maximum: 0,
  });
  const policy: MdsPolicy = {
    name: `${place} parking zones (run ${ctx.runId})`.slice(0, 255),
    mode_id: 'micromobility',
    policy_id: stableUuid(`run:${ctx.runId}/policy`),
    description: required
      ? `Micromobility vehicles must be parked in one of ${zones.length} designated zones, each up to its capacity`
      : `Parking in ${zones.length} designated micromobility zones, each up to its capacity`,
    start_date: ctx.publishedMs + POLICY_NOTICE_MS,
    published_date: ctx.publishedMs,
    rules,
  };
  return {
    version: MDS_VERSION,
    updated: ctx.publishedMs,
    policies: [policy],
    geographies: [...zones.map((z) => zoneToMdsGeography(z, ctx)), ...(required ? [areaGeography] : [])],
  };
}
