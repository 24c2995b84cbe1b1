import { exportZoneFromRow, type ExportContext, type ExportZone } from '../export/zone-record.ts';
import { MDS_VERSION, zoneGeographyId, type MdsGeography } from '../export/mds-geography.ts';
import { zonesToMdsPolicy, type MdsPolicy } from '../export/mds-policy.ts';
import { zonesToMdsStops, type MdsStop } from '../export/mds-stops.ts';
import { zonesToGbfsStationInformation, GBFS_VERSION } from '../export/gbfs-station-information.ts';
import { stableUuid } from '../export/zone-record.ts';
import { vehicleTypeShares } from '../export/vehicle-type-shares.ts';
import { haversineM } from '../geo/haversine.ts';
import type { Store } from '../store/open-store.ts';
import { getRun, getRunZones } from '../zones/runs.ts';
import { listPublications, type Publication } from './lifecycle.ts';

/** A published (or retired) plan with what its documents need. */
export interface PublishedPlan {
  publication: Publication;
  zones: ExportZone[];
  ctx: ExportContext;
  /** The run's walking radius, metres: a zone of the replaced plan within it of a new zone is one it replaces. */
  walkRadiusM: number;
}

/** Options of {@link loadPublishedPlans}. */
export interface PublishedPlansOptions {
  /** Place name in the documents' names. Default 'parkzones'. */
  placeName?: string;
}

/**
 * Every plan ever published (state published or retired), oldest effective date first, with its zones as the
 * exporters read them. Only these reach the public endpoints.
 */
export async function loadPublishedPlans(store: Store, options: PublishedPlansOptions = {}): Promise<PublishedPlan[]> {
  const pubs = await listPublications(store, ['published', 'retired']);
  const out: PublishedPlan[] = [];
  for (const p of pubs) {
    const run = await getRun(store, p.runId);
    const zones = (await getRunZones(store, p.runId)).map((z) => exportZoneFromRow({ ...z, runId: p.runId }));
    const ctx: ExportContext = {
      runId: p.runId,
      publishedMs: Date.parse(p.publishedAt!),
      placeName: options.placeName,
      vehicleTypeShares: await vehicleTypeShares(store, run.filter),
    };
    out.push({ publication: p, zones, ctx, walkRadiusM: run.params.walkRadiusM });
  }
  return out;
}

const ms = (iso: string | null): number | undefined => (iso === null ? undefined : Date.parse(iso));

/** The plan in force at `atMs` among `plans`, or null. */
export function planInForce(plans: readonly PublishedPlan[], atMs: number): PublishedPlan | null {
  let best: PublishedPlan | null = null;
  for (const p of plans) {
    const eff = ms(p.publication.effectiveDate)!;
    const ret = ms(p.publication.retireDate);
    if (eff <= atMs && (ret === undefined || ret > atMs) && (!best || eff >= ms(best.publication.effectiveDate)!)) best = p;
  }
  return best;
}

function serviceAreaId(runId: number): string {
  return stableUuid(`run:${runId}/service-area`);
}

/** Dates of a plan's geographies: MDS effective, published and (when set) retire dates. */
function dated(g: MdsGeography, p: Publication): MdsGeography {
  const out: MdsGeography & { retire_date?: number; prev_geographies?: string[] } = { ...g, published_date: ms(p.publishedAt)!, effective_date: ms(p.effectiveDate)! };
  if (p.retireDate) out.retire_date = ms(p.retireDate)!;
  return out;
}

/**
 * The MDS 2.0 Geographies of every published plan (retired ones stay listed, as MDS asks), each zone's and the
 * service area's with `effective_date`, `published_date`, `retire_date` and `prev_geographies`: the zones of the
 * plan it replaces within the walking radius of it (and the replaced plan's service area).
 */
export function publishedGeographies(plans: readonly PublishedPlan[]): MdsGeography[] {
  const byRun = new Map(plans.map((p) => [p.publication.runId, p]));
  const out: MdsGeography[] = [];
  for (const plan of plans) {
    const p = plan.publication;
    if (plan.zones.length === 0) continue;
    const prev = p.prevRunId !== null ? byRun.get(p.prevRunId) ?? null : null;
    const { geographies } = zonesToMdsPolicy(plan.zones, plan.ctx, { requiredParking: p.requiredParking });
    const zoneByGeo = new Map(plan.zones.map((z) => [zoneGeographyId(plan.ctx.runId, z.zoneId), z]));
    for (const g of geographies) {
      const d = dated(g, p) as MdsGeography & { prev_geographies?: string[] };
      if (prev) {
        const z = zoneByGeo.get(g.geography_id);
        const replaced = z
          ? prev.zones.filter((q) => haversineM(z.centerLat, z.centerLng, q.centerLat, q.centerLng) <= plan.walkRadiusM).map((q) => zoneGeographyId(prev.ctx.runId, q.zoneId))
          : prev.publication.requiredParking ? [serviceAreaId(prev.ctx.runId)] : [];
        if (replaced.length) d.prev_geographies = replaced;
      }
      out.push(d);
    }
  }
  return out;
}

