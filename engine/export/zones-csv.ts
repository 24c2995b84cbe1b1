import { cellToHex } from '../h3/index.ts';
import type { ExportZone } from './zone-record.ts';

/** Header of {@link zonesToCsv}. */
export const ZONES_CSV_HEADER = [
  'run_id', 'zone_id', 'rank', 'center_lat', 'center_lng', 'cell', 'capacity', 'covered_trips', 'share',
  'catchment_cells', 'profile', 'footprint_wkt',
] as const;

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** WKT of a GeoJSON Polygon or MultiPolygon (`POLYGON((lng lat, …))`), which GIS tools read from a CSV column. */
export function polygonToWkt(footprint: ExportZone['footprint']): string {
  const poly = (rings: number[][][]) => `(${rings.map((ring) => `(${ring.map(([lng, lat]) => `${lng} ${lat}`).join(', ')})`).join(', ')})`;
  return footprint.type === 'Polygon' ? `POLYGON${poly(footprint.coordinates)}` : `MULTIPOLYGON(${footprint.coordinates.map(poly).join(', ')})`;
}

/**
 * Zones as CSV (RFC 4180, `\r\n` line ends): one row per zone; catchment cells and the 24-hour profile are
 * `;`-separated in one field each; the footprint is WKT.
 */
export function zonesToCsv(zones: readonly ExportZone[]): string {
  const lines = [ZONES_CSV_HEADER.join(',')];
  for (const z of zones) {
    lines.push(
      [
        z.runId, z.zoneId, z.rank, z.centerLat, z.centerLng, cellToHex(z.cell), z.capacity, z.coveredTrips, z.share,
        z.catchment.map(cellToHex).join(';'), z.profile.join(';'), polygonToWkt(z.footprint),
      ].map(csvField).join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
