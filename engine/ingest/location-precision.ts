/**
 * How fine trip end locations are: GPS points, or aggregated ones (census-tract centroids, stations, coordinates
 * rounded to a grid). Zones proposed on aggregated demand report coverage the data cannot support, so the ingest
 * reports each upload's precision and `propose` warns when the demand is coarser than the walking radius.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** The precision of a set of trip end locations. */
export interface LocationPrecision {
  /** Trip ends looked at (the first {@link PRECISION_SAMPLE} that match). */
  ends: number;
  /** Distinct end points (exact coordinates). */
  points: number;
  /** Median decimals of the end coordinates (the fewer of latitude's and longitude's), 0–8, over the first {@link DECIMALS_SAMPLE} ends. */
  decimals: number;
  /** Share of trip ends on the 10 most repeated points. */
  top10Share: number;
  /** How far apart the end locations are resolved, metres: the grid of `decimals`, or, when ends repeat on few points (10 or more per point), their typical spacing. */
  resolutionM: number;
  /** True when the ends repeat on few points (10 or more ends per point): centroids, stations or a coarse grid. */
  aggregated: boolean;
}

/** Most trip ends looked at: enough to tell, bounded in time on any store. */
export const PRECISION_SAMPLE = 200_000;

/** Trip ends whose decimals are counted: sixteen roundings per end made this the costliest part of the check. */
export const DECIMALS_SAMPLE = 20_000;

/** Ends per distinct point from which the ends count as aggregated. */
const AGGREGATED_ENDS_PER_POINT = 10;

/** SQL of a coordinate's decimals (0–8, 8 meaning 8 or more). */
function decimalsSql(v: string): string {
  return `CASE ${Array.from({ length: 8 }, (_, d) => `WHEN round(${v}, ${d}) = ${v} THEN ${d}`).join(' ')} ELSE 8 END`;
}

/**
 * The precision of the trip ends of `trips` rows matching `where` (with `params`).
 * @returns null when no trip matches
 */
export async function locationPrecision(conn: DuckDBConnection, where: string, params: Record<string, unknown> = {}): Promise<LocationPrecision | null> {
  const r = await conn.runAndReadAll(
    `WITH e AS (SELECT end_lat AS lat, end_lng AS lng FROM trips WHERE ${where} LIMIT ${PRECISION_SAMPLE}),
          p AS (SELECT lat, lng, count(*) AS n FROM e GROUP BY lat, lng)
     SELECT (SELECT count(*) FROM e) AS ends, (SELECT count(*) FROM p) AS points,
            (SELECT sum(n) FROM (SELECT n FROM p ORDER BY n DESC LIMIT 10)) AS top10,
            (SELECT median(least(${decimalsSql('lat')}, ${decimalsSql('lng')})) FROM (SELECT * FROM e LIMIT ${DECIMALS_SAMPLE})) AS decimals,
            (SELECT [quantile_cont(lat, 0.05), quantile_cont(lat, 0.95), quantile_cont(lng, 0.05), quantile_cont(lng, 0.95)] FROM p) AS box`,
    params as never,
  );
  const row = r.getRowObjectsJS()[0]!;
  const ends = Number(row.ends);
  if (ends === 0) return null;
  const points = Number(row.points);
  const decimals = Math.round(Number(row.decimals));
  const [s, n, w, e] = (row.box as number[]).map(Number) as [number, number, number, number];
  const gridM = 111_320 * 10 ** -decimals;
  const aggregated = ends / points >= AGGREGATED_ENDS_PER_POINT;
  // Points spread evenly over the box of their central 90 % (0.81 of them lie in it): their spacing.
  const areaM2 = (n - s) * 111_320 * ((e - w) * 111_320 * Math.cos((((s + n) / 2) * Math.PI) / 180));
  const spacingM = points > 1 && areaM2 > 0 ? Math.sqrt(areaM2 / (0.81 * points)) : 0;
  return {
    ends, points, decimals, top10Share: Number(row.top10) / ends,
    resolutionM: Math.round(Math.max(gridM, aggregated ? spacingM : 0)), aggregated,
  };
}

/** A person's words on a precision coarser than `radiusM`, or null when it is not. */
export function coarseDemandWarning(p: LocationPrecision, radiusM: number): string | null {
  if (p.resolutionM <= radiusM) return null;
  const why = p.aggregated
    ? `the ${p.ends} trip ends sit on ${p.points} points (${Math.round(p.ends / p.points)} per point; the 10 most repeated hold ${(p.top10Share * 100).toFixed(1)} %), about ${p.resolutionM} m apart: centroids, stations or a coarse grid`
    : `the trip end coordinates have ${p.decimals} decimals, a grid of about ${p.resolutionM} m`;
  return `the demand is coarser than the ${radiusM} m walking radius: ${why}; the coverage figures say more than the data can`;
}
