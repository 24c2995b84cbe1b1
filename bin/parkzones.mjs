#!/usr/bin/env node
// Entry of the `parkzones` command: runs the TypeScript CLI through tsx, so no build step is needed.
// `serve` starts the server (server/main.ts); every other command is the engine's CLI (engine/cli/main.ts).
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'serve') {
  process.argv.splice(2, 1);
  await import('../server/main.ts');
} else {
  await import('../engine/cli/main.ts');
}
