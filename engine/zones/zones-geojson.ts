import type { FootprintGeometry } from './footprint.ts';
import type { ZoneRecord, ZoneSummary } from './propose-zones.ts';

/** Properties of one zone feature. Snake case, as GeoJSON consumers (QGIS, MapLibre expressions) expect. */
export interface ZoneFeatureProperties {
  zone_id: string;
  rank: number;
  capacity: number;
  covered_trips: number;
  share: number;
  center_lat: number;
  center_lng: number;
  /** Centre cell, H3 hex id. */
  cell: string;
  /** Trip ends of the catchment per local hour 0–23. */
  profile: number[];
  /** Number of cells in the catchment. */
  catchment_cells: number;
  /** The percentile peak of vehicles parked at once, before the safety factor. */
  peak_parked: number;
  /** Trip-weighted median walk of the zone's served trip ends, metres; null when unknown (runs stored before it) or none. */
  median_walk_m: number | null;
  run_id?: number;
}

/** A zone as a GeoJSON Feature: geometry = footprint. */
export interface ZoneFeature {
  type: 'Feature';
  id: string;
  geometry: FootprintGeometry;
  properties: ZoneFeatureProperties;
}

/** Zones as a GeoJSON FeatureCollection, with the run's summary and coverage curve as a foreign member. */
export interface ZoneFeatureCollection {
  type: 'FeatureCollection';
  features: ZoneFeature[];
  /** Foreign member (RFC 7946 §6.1): ignored by GeoJSON readers that do not know it. */
  parkzones?: { run_id?: number; summary?: ZoneSummary; coverage_curve?: number[] };
}

/**
 * Zones as a GeoJSON FeatureCollection in rank order: each feature's geometry is the zone's footprint; its properties
 * hold zone_id, rank, capacity, covered_trips, share, center_lat, center_lng, cell (hex), profile and more.
 * @param zones zone records (from a proposal or a stored run)
 * @param meta optional run id, summary and coverage curve, written under the foreign member `parkzones`
 * @example
 * fs.writeFileSync('zones.geojson', JSON.stringify(zonesToGeoJson(proposal.zones, { summary: proposal.summary })));
 */
export function zonesToGeoJson(
  zones: readonly ZoneRecord[],
  meta: { runId?: number; summary?: ZoneSummary; curve?: readonly number[] } = {},
): ZoneFeatureCollection {
  const features = zones.map(
    (z): ZoneFeature => ({
      type: 'Feature',
      id: z.zoneId,
      geometry: z.footprint,
      properties: {
        zone_id: z.zoneId,
        rank: z.rank,
        capacity: z.capacity,
        covered_trips: z.coveredTrips,
        share: z.share,
        center_lat: z.centerLat,
        center_lng: z.centerLng,
        cell: z.cell,
        profile: z.profile,
        catchment_cells: z.catchment.length,
        peak_parked: z.peakParked,
        median_walk_m: z.medianWalkM ?? null,
        ...(meta.runId !== undefined ? { run_id: meta.runId } : {}),
      },
    }),
  );
  const fc: ZoneFeatureCollection = { type: 'FeatureCollection', features };
  if (meta.runId !== undefined || meta.summary || meta.curve) {
    fc.parkzones = {
      ...(meta.runId !== undefined ? { run_id: meta.runId } : {}),
      ...(meta.summary ? { summary: meta.summary } : {}),
      ...(meta.curve ? { coverage_curve: [...meta.curve] } : {}),
    };
  }
  return fc;
}
