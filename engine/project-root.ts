import fs from 'node:fs';
import path from 'node:path';

let cached: string | null = null;

/**
 * The folder that holds parkzones's package.json: where run-time assets (the built page, the basemap) live,
 * whether the code runs from its TypeScript source or from the built JavaScript under `dist/`.
 * @throws Error when no parkzones package.json is found above this file
 */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'parkzones') return (cached = dir);
    if (path.dirname(dir) === dir) throw new Error(`no parkzones package.json above ${import.meta.dirname}`);
  }
}
