import { ParkzonesError } from '../errors.ts';
import { zoneGeographyId } from '../export/mds-geography.ts';
import { mdsVehicleType } from '../export/zone-record.ts';
import type { Store } from '../store/open-store.ts';
import { getRun } from '../zones/runs.ts';
import { listPublications } from './lifecycle.ts';

/** The header MDS 2.0 Reports require (models/report.yaml). */
export const MDS_REPORT_HEADER = 'provider_id,start_date,duration,special_group_type,geography_id,vehicle_type,trip_count,rider_count';

/** Counts below this are redacted as -1, as MDS Reports ask (a larger k raises it). */
export const MDS_REPORT_MIN_COUNT = 10;

/** Options of {@link mdsMonthlyReport}. */
export interface MdsReportOptions {
  /** The month, YYYY-MM, local to `tz`. */
  month: string;
  /** IANA time zone of the month. Default 'UTC'. */
  tz?: string;
  /** Only these providers (an operator's own). Default: all. */
  providers?: string[];
  /** Privacy threshold; counts below max(10, k) are -1. Default 5. */
  k?: number;
}

/** One row of the report before it becomes CSV. */
export interface MdsReportRow {
  providerId: string;
  geographyId: string;
  vehicleType: string;
  tripCount: number;
}

/**
 * An MDS 2.0 monthly report (CSV, models/report.yaml): per provider, published zone geography in force that month
 * and MDS vehicle type, the trips that ended in the geography (its catchment cells) while it was in force;
 * special_group_type `all_riders`. parkzones holds no rider ids, so rider_count is -1 (not reported), and
 * trip counts below max(10, k) are redacted as -1.
 * @throws ParkzonesError BAD_OPTION for a month not written YYYY-MM
 */
export async function mdsMonthlyReport(store: Store, options: MdsReportOptions): Promise<{ csv: string; rows: MdsReportRow[] }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) throw new ParkzonesError('BAD_OPTION', `month: must be YYYY-MM, got "${options.month}"`, { option: 'month' });
  const tz = options.tz ?? 'UTC';
  const minCount = Math.max(MDS_REPORT_MIN_COUNT, options.k ?? 5);
  const merged = new Map<string, MdsReportRow>();
  for (const p of await listPublications(store, ['published', 'retired'])) {
    const run = await getRun(store, p.runId);
    const providerClause = options.providers ? `AND t.provider_id IN (${options.providers.map((_, i) => `$p${i}`).join(', ') || 'NULL'})` : '';
    const rows = await store.query(
      `WITH g AS (SELECT zone_id, unnest(catchment) AS cell FROM zones WHERE run_id = $run)
       SELECT t.provider_id, g.zone_id, t.vehicle_type, count(*)::BIGINT AS n
       FROM trips t JOIN g ON g.cell = h3_cell(t.end_lat, t.end_lng, $res::INTEGER)
       WHERE strftime(timezone($tz::VARCHAR, t.end_time), '%Y-%m') = $month
         AND t.end_time >= $eff::TIMESTAMPTZ AND ($ret::TIMESTAMPTZ IS NULL OR t.end_time < $ret::TIMESTAMPTZ) ${providerClause}
       GROUP BY ALL`,
      {
        run: p.runId, res: run.params.res, tz, month: options.month, eff: p.effectiveDate, ret: p.retireDate,
        ...Object.fromEntries((options.providers ?? []).map((x, i) => [`p${i}`, x])),
      },
    );
    for (const r of rows) {
      const row: MdsReportRow = { providerId: String(r.provider_id), geographyId: zoneGeographyId(p.runId, String(r.zone_id)), vehicleType: mdsVehicleType(r.vehicle_type as string | null), tripCount: Number(r.n) };
      const key = `${row.providerId}\u0000${row.geographyId}\u0000${row.vehicleType}`;
      const had = merged.get(key);
      if (had) had.tripCount += row.tripCount;
      else merged.set(key, row);
    }
  }
  const rows = [...merged.values()].sort((a, b) => a.providerId.localeCompare(b.providerId) || a.geographyId.localeCompare(b.geographyId) || a.vehicleType.localeCompare(b.vehicleType));
  const lines = rows.map((r) => [r.providerId, `${options.month}-01`, 'P1M', 'all_riders', r.geographyId, r.vehicleType, r.tripCount < minCount ? -1 : r.tripCount, -1].join(','));
  return { csv: [MDS_REPORT_HEADER, ...lines].join('\n') + '\n', rows };
}
