#!/usr/bin/env node
// Entry of the `parkzones` command: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../engine/cli/main.ts');
