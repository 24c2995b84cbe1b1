/**
 * Vitest global setup: builds web/dist (the page the server serves) when it is missing or older
 * than any source of the page, so e2e tests always drive the current page.
 * {@link ensureWebBuilt} is also called by the e2e server helper, guarded by a lock, so the tests
 * stay correct even where this file is not registered as a global setup.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

const WEB = path.resolve('web');
const DIST_INDEX = path.join(WEB, 'dist', 'index.html');
const LOCK = path.resolve('node_modules', '.parkzones-web-build-lock'); // a directory: mkdir is atomic
const LOCK_STALE_MS = 120_000; // a lock older than this was left by a killed build

function newestMtimeMs(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, name)));
  return newest;
}

/** True when web/dist must be (re)built. */
export function webBuildStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const built = statSync(DIST_INDEX).mtimeMs;
  const sources = [path.join(WEB, 'src'), path.join(WEB, 'index.html'), path.join(WEB, 'vite.config.ts')];
  return sources.some((s) => existsSync(s) && newestMtimeMs(s) > built);
}

/** Builds web/dist when stale; concurrent callers wait for one build. */
export async function ensureWebBuilt(): Promise<void> {
  if (!webBuildStale()) return;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmdirSync(LOCK);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!webBuildStale()) return;
    const { build } = await import('vite');
    const started = Date.now();
    await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn' });
    console.log(`[e2e] built web/dist in ${Date.now() - started} ms`);
  } finally {
    rmdirSync(LOCK);
  }
}

/** Vitest global setup entry. */
export default async function setup(): Promise<void> {
  await ensureWebBuilt();
}
