import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ParkzonesError, type ErrorCode } from '../errors.ts';

/** Exit codes of every `parkzones` command. */
/** Exit codes; 6: `ingest` read a file whose every row was rejected (it stored nothing). */
export const EXIT = { ok: 0, internal: 1, usage: 2, badInput: 3, notFound: 4, busy: 5, allRejected: 6 } as const;

const CODE_EXIT: Partial<Record<ErrorCode, number>> = {
  BAD_OPTION: EXIT.usage,
  BAD_FILE: EXIT.badInput,
  BAD_FORMAT: EXIT.badInput,
  BAD_MAPPING: EXIT.badInput,
  EMPTY_INPUT: EXIT.badInput,
  TOO_LARGE: EXIT.badInput,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.busy,
};

/** Parses a command's arguments; unknown flags or a missing value become a usage error (exit 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new ParkzonesError('BAD_OPTION', (e as Error).message, {});
  }
}

/** Prints an error for a person and returns the exit code it maps to. */
export function reportError(e: unknown): number {
  if (e instanceof ParkzonesError) {
    process.stderr.write(`parkzones: ${e.message}\n`);
    return CODE_EXIT[e.code] ?? EXIT.internal;
  }
  const msg = String((e as Error)?.message ?? e);
  if (/Could not set lock|Conflicting lock/i.test(msg)) {
    process.stderr.write(`parkzones: the store is open in another process (a running server?): ${msg.split('\n')[0]}\n`);
    return EXIT.busy;
  }
  process.stderr.write(`parkzones: internal error: ${(e as Error)?.stack ?? msg}\n`);
  return EXIT.internal;
}

/** A number option: undefined stays undefined; anything not a finite number is a usage error naming the option. */
export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ParkzonesError('BAD_OPTION', `--${name}: not a number: "${value}"`, { option: name });
  return n;
}

/**
 * A progress line on stderr: redrawn in place on a terminal, a line per tenth otherwise (logs stay short).
 * @returns update(fraction 0–1, label) and done()
 */
export function progressBar(title: string): { update: (fraction: number, label?: string) => void; done: (label?: string) => void } {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  const draw = (fraction: number, label = '') => {
    const f = Math.max(0, Math.min(1, fraction));
    if (tty) {
      const width = 30;
      const full = Math.round(f * width);
      process.stderr.write(`\r${title} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}% ${label}\x1b[K`);
    } else if (Math.floor(f * 10) > lastTenth) {
      lastTenth = Math.floor(f * 10);
      process.stderr.write(`${title} ${(f * 100).toFixed(0)}% ${label}\n`);
    }
  };
  return {
    update: draw,
    done: (label = 'done') => {
      draw(1, label);
      if (tty) process.stderr.write('\n');
    },
  };
}
