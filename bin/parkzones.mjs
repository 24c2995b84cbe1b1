#!/usr/bin/env -S node --max-semi-space-size=64
// The larger young generation lets ingest's short-lived row objects die young: ≈20 % less CPU on a CSV upload.
// Entry of the `parkzones` command. It runs the built JavaScript (dist/, built by `npm ci`) when that is current,
// else the TypeScript source through tsx (see pick-build.mjs). `serve` starts the server (server/main.ts); every
// other command is the engine's CLI (engine/cli/main.ts), which knows nothing of the server.
import { importSource } from './pick-build.mjs';

if (process.argv[2] === 'serve') {
  const { runServe } = await importSource('server/main.ts');
  try {
    process.exitCode = await runServe(process.argv.slice(3));
  } catch (e) {
    const msg = String(e?.message ?? e);
    process.stderr.write(/lock/i.test(msg) ? `parkzones: the store is open in another process: ${msg.split('\n')[0]}\n` : `parkzones: ${e?.name === 'ParkzonesError' ? msg : (e?.stack ?? msg)}\n`);
    process.exitCode = 1;
  }
} else {
  await importSource('engine/cli/main.ts');
}
