import { ParkzonesError } from '../errors.ts';
import { checkK } from '../privacy/suppress-cells.ts';
import type { Store } from '../store/open-store.ts';
import { footprintPolygons, type ExportZone } from '../export/zone-record.ts';
import { getRun } from '../zones/runs.ts';
import { getPublication } from './lifecycle.ts';

/** Options of {@link complianceTable}. */
export interface ComplianceOptions {
  /** The published (or retired) plan measured. */
  runId: number;
  /** 'week' (ISO weeks, from Monday) or 'day', local to `tz`. Default 'week'. */
  period?: 'week' | 'day';
  /** IANA time zone of the periods. Default 'UTC'. */
  tz?: string;
  /** Only these providers (an operator's own). Default: all. */
  providers?: string[];
  /** Rows with fewer trip ends are left out; null = none left out (admins). Default 5. */
  k?: number | null;
  /** Margin of the service area around the zones, degrees (as the MDS policy draws it). Default 0.005. */
  marginDeg?: number;
}

/** One row of {@link complianceTable}: an operator's trip ends in one period, before or after the effective date. */
export interface ComplianceRow {
  providerId: string;
  /** First local day of the period, YYYY-MM-DD. */
  period: string;
  /** 'before' the plan's effective date, or 'after' (a period that holds the date has one row of each). */
  phase: 'before' | 'after';
  tripEnds: number;
  /** Ends in a zone's site cell (the H3 cell at the plan's resolution where the zone stands). */
  inZone: number;
  /** Ends within the walking radius of a zone: in one of the cells its published footprint is drawn around. */
  nearZone: number;
  /** Ends in the service area but near no zone (0 when the city did not choose required parking). */
  noParking: number;
  inZoneShare: number;
  nearZoneShare: number;
  noParkingShare: number;
}

/** The service area of a plan (the zones' bounding box grown by `marginDeg`), west, south, east, north. */
export function serviceAreaBbox(zones: readonly Pick<ExportZone, 'footprint'>[], marginDeg: number): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const z of zones)
    for (const poly of footprintPolygons(z.footprint))
      for (const [lng, lat] of poly[0] ?? []) {
        w = Math.min(w, lng!); e = Math.max(e, lng!); s = Math.min(s, lat!); n = Math.max(n, lat!);
      }
  return [w - marginDeg, s - marginDeg, e + marginDeg, n + marginDeg];
}

/**
 * SQL of the compliance table: every trip end classified against the plan's zones (`zones` rows of `$run`), grouped
 * by provider, local period and phase. Parameters: $run, $res, $tz, $eff (effective date), $w $s $e $n (service
 * area), $required, $k; `providerClause` is a fixed fragment using $p0…
 */
export function complianceSql(period: 'week' | 'day', providerClause: string): string {
  return `
    WITH site AS (SELECT DISTINCT cell FROM zones WHERE run_id = $run),
         near AS (SELECT DISTINCT unnest(catchment) AS cell FROM zones WHERE run_id = $run),
         ends AS (
           SELECT provider_id, end_time, end_lat, end_lng, h3_cell(end_lat, end_lng, $res::INTEGER) AS cell FROM trips WHERE true ${providerClause}
         ),
         c AS (
           SELECT e.provider_id,
                  strftime(date_trunc('${period}', timezone($tz::VARCHAR, e.end_time)), '%Y-%m-%d') AS period,
                  CASE WHEN e.end_time >= $eff::TIMESTAMPTZ THEN 'after' ELSE 'before' END AS phase,
                  s.cell IS NOT NULL AS in_zone, n.cell IS NOT NULL AS near_zone,
                  $required::BOOLEAN AND n.cell IS NULL AND e.end_lng BETWEEN $w AND $e AND e.end_lat BETWEEN $s AND $n AS no_parking
           FROM ends e LEFT JOIN site s ON s.cell = e.cell LEFT JOIN near n ON n.cell = e.cell
         )
    SELECT provider_id, period, phase, count(*)::BIGINT AS trip_ends, count(*) FILTER (in_zone)::BIGINT AS in_zone,
           count(*) FILTER (near_zone)::BIGINT AS near_zone, count(*) FILTER (no_parking)::BIGINT AS no_parking
    FROM c GROUP BY ALL HAVING $k::BIGINT IS NULL OR count(*) >= $k::BIGINT
    ORDER BY provider_id, period, phase DESC`;
}

/** The plan's zones (site cell, footprint) and run facts, checked to be published or retired. */
export async function publishedPlanFacts(store: Store, runId: number): Promise<{ res: number; walkRadiusM: number; effectiveDate: string; requiredParking: boolean }> {
  const pub = await getPublication(store, runId);
  if (pub.state !== 'published' && pub.state !== 'retired') {
    throw new ParkzonesError('CONFLICT', `run ${runId} is ${pub.state}; compliance is measured for published plans`, { option: 'runId' });
  }
  const run = await getRun(store, runId);
  return { res: run.params.res, walkRadiusM: run.params.walkRadiusM, effectiveDate: pub.effectiveDate!, requiredParking: pub.requiredParking };
}

/**
 * Compliance of a published plan, per operator and per week (or day): the share of trip ends in a zone, within the
 * walking radius of one, and in the no-parking rest of the service area — after the effective date, and the same
 * figures before it. Rows with fewer than k trip ends are left out.
 * @throws ParkzonesError CONFLICT when the run is not a published plan, NOT_FOUND when there is no such run
 */
export async function complianceTable(store: Store, options: ComplianceOptions): Promise<ComplianceRow[]> {
  const k = options.k === undefined ? 5 : options.k;
  if (k !== null) checkK(k);
  const period = options.period ?? 'week';
  if (period !== 'week' && period !== 'day') throw new ParkzonesError('BAD_OPTION', `period: must be week or day, got "${String(period)}"`, { option: 'period' });
  const facts = await publishedPlanFacts(store, options.runId);
  const zoneRows = await store.query('SELECT footprint FROM zones WHERE run_id = $run', { run: options.runId });
  const zones = zoneRows.map((r) => ({ footprint: JSON.parse(String(r.footprint)) }));
  const [w, s, e, n] = zones.length ? serviceAreaBbox(zones, options.marginDeg ?? 0.005) : [0, 0, 0, 0];
  const providers = options.providers ?? null;
  const providerClause = providers ? `AND provider_id IN (${providers.map((_, i) => `$p${i}`).join(', ') || 'NULL'})` : '';
  const params: Record<string, string | number | boolean | null> = {
    run: options.runId, res: facts.res, tz: options.tz ?? 'UTC', eff: facts.effectiveDate, w, s, e, n,
    required: facts.requiredParking && zones.length > 0, k,
  };
  providers?.forEach((p, i) => (params[`p${i}`] = p));
  const rows = await store.query(complianceSql(period, providerClause), params);
  return rows.map((r) => {
    const t = Number(r.trip_ends);
    const row = { inZone: Number(r.in_zone), nearZone: Number(r.near_zone), noParking: Number(r.no_parking) };
    return {
      providerId: String(r.provider_id), period: String(r.period), phase: r.phase as 'before' | 'after', tripEnds: t, ...row,
      inZoneShare: row.inZone / t, nearZoneShare: row.nearZone / t, noParkingShare: row.noParking / t,
    };
  });
}
