import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingestFile } from '../engine/ingest/index.ts';
import { demandCells } from '../engine/bin/index.ts';
import { exportTripsParquet } from '../engine/export/index.ts';
import { isParkzonesError } from '../engine/errors.ts';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { tempStore } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
// 3 providers over 75 days from mid-January: trips in three calendar months.
const city = generateCity({ trips: 5000, seed: 16, days: 75, startDate: '2026-01-15', providers: 3 });
beforeAll(async () => {
  ctx = await tempStore();
  const file = path.join(ctx.dir, 'city.parquet');
  await writeTrips([...city.trips()], file, { format: 'parquet' });
  await ingestFile(ctx.store, file);
});
afterAll(() => ctx.cleanup());

/** Runs SQL on a plain DuckDB (no parkzones functions), as another engine reading the export would. */
async function plainQuery(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('export trips as Hive-partitioned Parquet', () => {
  it('writes provider_id=…/month=YYYY-MM folders, one per provider and month that has trips', async () => {
    const out = path.join(ctx.dir, 'layout');
    const r = await exportTripsParquet(ctx.store, { out });
    const want = await ctx.store.query(`SELECT DISTINCT provider_id, strftime(end_time, '%Y-%m') AS m FROM trips ORDER BY ALL`);
    expect(want.length).toBeGreaterThanOrEqual(6);
    expect(r.partitions).toBe(want.length);
    expect([...new Set(r.files.map((f) => path.dirname(f)))].sort()).toEqual(want.map((w) => `provider_id=${w.provider_id}/month=${w.m}`).sort());
    expect(r.trips).toBe(5000);
    for (const f of r.files) expect(fs.readFileSync(path.join(out, f)).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('cells per end_cell_10 and hour, summed over the partitions, equal the store\'s demand cells at resolution 10', async () => {
    const out = path.join(ctx.dir, 'sum');
    await exportTripsParquet(ctx.store, { out });
    const glob = `${out}/**/*.parquet`;
    // Each partition binned on its own (as a distributed engine would, one task per partition), then summed.
    const rows = await plainQuery(`
      WITH per_partition AS (
        SELECT provider_id, month, end_cell_10, hour(end_time) AS h, count(*) AS n
        FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL
      )
      SELECT end_cell_10::VARCHAR AS cell, h, sum(n)::INTEGER AS n, count(*)::INTEGER AS parts FROM per_partition GROUP BY ALL`);
    expect(rows.some((r) => Number(r.parts) > 1)).toBe(true); // some cells' hours are split over partitions
    const d = await demandCells(ctx.store, { res: 10, filter: { tz: 'UTC' }, parkedTime: false });
    const fromStore = new Map<string, number>();
    for (let i = 0; i < d.count; i++) for (let h = 0; h < 24; h++) if (d.profile[i * 24 + h]! > 0) fromStore.set(`${d.cell[i]}/${h}`, d.profile[i * 24 + h]!);
    const fromExport = new Map(rows.map((r) => [`${r.cell}/${r.h}`, Number(r.n)]));
    expect(fromExport.size).toBe(fromStore.size);
    expect(Object.fromEntries(fromExport)).toEqual(Object.fromEntries(fromStore));
    // And every stored resolution column is there and filled.
    const [c] = await plainQuery(`SELECT count(*) FILTER (WHERE end_cell_7 IS NULL OR end_cell_12 IS NULL) AS missing, count(*) AS n FROM read_parquet('${glob}', hive_partitioning = true)`);
    expect(Number(c!.missing)).toBe(0);
    expect(Number(c!.n)).toBe(5000);
  });

  it('months follow --tz: a trip ending 23:30 UTC on 31 March is in April in Europe/Berlin', async () => {
    const s = await tempStore();
    try {
      const csv = path.join(s.dir, 't.csv');
      fs.writeFileSync(csv, 'trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng\nx,p,d,2026-03-31T23:00:00Z,2026-03-31T23:30:00Z,45.52,-122.68\n');
      await ingestFile(s.store, csv);
      expect((await exportTripsParquet(s.store, { out: path.join(s.dir, 'utc') })).files).toEqual(['provider_id=p/month=2026-03/data_0.parquet']);
      expect((await exportTripsParquet(s.store, { out: path.join(s.dir, 'ber'), tz: 'Europe/Berlin' })).files).toEqual(['provider_id=p/month=2026-04/data_0.parquet']);
    } finally {
      s.cleanup();
    }
  });

  it('a provider id with ":" is escaped in its folder name as Hive does, and read back whole', async () => {
    const s = await tempStore();
    try {
      const csv = path.join(s.dir, 't.csv');
      fs.writeFileSync(csv, 'trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng\nx,city:ops-1,d,2026-03-31T20:00:00Z,2026-03-31T20:30:00Z,45.52,-122.68\n');
      await ingestFile(s.store, csv);
      const out = path.join(s.dir, 'o');
      expect((await exportTripsParquet(s.store, { out })).files).toEqual(['provider_id=city%3Aops-1/month=2026-03/data_0.parquet']);
      const rows = await plainQuery(`SELECT provider_id, month, trip_id FROM read_parquet('${out}/**/*.parquet', hive_partitioning = true)`);
      expect(rows).toEqual([{ provider_id: 'city:ops-1', month: '2026-03', trip_id: 'x' }]);
    } finally {
      s.cleanup();
    }
  });

  it('refuses a folder that is not empty, and an unknown zone', async () => {
    const out = path.join(ctx.dir, 'full');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'x.txt'), 'x');
    await expect(exportTripsParquet(ctx.store, { out })).rejects.toSatisfy((e) => isParkzonesError(e, 'BAD_OPTION') && /not empty/.test((e as Error).message));
    await expect(exportTripsParquet(ctx.store, { out: path.join(ctx.dir, 'tz'), tz: 'Mars/Olympus' })).rejects.toSatisfy((e) => isParkzonesError(e, 'BAD_OPTION'));
  });

  it('parkzones export trips --out DIR on the command line', async () => {
    const dbCopy = path.join(ctx.dir, 'cli.duckdb');
    const s = await tempStore();
    try {
      const csv = path.join(s.dir, 't.csv');
      fs.writeFileSync(csv, 'trip_id,provider_id,device_id,start_time,end_time,end_lat,end_lng\nx,p,d,2026-03-31T23:00:00Z,2026-03-31T23:30:00Z,45.52,-122.68\ny,q,e,2026-04-01T10:00:00Z,2026-04-01T10:30:00Z,45.52,-122.68\n');
      await ingestFile(s.store, csv);
      s.store.close();
      fs.copyFileSync(s.file, dbCopy);
    } finally {
      s.cleanup();
    }
    const out = path.join(ctx.dir, 'cli-out');
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve(import.meta.dirname, '../bin/parkzones.mjs'), 'export', 'trips', '--out', out], { env: { ...process.env, PARKZONES_DB: dbCopy } });
    expect(stdout).toMatch(/wrote 2 trips in 2 partitions \(2 files\)/);
    expect(fs.existsSync(path.join(out, 'provider_id=q/month=2026-04/data_0.parquet'))).toBe(true);
  });
});
