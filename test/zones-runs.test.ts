import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../engine/ingest/index.ts';
import { parkedPeaks } from '../engine/bin/index.ts';
import { isParkzonesError } from '../engine/errors.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import {
  compareRuns,
  createRun,
  executeRun,
  failInterruptedRuns,
  getRun,
  getRunZones,
  listRuns,
  proposeZones,
  recomputeRun,
  reserveRun,
  zonesToGeoJson,
  type ZoneProposal,
  type StoredRun,
} from '../engine/zones/index.ts';
import { openStore } from '../engine/store/open-store.ts';
import { haversineM } from '../engine/zones/geo.ts';
import { tempDir, tempStore } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
const city = generateCity({ trips: 5000, seed: 8, days: 7 });
let first: { run: StoredRun; proposal: ZoneProposal };

beforeAll(async () => {
  ctx = await tempStore();
  const file = path.join(ctx.dir, 'city.parquet');
  await writeTrips([...city.trips()], file, { format: 'parquet' });
  await ingestFile(ctx.store, file);
  first = await createRun(ctx.store, { walkRadiusM: 100 });
});
afterAll(() => ctx.cleanup());

describe('createRun', () => {
  it('stores the run done, with its parameters, filter, progress and summary', async () => {
    const run = await getRun(ctx.store, first.run.runId);
    expect(run.status).toBe('done');
    expect(run.progress).toBe(1);
    expect(run.stage).toBe('done');
    expect(run.params.walkRadiusM).toBe(100);
    expect(run.params.coverage).toBe(0.8);
    expect(run.filter).toEqual({});
    expect(run.stats!.summary).toEqual(first.proposal.summary);
    expect(run.stats!.curve).toEqual(first.proposal.curve);
    expect(run.error).toBeNull();
  });

  it('stores every zone, and reads them back value for value', async () => {
    const zones = await getRunZones(ctx.store, first.run.runId);
    expect(zones.length).toBeGreaterThan(10);
    expect(zones).toEqual(first.proposal.zones);
  });

  it('gives every synthetic hotspot a zone within the walking radius', () => {
    for (const h of city.hotspots) {
      const nearest = Math.min(...first.proposal.zones.map((z) => haversineM(h.lat, h.lng, z.centerLat, z.centerLng)));
      expect(nearest, h.name).toBeLessThanOrEqual(100);
    }
  });

  it('sizes each zone from the p85 of daily parked peaks × 1.2, rounded up, at least 2', async () => {
    const p = first.proposal;
    // Rebuild the cell → zone map from the catchments, then ask parkedPeaks directly.
    const cells: bigint[] = [];
    const zoneOf: number[] = [];
    p.zones.forEach((z, i) => z.catchment.forEach((hex) => (cells.push(BigInt('0x' + hex)), zoneOf.push(i))));
    const peaks = await parkedPeaks(ctx.store, { res: 11, cells: BigUint64Array.from(cells), groups: Int32Array.from(zoneOf), groupCount: p.zones.length, percentile: 0.85 });
    p.zones.forEach((z, i) => {
      expect(z.peakParked).toBe(peaks.percentilePeak[i]);
      expect(z.capacity).toBe(Math.max(2, Math.ceil(Math.round(peaks.percentilePeak[i]! * 1.2 * 1e9) / 1e9)));
    });
    expect(p.summary.capacitySized).toBe(true);
    expect(p.summary.totalSlots).toBe(p.zones.reduce((s, z) => s + z.capacity, 0));
  });

  it('refuses impossible options before creating a run', async () => {
    const before = (await listRuns(ctx.store)).length;
    const e = await createRun(ctx.store, { walkRadiusM: -5 }).catch((x: unknown) => x);
    expect(isParkzonesError(e, 'BAD_OPTION')).toBe(true);
    expect((e as Error).message).toBe('walkRadiusM: must be a number of metres > 0, got -5');
    expect((await listRuns(ctx.store)).length).toBe(before);
  });

  it('stores a run with zero zones, and why, when no trip matches the filter', async () => {
    const { run, proposal } = await createRun(ctx.store, { k: 5, filter: { from: '2031-01-01' } });
    expect(run.status).toBe('done');
    expect(proposal.zones).toEqual([]);
    expect(run.stats!.summary.reason).toBe('no trip ends match the filter (from=2031-01-01), so there is nothing to cover');
    expect(await getRunZones(ctx.store, run.runId)).toEqual([]);
  });

  it('reports progress and tells the caller the run id before the work', async () => {
    let createdId = -1;
    const fractions: number[] = [];
    const { run } = await createRun(ctx.store, { k: 3 }, { onCreated: (id) => (createdId = id), onProgress: (f) => fractions.push(f) });
    expect(createdId).toBe(run.runId);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
  });
});