/**
 * The MDS 2.0 Policies of the published plans that have not ended by `nowMs` (current and scheduled): per zone a
 * count rule up to its capacity, then — when the city chose required parking — a rule allowing none in the rest of
 * the service area. `start_date` is the effective date, `end_date` the retire date, `prev_policies` the replaced plan's.
 */
export function publishedPolicies(plans: readonly PublishedPlan[], nowMs: number): MdsPolicy[] {
  const out: MdsPolicy[] = [];
  for (const plan of plans) {
    const p = plan.publication;
    const end = ms(p.retireDate);
    if (end !== undefined && end <= nowMs) continue;
    if (plan.zones.length === 0) continue;
    const policy = zonesToMdsPolicy(plan.zones, plan.ctx, { requiredParking: p.requiredParking }).policies[0]!;
    const dated: MdsPolicy & { end_date?: number; prev_policies?: string[] } = { ...policy, published_date: ms(p.publishedAt)!, start_date: ms(p.effectiveDate)! };
    if (end !== undefined) dated.end_date = end;
    if (p.prevRunId !== null) dated.prev_policies = [stableUuid(`run:${p.prevRunId}/policy`)];
    out.push(dated);
  }
  return out;
}

/** MDS 2.0 `/stops` of the plan in force: its zones as installed, returning stops (none when no plan is in force). */
export function publishedStops(plan: PublishedPlan | null, nowMs: number): { version: string; last_updated: number; ttl: number; stops: MdsStop[] } {
  if (!plan) return { version: MDS_VERSION, last_updated: nowMs, ttl: 0, stops: [] };
  const doc = zonesToMdsStops(plan.zones, plan.ctx);
  const stops = doc.stops.map((s) => ({ ...s, last_updated: ms(plan.publication.effectiveDate)!, status: { is_installed: true, is_renting: false, is_returning: true } }));
  return { ...doc, last_updated: ms(plan.publication.effectiveDate)!, stops };
}

/** A GBFS 2.3 geofencing zone feature. */
export interface GbfsGeofencingFeature {
  type: 'Feature';
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  properties: { name: string; start?: number; end?: number; rules: { ride_allowed: boolean; ride_through_allowed: boolean; station_parking?: boolean }[] };
}

/**
 * GBFS 2.3 `geofencing_zones.json` of the plan in force: with required parking, the service area with
 * `station_parking: true` (vehicles may be parked only at the zones, which station_information lists as virtual
 * stations); without, no zone restricts anything.
 */
export function publishedGeofencingZones(plan: PublishedPlan | null, nowMs: number): {
  last_updated: number; ttl: number; version: string; data: { geofencing_zones: { type: 'FeatureCollection'; features: GbfsGeofencingFeature[] } };
} {
  const features: GbfsGeofencingFeature[] = [];
  if (plan && plan.publication.requiredParking && plan.zones.length) {
    const area = zonesToMdsPolicy(plan.zones, plan.ctx).geographies.at(-1)!;
    const geom = (area.geography_json.features[0] as { geometry: { coordinates: number[][][] } }).geometry;
    const props: GbfsGeofencingFeature['properties'] = {
      name: area.name,
      start: Math.floor(ms(plan.publication.effectiveDate)! / 1000),
      rules: [{ ride_allowed: true, ride_through_allowed: true, station_parking: true }],
    };
    if (plan.publication.retireDate) props.end = Math.floor(ms(plan.publication.retireDate)! / 1000);
    features.push({ type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [geom.coordinates] }, properties: props });
  }
  return {
    last_updated: Math.floor((plan ? ms(plan.publication.effectiveDate)! : nowMs) / 1000),
    ttl: 0,
    version: GBFS_VERSION,
    data: { geofencing_zones: { type: 'FeatureCollection', features } },
  };
}

/** GBFS 2.3 `station_information.json` of the plan in force: each zone a virtual station. */
export function publishedStationInformation(plan: PublishedPlan | null, nowMs: number): ReturnType<typeof zonesToGbfsStationInformation> {
  if (!plan) return { last_updated: Math.floor(nowMs / 1000), ttl: 0, version: GBFS_VERSION, data: { stations: [] } };
  const doc = zonesToGbfsStationInformation(plan.zones, plan.ctx);
  return { ...doc, last_updated: Math.floor(ms(plan.publication.effectiveDate)! / 1000) };
}
