import path from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { NEXT_START_WINDOW_SQL } from '../engine/store/next-start.ts';
import { ingestFile, type IngestReport } from '../engine/ingest/index.ts';
import { isParkzonesError } from '../engine/errors.ts';
import { generateCity, writeTrips, type SyntheticTrip } from '../fixtures/index.ts';
import { tempDir } from './helpers/temp-store.ts';

// An upload's good rows are inserted a slice of row numbers at a time inside its one transaction, once its
// duplicates and next starts are known (staging.ts sliceRows). Whatever the slice size, the store must end the same
// as when the upload is inserted in one step: the same trips with every column (cells and next starts included), the
// same rejects and the same counts, also for repeats of a key far apart in the file (in different slices), trips
// without a device, and a store already holding trips the upload's devices continue.

const { dir, cleanup } = tempDir('pz-slices-');
afterAll(cleanup);

const START = '2024-05-01';
const city = generateCity({ trips: 3_000, days: 20, seed: 41, providers: 2, startDate: START, defects: { zero_zero: 0.01, end_before_start: 0.01, duplicate: 0.01 } });
const trips: SyntheticTrip[] = [...city.trips()];
const earlier = trips.filter((t) => t.startMs < Date.parse(`${START}T00:00:00Z`) + 5 * 86_400_000);
const later = trips.filter((t) => !earlier.includes(t));
// The upload: the later trips, then repeats of some of its first keys at its end (with other content: the first row
// of a key wins), and trips that have no device id.
const repeats = later.slice(0, 40).map((t) => ({ ...t, endLat: t.endLat + 0.001, startMs: t.startMs + 1000 }));
const upload: SyntheticTrip[] = [...later, ...repeats].map((t, i) => (i % 97 === 5 ? { ...t, deviceId: '' } : t));

async function file(name: string, rows: SyntheticTrip[], format: 'csv' | 'parquet' | 'mds2'): Promise<string> {
  const f = path.join(dir, `${name}.${format === 'mds2' ? 'json' : format}`);
  await writeTrips(rows, f, { format });
  return f;
}

/** Every stored trip with every column but upload_id, in key order, as text. */
async function tripsText(store: Store): Promise<string[]> {
  const rows = await store.query('SELECT * EXCLUDE (upload_id) FROM trips ORDER BY provider_id, trip_id');
  return rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function rejectsText(store: Store): Promise<string[]> {
  const rows = await store.query('SELECT row_number, field, reason FROM rejects ORDER BY row_number');
  return rows.map((r) => `${r.row_number} ${r.field} ${r.reason}`);
}

function counts(r: IngestReport): number[] {
  return [r.rowsRead, r.rowsStored, r.rowsDuplicate, r.rowsRejected];
}

describe('an upload stored a slice at a time', () => {
  it.each(['parquet', 'csv', 'mds2'] as const)('%s: slices of 61, 500 and 1,000,000 rows leave the same store, into an empty one and one holding earlier trips', async (format) => {
    const before = await file(`earlier-${format}`, earlier, format);
    const f = await file(`upload-${format}`, upload, format);
    for (const holding of [false, true]) {
      let reference: { trips: string[]; rejects: string[]; counts: number[] } | null = null;
      for (const sliceRows of [1_000_000, 500, 61]) {
        const store = await openStore({ path: ':memory:' });
        try {
          if (holding) await ingestFile(store, before);
          const report = await ingestFile(store, f, { sliceRows });
          const got = { trips: await tripsText(store), rejects: await rejectsText(store), counts: counts(report) };
          expect(report.rowsDuplicate).toBeGreaterThanOrEqual(repeats.length);
          expect(report.rowsRejected).toBeGreaterThan(0);
          const [wrong] = await store.query(`SELECT count(*) FILTER (WHERE next_start IS DISTINCT FROM ns) AS n FROM (SELECT next_start, ${NEXT_START_WINDOW_SQL} AS ns FROM trips)`);
          expect(Number(wrong!.n)).toBe(0);
          if (reference === null) reference = got;
          else expect(got).toEqual(reference);
        } finally {
          store.close();
        }
      }
    }
  }, 120_000);

  it('the first row of a key wins over a repeat in a later slice, and the repeat counts as a duplicate', async () => {
    const first = later[0]!;
    const rows = [first, ...later.slice(1, 300), { ...first, endLat: first.endLat + 0.01 }];
    const f = await file('first-wins', rows, 'parquet');
    const store = await openStore({ path: ':memory:' });
    try {
      const report = await ingestFile(store, f, { sliceRows: 50 });
      expect(report.rowsDuplicate).toBeGreaterThanOrEqual(1);
      const [row] = await store.query('SELECT end_lat FROM trips WHERE provider_id = $p AND trip_id = $t', { p: first.providerId, t: first.tripId });
      expect(Number(row!.end_lat)).toBeCloseTo(first.endLat, 9);
    } finally {
      store.close();
    }
  });

  it('refuses a slice size that is not a whole number above 0, naming the option', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      for (const sliceRows of [0, -3, 2.5, Number.NaN]) {
        const err = await ingestFile(store, await file('tiny', later.slice(0, 10), 'csv'), { sliceRows }).catch((e: unknown) => e);
        expect(isParkzonesError(err) && err.code === 'BAD_OPTION' && /sliceRows/.test(err.message)).toBe(true);
      }
    } finally {
      store.close();
    }
  });
});