describe('per-zone median walk', () => {
  it('is stored with each zone and read back', async () => {
    const zones = await getRunZones(ctx.store, first.run.runId);
    const walks = zones.map((z) => z.medianWalkM);
    for (const w of walks) expect(w).toBeTypeOf('number');
    expect(new Set(walks).size).toBeGreaterThan(1);
    expect(zonesToGeoJson(zones).features.map((f) => f.properties.median_walk_m)).toEqual(walks);
  });

  it('a run stored before it (a store without the column) still loads, with no walk per zone, and recomputes equal', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'old.duckdb');
      let store = await openStore({ path: file });
      const trips = path.join(dir, 'city.parquet');
      await writeTrips([...generateCity({ trips: 1500, seed: 4, days: 3 }).trips()], trips, { format: 'parquet' });
      await ingestFile(store, trips);
      const { run } = await createRun(store, { walkRadiusM: 100 });
      // The zones table as parkzones wrote it before per-zone walks.
      await store.run('ALTER TABLE zones DROP COLUMN median_walk_m');
      store.close();
      store = await openStore({ path: file });
      try {
        const zones = await getRunZones(store, run.runId);
        expect(zones.length).toBeGreaterThan(0);
        for (const z of zones) expect(z).not.toHaveProperty('medianWalkM');
        expect(zonesToGeoJson(zones).features.every((f) => f.properties.median_walk_m === null)).toBe(true);
        expect((await recomputeRun(store, run.runId)).equal).toBe(true);
        // A run made now on that store stores its walks.
        const { run: fresh } = await createRun(store, { walkRadiusM: 100 });
        expect((await getRunZones(store, fresh.runId)).every((z) => typeof z.medianWalkM === 'number')).toBe(true);
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  });
});

describe('reserveRun and executeRun', () => {
  it('reserveRun stores a queued run with its resolved options and no zones', async () => {
    const run = await reserveRun(ctx.store, { k: 4, filter: { days: 'weekday' } });
    expect(run).toMatchObject({ status: 'queued', progress: 0, stage: 'queued', stats: null, error: null, filter: { days: 'weekday' } });
    expect(run.params).toMatchObject({ k: 4, coverage: null, walkRadiusM: 100, res: 11 });
    expect(await getRun(ctx.store, run.runId)).toEqual(run);
    expect(await getRunZones(ctx.store, run.runId)).toEqual([]);
  });

  it('reserveRun refuses impossible options before storing a row', async () => {
    const before = (await listRuns(ctx.store)).length;
    await expect(reserveRun(ctx.store, { k: 0 })).rejects.toThrow('k: must be a whole number of zones ≥ 1, got 0');
    expect((await listRuns(ctx.store)).length).toBe(before);
  });

  it('executeRun computes a reserved run: done, with the zones of the same options', async () => {
    const { runId } = await reserveRun(ctx.store, { k: 4 });
    const stages: string[] = [];
    const { run, proposal } = await executeRun(ctx.store, runId, { onProgress: (_f, stage) => stages.push(stage) });
    expect(run).toMatchObject({ runId, status: 'done', progress: 1, stage: 'done', error: null });
    expect(stages.length).toBeGreaterThan(0);
    expect(await getRunZones(ctx.store, runId)).toEqual(proposal.zones);
    expect(proposal.zones).toEqual((await proposeZones(ctx.store, { k: 4 })).zones);
  });

  it('executeRun refuses a run that is not queued', async () => {
    const e = await executeRun(ctx.store, first.run.runId).catch((x: unknown) => x);
    expect(isParkzonesError(e, 'CONFLICT')).toBe(true);
    expect((e as Error).message).toBe(`run ${first.run.runId} is done; only a queued run can be computed`);
    expect((await getRun(ctx.store, first.run.runId)).status).toBe('done');
  });

  it('executeRun refuses an unknown run', async () => {
    const e = await executeRun(ctx.store, 123456).catch((x: unknown) => x);
    expect(isParkzonesError(e, 'NOT_FOUND')).toBe(true);
    expect((e as Error).message).toBe('no run 123456');
  });
});

