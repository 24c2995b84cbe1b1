import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../engine/store/open-store.ts';

/** A fresh directory under the OS temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'pz-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a store on a new DuckDB file in a temp dir. */
export async function tempStore(): Promise<{ store: Store; dir: string; file: string; cleanup: () => void }> {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'store.duckdb');
  const store = await openStore({ path: file });
  return {
    store,
    dir,
    file,
    cleanup: () => {
      try {
        store.close();
      } catch {
        // already closed
      }
      cleanup();
    },
  };
}

/** Row counts of the store's tables. */
export async function tableCounts(store: Store): Promise<{ trips: number; rejects: number; uploads: number }> {
  const r = (await store.query('SELECT (SELECT count(*) FROM trips) AS t, (SELECT count(*) FROM rejects) AS r, (SELECT count(*) FROM uploads) AS u'))[0]!;
  return { trips: Number(r.t), rejects: Number(r.r), uploads: Number(r.u) };
}

/** Path of a file in ../shared/data, or null (with a loud note) when the shared data is absent. */
export function sharedData(rel: string): string | null {
  const p = path.resolve(import.meta.dirname, '../../../shared/data', rel);
  if (fs.existsSync(p)) return p;
  console.warn(`\n*** SKIPPING: shared data ${p} is absent (tests on real data need ../shared/data) ***\n`);
  return null;
}
