// Decides whether the built JavaScript under dist/ (made by `npm run build`, which `npm ci` runs) is current.
// It is when dist/.build-stamp is newer than every TypeScript file of engine/, server/ and fixtures/; a checkout
// being edited falls back to running the TypeScript source through tsx, so the command never runs stale code.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCES = ['engine', 'server', 'fixtures'];

function newestTs(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The absolute path of the built file for a source path (e.g. 'engine/cli/main.ts'), or null when dist is missing
 * or older than a source file (or PARKZONES_FROM_SOURCE=1). `root` is the project folder (tests pass another).
 */
export function builtFile(source, root = ROOT) {
  if (process.env.PARKZONES_FROM_SOURCE === '1') return null;
  let stamp;
  try {
    stamp = fs.statSync(path.join(root, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    return null;
  }
  for (const dir of SOURCES) if (newestTs(path.join(root, dir)) > stamp) return null;
  return path.join(root, 'dist', source.replace(/\.ts$/, '.js'));
}

/** Imports a source module from dist/ when current, else through tsx. */
export async function importSource(source) {
  const built = builtFile(source);
  if (built) return import(built);
  const { register } = await import('tsx/esm/api');
  register();
  return import(path.join(ROOT, source));
}