describe('recomputeRun', () => {
  it('recomputes a stored run bit for bit', async () => {
    const r = await recomputeRun(ctx.store, first.run.runId);
    expect(r.differences).toEqual([]);
    expect(r.equal).toBe(true);
    expect(r.inputChanged).toBe(false);
  });

  it('recomputes a filtered dbscan run with exclusions bit for bit', async () => {
    const h = city.hotspots[0]!;
    const d = 0.0005;
    const exclude = { type: 'Polygon', coordinates: [[[h.lng - d, h.lat - d], [h.lng + d, h.lat - d], [h.lng + d, h.lat + d], [h.lng - d, h.lat + d], [h.lng - d, h.lat - d]]] };
    const { run } = await createRun(ctx.store, { method: 'dbscan', k: 8, exclude, filter: { hours: [7, 8, 9, 16, 17, 18], days: 'weekday', tz: 'America/Kentucky/Louisville' } });
    const r = await recomputeRun(ctx.store, run.runId);
    expect(r.differences).toEqual([]);
  });

  it('says the input changed when trips were added since', async () => {
    const { run } = await createRun(ctx.store, { k: 6 });
    const more = generateCity({ trips: 800, seed: 99, days: 2 });
    const file = path.join(ctx.dir, 'more.parquet');
    await writeTrips([...more.trips()], file, { format: 'parquet' });
    await ingestFile(ctx.store, file);
    const r = await recomputeRun(ctx.store, run.runId);
    expect(r.equal).toBe(false);
    expect(r.inputChanged).toBe(true);
    expect(r.differences.some((d) => d.startsWith('summary totalTrips'))).toBe(true);
  });

  it('refuses a run that is not done', async () => {
    await ctx.store.run(`INSERT INTO runs (run_id, created_at, params, input_filter, status) VALUES (9999, now(), '{}', '{}', 'running')`);
    const e = await recomputeRun(ctx.store, 9999).catch((x: unknown) => x);
    expect(isParkzonesError(e, 'CONFLICT')).toBe(true);
  });
});

