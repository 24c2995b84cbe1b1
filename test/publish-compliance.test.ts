import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { complianceTable, mdsMonthlyReport, MDS_REPORT_HEADER, occupancyTable, occupancyVerdict, transitionRun } from '../engine/publish/index.ts';
import { zoneGeographyId } from '../engine/export/index.ts';
import { haveModels, mdsAjv, validator } from './export-mds-schemas.ts';
import { hexHull } from '../engine/zones/index.ts';
import { isParkzonesError } from '../engine/errors.ts';
import type { Store } from '../engine/store/open-store.ts';
import { tempStore } from './helpers/temp-store.ts';

/**
 * A hand-worked city: one zone (site cell + its ring at res 11, capacity 4), published with effect from Monday
 * 2026-06-08 00:00 UTC. Points: SITE (the site cell), RING (a neighbour cell: within walking radius, not in the
 * zone), AREA (~330 m north: in the service area, near no zone), FAR (~2.2 km: outside the service area).
 */
const RES = 11;
const site = latLngToCell(38.2527, -85.7585, RES);
const ring = gridDisk(site, 1).filter((c) => c !== site);
const [siteLat, siteLng] = cellToLatLng(site);
const [ringLat, ringLng] = cellToLatLng(ring[0]!);
const SITE = [siteLat, siteLng] as const;
const RING = [ringLat, ringLng] as const;
const AREA = [siteLat + 0.003, siteLng] as const;
const FAR = [siteLat + 0.02, siteLng] as const;
const EFFECTIVE = Date.UTC(2026, 5, 8);
const admin = { role: 'admin' as const, keyId: 'k' };
const PARAMS = { res: RES, walkRadiusM: 100, safetyFactor: 1.2, minCapacity: 2, maxCapacity: null, slotMinutes: 15, parkedCapHours: 24 };

let n = 0;
async function trip(store: Store, provider: string, endIso: string, at: readonly [number, number], device: string | null = null, startIso?: string): Promise<void> {
  const end = new Date(endIso);
  const start = startIso ? new Date(startIso) : new Date(end.getTime() - 600_000);
  await store.run(
    `INSERT INTO trips (provider_id, trip_id, device_id, vehicle_type, trip_type, start_time, end_time, start_lat, start_lng, end_lat, end_lng, distance_m, duration_s, upload_id)
     VALUES ($p, $id, $d, 'scooter', NULL, $s, $e, NULL, NULL, $lat, $lng, 1000, 600, 1)`,
    { p: provider, id: `t${++n}`, d: device, s: start.toISOString(), e: end.toISOString(), lat: at[0], lng: at[1] },
  );
}

async function planStore(capacity: number): Promise<Awaited<ReturnType<typeof tempStore>>> {
  const ctx = await tempStore();
  const s = ctx.store;
  await s.run(`INSERT INTO runs VALUES (1, now(), $params, '{}', 'done', 1, NULL, '{"peakParked":[0]}', NULL)`, { params: JSON.stringify(PARAMS) });
  const catchment = [site, ...ring];
  await s.run(
    `INSERT INTO zones (run_id, zone_id, rank, center_lat, center_lng, cell, capacity, covered_trips, share, footprint, catchment, profile) VALUES (1, 'Z001', 1, $lat, $lng, $cell::UBIGINT, $cap, 0, 0, $fp, $catch::UBIGINT[], [${new Array(24).fill(0).join(',')}])`,
    { lat: siteLat, lng: siteLng, cell: BigInt('0x' + site).toString(), cap: capacity, fp: JSON.stringify(hexHull(catchment)), catch: `[${catchment.map((c) => BigInt('0x' + c).toString()).join(',')}]` },
  );
  await transitionRun(s, 1, 'proposed', { actor: admin });
  await transitionRun(s, 1, 'published', { actor: admin, effectiveMs: EFFECTIVE });
  return ctx;
}

