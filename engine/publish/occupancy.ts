import { parkedPeaks } from '../bin/parked-peaks.ts';
import { ParkzonesError } from '../errors.ts';
import { checkK } from '../privacy/suppress-cells.ts';
import type { Store } from '../store/open-store.ts';
import { capacityFromPeak } from '../zones/capacity.ts';
import { getRun, getRunZones } from '../zones/runs.ts';
import { publishedPlanFacts } from './compliance.ts';

/** Options of {@link occupancyTable}. */
export interface OccupancyOptions {
  /** The published (or retired) plan measured. */
  runId: number;
  /** IANA time zone of the days peaks are taken over. Default 'UTC'. */
  tz?: string;
  /** Only these providers' vehicles (an operator's own). Default: all. */
  providers?: string[];
  /** Zones with fewer trip ends after the effective date are left out; null = none left out (admins). Default 5. */
  k?: number | null;
  /** p85 of daily peaks at or above this share of the slots: full. Default 1. */
  fullRatio?: number;
  /** Below this share: under-used. Default 0.5. */
  underUsedRatio?: number;
}

/** How a zone's slots fit the vehicles parked in it. */
export type OccupancyVerdict = 'full' | 'right-sized' | 'under-used';

/** One zone of {@link occupancyTable}. */
export interface OccupancyRow {
  zoneId: string;
  rank: number;
  /** The zone's centre, degrees. */
  centerLat: number;
  centerLng: number;
  capacity: number;
  /** Trip ends in the zone's catchment since the effective date. */
  tripEnds: number;
  /** Most vehicles parked at once in any slot. */
  peak: number;
  /** The run's percentile (p85 by default) of daily peaks. */
  percentilePeak: number;
  /** percentilePeak / capacity. */
  ratio: number;
  verdict: OccupancyVerdict;
  /** Slots the run's own sizing rule gives for the measured peak. */
  suggestedCapacity: number;
}

/** The local 'YYYY-MM-DD HH:MM:SS' of an instant in `tz` (what trip filters take). */
export function localDateTime(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso));
}

/** The verdict for a ratio of percentile peak to slots. */
export function occupancyVerdict(ratio: number, fullRatio = 1, underUsedRatio = 0.5): OccupancyVerdict {
  return ratio >= fullRatio ? 'full' : ratio < underUsedRatio ? 'under-used' : 'right-sized';
}

/**
 * Occupancy of a published plan's zones since its effective date: vehicles parked at once in each zone's catchment
 * (from the parked spells: a trip end until the device's next trip, in the run's slots), the highest and the run's
 * percentile of daily peaks, against the zone's slots — full, right-sized or under-used — and the capacity the run's
 * sizing rule now suggests. Zones with fewer than k trip ends are left out.
 * @throws ParkzonesError CONFLICT when the run is not a published plan
 */
export async function occupancyTable(store: Store, options: OccupancyOptions): Promise<OccupancyRow[]> {
  const k = options.k === undefined ? 5 : options.k;
  if (k !== null) checkK(k);
  const tz = options.tz ?? 'UTC';
  const facts = await publishedPlanFacts(store, options.runId);
  const run = await getRun(store, options.runId);
  const zones = await getRunZones(store, options.runId);
  if (options.providers && options.providers.length === 0) throw new ParkzonesError('BAD_OPTION', 'providers: name at least one', { option: 'providers' });
  const filter = { from: localDateTime(facts.effectiveDate, tz), tz, providers: options.providers };
  const cells: bigint[] = [];
  const groups: number[] = [];
  zones.forEach((z, i) => z.catchment.forEach((c) => (cells.push(BigInt('0x' + c)), groups.push(i))));
  const peaks = await parkedPeaks(store, {
    res: facts.res, filter, cells: BigUint64Array.from(cells), groups: Int32Array.from(groups), groupCount: zones.length,
    slotMinutes: run.params.slotMinutes, capHours: run.params.parkedCapHours,
  });
  const counts = await store.query(
    `SELECT z.zone_id, count(t.end_time)::BIGINT AS n
     FROM (SELECT zone_id, unnest(catchment) AS cell FROM zones WHERE run_id = $run) z
     LEFT JOIN (SELECT h3_cell(end_lat, end_lng, $res::INTEGER) AS cell, end_time FROM trips
                WHERE end_time >= $eff::TIMESTAMPTZ ${options.providers ? `AND provider_id IN (${options.providers.map((_, i) => `$p${i}`).join(', ')})` : ''}) t
       ON t.cell = z.cell
     GROUP BY z.zone_id`,
    { run: options.runId, res: facts.res, eff: facts.effectiveDate, ...Object.fromEntries((options.providers ?? []).map((p, i) => [`p${i}`, p])) },
  );
  const tripsByZone = new Map(counts.map((r) => [String(r.zone_id), Number(r.n)]));
  const out: OccupancyRow[] = [];
  zones.forEach((z, i) => {
    const tripEnds = tripsByZone.get(z.zoneId) ?? 0;
    if (k !== null && tripEnds < k) return;
    const pct = peaks.percentilePeak[i]!;
    const ratio = z.capacity > 0 ? pct / z.capacity : 0;
    out.push({
      zoneId: z.zoneId, rank: z.rank, centerLat: z.centerLat, centerLng: z.centerLng, capacity: z.capacity, tripEnds, peak: peaks.peak[i]!, percentilePeak: pct, ratio,
      verdict: occupancyVerdict(ratio, options.fullRatio, options.underUsedRatio),
      suggestedCapacity: capacityFromPeak(pct, run.params),
    });
  });
  return out;
}