describe('getRun and listRuns', () => {
  it('fails with NOT_FOUND for an unknown run', async () => {
    const e = await getRun(ctx.store, 123456).catch((x: unknown) => x);
    expect(isParkzonesError(e, 'NOT_FOUND')).toBe(true);
    expect((e as Error).message).toBe('no run 123456');
  });

  it('lists runs newest first with their summaries', async () => {
    const runs = await listRuns(ctx.store);
    const ids = runs.map((r) => r.runId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const one = runs.find((r) => r.runId === first.run.runId)!;
    expect(one.summary).toEqual(first.proposal.summary);
    expect(one).not.toHaveProperty('stats');
  });
});

describe('compareRuns', () => {
  it('splits zones into kept, moved, removed and added, and gives the coverage difference', async () => {
    const a = await createRun(ctx.store, { k: 5, filter: { to: '2026-06-08' } });
    const b = await createRun(ctx.store, { k: 10, filter: { to: '2026-06-08' } });
    const c = await compareRuns(ctx.store, a.run.runId, b.run.runId);
    expect(c.kept.length + c.moved.length + c.removed.length).toBe(5);
    expect(c.kept.length + c.moved.length + c.added.length).toBe(10);
    expect(c.coverage.difference).toBeCloseTo(b.proposal.summary.coveredShare - a.proposal.summary.coveredShare, 12);
    expect(c.sameInput).toBe(true);
    for (const m of c.moved) expect(m.distanceM).toBeLessThanOrEqual(100);
  });

  it('finds nothing changed between a run and its twin', async () => {
    const a = await createRun(ctx.store, { k: 7, filter: { to: '2026-06-08' } });
    const b = await createRun(ctx.store, { k: 7, filter: { to: '2026-06-08' } });
    const c = await compareRuns(ctx.store, a.run.runId, b.run.runId);
    expect(c.kept).toHaveLength(7);
    expect([c.moved, c.added, c.removed]).toEqual([[], [], []]);
    expect(c.coverage.difference).toBe(0);
  });

  it('stores a failed run with its error when the zones cannot be written', async () => {
    const proposal = await proposeZones(ctx.store, { k: 2 });
    expect(proposal.zones).toHaveLength(2);
    await ctx.store.run('ALTER TABLE zones RENAME TO zones_away');
    try {
      let id = -1;
      const e = await createRun(ctx.store, { k: 2 }, { onCreated: (x) => (id = x) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(Error);
      const run = await getRun(ctx.store, id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/zones/);
    } finally {
      await ctx.store.run('ALTER TABLE zones_away RENAME TO zones');
    }
  });
});

describe('failInterruptedRuns', () => {
  let own: Awaited<ReturnType<typeof tempStore>>;
  const statuses = async () =>
    (await own.store.query('SELECT run_id, status, stage, error FROM runs ORDER BY run_id')).map((r) => ({ runId: Number(r.run_id), status: r.status, stage: r.stage, error: r.error }));
  beforeAll(async () => {
    own = await tempStore();
  });
  afterAll(() => own.cleanup());

  async function insertRuns(rows: [number, string, string | null][]): Promise<void> {
    await own.store.run('DELETE FROM runs');
    for (const [id, status, stage] of rows) {
      await own.store.run(`INSERT INTO runs (run_id, created_at, params, input_filter, status, progress, stage) VALUES ($id, now(), '{}', '{}', $status, 0.3, $stage)`, { id, status, stage });
    }
  }

  it('marks queued and running runs failed with the interruption message, keeping their stage', async () => {
    await insertRuns([[1, 'done', 'done'], [2, 'running', 'solve'], [3, 'queued', 'queued'], [4, 'failed', 'demand']]);
    expect(await failInterruptedRuns(own.store)).toBe(2);
    expect(await statuses()).toEqual([
      { runId: 1, status: 'done', stage: 'done', error: null },
      { runId: 2, status: 'failed', stage: 'solve', error: 'interrupted: the server stopped before the run finished' },
      { runId: 3, status: 'failed', stage: 'queued', error: 'interrupted: the server stopped before the run finished' },
      { runId: 4, status: 'failed', stage: 'demand', error: null },
    ]);
  });

  it('leaves the runs named in keep as they are', async () => {
    await insertRuns([[1, 'running', 'solve'], [2, 'queued', 'queued'], [3, 'running', 'demand']]);
    expect(await failInterruptedRuns(own.store, { keep: [1, 2] })).toBe(1);
    expect((await statuses()).map((r) => r.status)).toEqual(['running', 'queued', 'failed']);
  });

  it('changes nothing and answers 0 when no run was cut off', async () => {
    await insertRuns([[1, 'done', 'done']]);
    expect(await failInterruptedRuns(own.store)).toBe(0);
    expect((await statuses()).map((r) => r.status)).toEqual(['done']);
  });
});