describe('compliance, hand-worked', () => {
  let ctx: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    ctx = await planStore(4);
    const s = ctx.store;
    // Operator A, the week before (Mon 1 June): 2 in the zone, 3 more within walking radius, 4 in the no-parking area, 1 far.
    for (const [at, count] of [[SITE, 2], [RING, 3], [AREA, 4], [FAR, 1]] as const) for (let i = 0; i < count; i++) await trip(s, 'A', `2026-06-0${2 + (i % 3)}T12:00:00Z`, at);
    // The week after (Mon 8 June): 6 in the zone, 2 more near, 1 in the no-parking area, 1 far.
    for (const [at, count] of [[SITE, 6], [RING, 2], [AREA, 1], [FAR, 1]] as const) for (let i = 0; i < count; i++) await trip(s, 'A', `2026-06-${String(9 + (i % 3)).padStart(2, "0")}T12:00:00Z`, at);
    // Operator B, the week after: 3 trip ends, all in the zone (fewer than k = 5).
    for (let i = 0; i < 3; i++) await trip(s, 'B', '2026-06-10T08:00:00Z', SITE);
  });
  afterAll(() => ctx.cleanup());

  it('per operator and week: in the zone, within walking radius, in the no-parking area, before and after', async () => {
    const rows = await complianceTable(ctx.store, { runId: 1, k: 5 });
    expect(rows.map((r) => [r.providerId, r.period, r.phase, r.tripEnds, r.inZone, r.nearZone, r.noParking])).toEqual([
      ['A', '2026-06-01', 'before', 10, 2, 5, 4],
      ['A', '2026-06-08', 'after', 10, 6, 8, 1],
    ]);
    expect(rows[1]).toMatchObject({ inZoneShare: 0.6, nearZoneShare: 0.8, noParkingShare: 0.1 });
  });

  it('a week with fewer than k trip ends is not shown; admins (k null) see it', async () => {
    expect((await complianceTable(ctx.store, { runId: 1, k: 5 })).some((r) => r.providerId === 'B')).toBe(false);
    const all = await complianceTable(ctx.store, { runId: 1, k: null });
    expect(all.find((r) => r.providerId === 'B')).toMatchObject({ period: '2026-06-08', tripEnds: 3, inZone: 3 });
  });

  it('an operator sees only its own rows', async () => {
    const own = await complianceTable(ctx.store, { runId: 1, k: null, providers: ['B'] });
    expect(own.map((r) => r.providerId)).toEqual(['B']);
  });

  it('per day, in the city time zone', async () => {
    const days = await complianceTable(ctx.store, { runId: 1, k: 1, period: 'day', providers: ['A'], tz: 'America/Louisville' });
    // After, by i % 3 within each group: zone 6 → 2, 2, 2; near 2 → 1, 1, 0; area 1 and far 1 → 9 June. 9 June: 5, 10th: 3,
    // 11th: 2 (12:00 UTC is 08:00 in Louisville, the same day).
    expect(days.filter((r) => r.phase === 'after').map((r) => [r.period, r.tripEnds])).toEqual([['2026-06-09', 5], ['2026-06-10', 3], ['2026-06-11', 2]]);
  });

  it('without required parking nothing is a no-parking area', async () => {
    const c = await planStore(4);
    try {
      await c.store.run('UPDATE publications SET required_parking = false');
      await trip(c.store, 'A', '2026-06-09T12:00:00Z', AREA);
      expect((await complianceTable(c.store, { runId: 1, k: null }))[0]).toMatchObject({ tripEnds: 1, noParking: 0 });
    } finally {
      c.cleanup();
    }
  });

  it('a plan not published has no compliance', async () => {
    const c = await tempStore();
    try {
      await c.store.run(`INSERT INTO runs VALUES (1, now(), $params, '{}', 'done', 1, NULL, NULL, NULL)`, { params: JSON.stringify(PARAMS) });
      const e = await complianceTable(c.store, { runId: 1 }).catch((x: unknown) => x);
      expect(isParkzonesError(e, 'CONFLICT') && e.message).toMatch(/run 1 is draft; compliance is measured for published plans/);
    } finally {
      c.cleanup();
    }
  });
});

