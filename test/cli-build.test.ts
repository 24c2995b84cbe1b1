import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module of the launcher, without types
import { builtFile } from '../bin/pick-build.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const pick = builtFile as (source: string, root?: string) => string | null;

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-build-'));
  for (const d of ['engine/cli', 'server', 'fixtures', 'dist']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, 'engine/cli/main.ts'), '');
  return root;
}

function setMtime(file: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
}

describe('the parkzones launcher picks built JavaScript only when it is current', () => {
  it('uses dist when its stamp is newer than every source file', () => {
    const root = tree();
    setMtime(path.join(root, 'engine/cli/main.ts'), 60);
    fs.writeFileSync(path.join(root, 'dist/.build-stamp'), '');
    expect(pick('engine/cli/main.ts', root)).toBe(path.join(root, 'dist/engine/cli/main.js'));
  });

  it('falls back to the source when a file under engine, server or fixtures changed after the build', () => {
    const root = tree();
    fs.writeFileSync(path.join(root, 'dist/.build-stamp'), '');
    setMtime(path.join(root, 'dist/.build-stamp'), 60);
    fs.mkdirSync(path.join(root, 'server/routes'));
    fs.writeFileSync(path.join(root, 'server/routes/x.ts'), '');
    expect(pick('engine/cli/main.ts', root)).toBeNull();
  });

  it('falls back to the source when nothing was built', () => {
    expect(pick('engine/cli/main.ts', tree())).toBeNull();
  });

  it('the built command prints the same help as the source', async (ctx) => {
    if (!pick('engine/cli/main.ts')) ctx.skip(); // dist is stale in a checkout being edited; `npm ci` (CI) builds it
    const bin = path.join(ROOT, 'bin/parkzones.mjs');
    const built = await run(process.execPath, [bin, '--help']);
    const source = await run(process.execPath, [bin, '--help'], { env: { ...process.env, PARKZONES_FROM_SOURCE: '1' } });
    expect(built.stdout).toContain('usage: parkzones COMMAND');
    expect(built.stdout).toBe(source.stdout);
  });
});