describe('occupancy, hand-worked', () => {
  let ctx: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    ctx = await planStore(4);
    const s = ctx.store;
    // Before the effective date: a vehicle parked in the zone all day (not counted).
    await trip(s, 'A', '2026-06-01T10:00:00Z', SITE, 'd0');
    // 8 June: three vehicles stand in the zone 10:00–12:00, then leave.
    for (const d of ['d1', 'd2', 'd3']) {
      await trip(s, 'A', '2026-06-08T10:00:00Z', SITE, d);
      await trip(s, 'A', '2026-06-08T12:10:00Z', FAR, d, '2026-06-08T12:00:00Z');
    }
    // 9 June: one vehicle, 10:00–11:00 (operator B's).
    await trip(s, 'B', '2026-06-09T10:00:00Z', RING, 'd4');
    await trip(s, 'B', '2026-06-09T11:10:00Z', FAR, 'd4', '2026-06-09T11:00:00Z');
  });
  afterAll(() => ctx.cleanup());

  it('peak and p85 of daily peaks against the slots, a verdict and a suggested capacity', async () => {
    const [z] = await occupancyTable(ctx.store, { runId: 1, k: null });
    // Daily peaks: 3 (8 June), 1 (9 June); p85 = 1 + 0.85 × (3 − 1) = 2.7; 2.7 / 4 = 0.675: right-sized; ⌈2.7 × 1.2⌉ = 4.
    expect(z).toMatchObject({ zoneId: 'Z001', capacity: 4, tripEnds: 4, peak: 3, verdict: 'right-sized', suggestedCapacity: 4 });
    expect(z!.percentilePeak).toBeCloseTo(2.7, 10);
    expect(z!.ratio).toBeCloseTo(0.675, 10);
  });

  it('a zone with fewer than k trip ends is not shown', async () => {
    expect(await occupancyTable(ctx.store, { runId: 1, k: 5 })).toEqual([]);
    expect(await occupancyTable(ctx.store, { runId: 1, k: 4 })).toHaveLength(1);
  });

  it("an operator's figures count its own vehicles only", async () => {
    const [z] = await occupancyTable(ctx.store, { runId: 1, k: null, providers: ['B'] });
    // B: one vehicle on 9 June; 8 June has trips (A's) but none of B's, so B's days are 9 June only.
    expect(z).toMatchObject({ tripEnds: 1, peak: 1, percentilePeak: 1 });
  });

  it('verdicts: full at or above the slots, under-used below half', () => {
    expect([1.2, 1, 0.99, 0.5, 0.49, 0].map((r) => occupancyVerdict(r))).toEqual(['full', 'full', 'right-sized', 'right-sized', 'under-used', 'under-used']);
  });
});

describe('MDS monthly report, hand-worked', () => {
  let ctx: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    ctx = await planStore(4);
    for (let i = 0; i < 12; i++) await trip(ctx.store, 'A', '2026-06-10T12:00:00Z', i % 2 ? SITE : RING); // in the zone's geography
    for (let i = 0; i < 3; i++) await trip(ctx.store, 'B', '2026-06-10T12:00:00Z', SITE); // a small count
    for (let i = 0; i < 20; i++) await trip(ctx.store, 'A', '2026-06-05T12:00:00Z', SITE); // before the plan took effect
    await trip(ctx.store, 'A', '2026-06-10T12:00:00Z', FAR); // in no geography
    await trip(ctx.store, 'A', '2026-07-01T12:00:00Z', SITE); // next month
  });
  afterAll(() => ctx.cleanup());

  it('counts trips ending in each geography while it is in force, by provider and vehicle type; small counts are -1', async () => {
    const { csv } = await mdsMonthlyReport(ctx.store, { month: '2026-06', k: 5 });
    const g = zoneGeographyId(1, 'Z001');
    expect(csv).toBe(`${MDS_REPORT_HEADER}\nA,2026-06-01,P1M,all_riders,${g},scooter_standing,12,-1\nB,2026-06-01,P1M,all_riders,${g},scooter_standing,-1,-1\n`);
  });

  it('a k above 10 raises the redaction threshold; an operator gets its own rows', async () => {
    expect((await mdsMonthlyReport(ctx.store, { month: '2026-06', k: 13 })).csv).toContain(',scooter_standing,-1,-1\n');
    expect((await mdsMonthlyReport(ctx.store, { month: '2026-06', providers: ['B'] })).rows.map((r) => r.providerId)).toEqual(['B']);
  });

  it.skipIf(!haveModels)('validates against models/report.yaml', async () => {
    const v = validator(mdsAjv(['report.yaml']), 'report.yaml');
    expect(v((await mdsMonthlyReport(ctx.store, { month: '2026-06' })).csv)).toBe(true);
    expect(v('provider,start_date\n')).toBe(false);
  });

  it('a month not written YYYY-MM is a bad option', async () => {
    await expect(mdsMonthlyReport(ctx.store, { month: '2026-6' })).rejects.toThrow(/month: must be YYYY-MM, got "2026-6"/);
  });
});
