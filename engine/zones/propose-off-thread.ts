import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParkzonesError, type ErrorCode, type ErrorLocation } from '../errors.ts';
import type { ZoneDemand } from './demand.ts';
import type { ResolvedZoneOptions } from './options.ts';
import type { PeaksFn, ZoneProgress, ZoneProposal, ZoneStage } from './propose-zones.ts';

/** Messages to the worker. */
export type ToWorker =
  | { type: 'propose'; demand: ZoneDemand; options: ResolvedZoneOptions; sized: boolean }
  | { type: 'peaks-result'; id: number; peaks?: Float64Array; error?: string };

/** Messages from the worker. */
export type FromWorker =
  | { type: 'progress'; fraction: number; stage: string }
  | { type: 'peaks'; id: number; groups: Int32Array; groupCount: number }
  | { type: 'done'; proposal: ZoneProposal }
  | { type: 'failed'; code: ErrorCode; message: string; location: ErrorLocation };

/**
 * The worker: the built JavaScript file as it is, or (running from the TypeScript source: tests, tsx) the source
 * loaded through tsx's `tsImport`, since a worker does not inherit the parent's loader.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./propose-worker.js', import.meta.url));
  // The package's ESM entry (require.resolve would give its CommonJS one): the same folder, index.mjs.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const source = new URL('./propose-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}));`, { eval: true });
}

/** Hooks of {@link proposeZonesOffThread}. */
export interface OffThreadHooks {
  /** Sizes zones; called on this thread (it reads the store) when the worker asks. */
  peaks?: PeaksFn;
  /** Progress callback, called on this thread. */
  onProgress?: ZoneProgress;
}

/**
 * Runs `proposeZonesFromDemand` in a worker thread, so that zone selection (seconds of CPU on a large city) never
 * blocks this thread's event loop: a server keeps answering health and map requests during a recompute. The
 * result equals the in-thread call's for the same input (the worker runs the same code). Parked peaks, which
 * read the store, are computed here when the worker asks for them.
 * @param demand demand cells (copied to the worker)
 * @param options resolved zone options
 * @returns the proposal, as the in-thread call returns it
 * @throws ParkzonesError with the worker's code and message when proposing fails there
 */
export function proposeZonesOffThread(demand: ZoneDemand, options: ResolvedZoneOptions, hooks: OffThreadHooks = {}): Promise<ZoneProposal> {
  const worker = startWorker();
  return new Promise<ZoneProposal>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'progress':
          hooks.onProgress?.(m.fraction, m.stage as ZoneStage);
          break;
        case 'peaks':
          hooks.peaks!(demand, m.groups, m.groupCount, options).then(
            (peaks) => worker.postMessage({ type: 'peaks-result', id: m.id, peaks } satisfies ToWorker),
            (e: unknown) => worker.postMessage({ type: 'peaks-result', id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies ToWorker),
          );
          break;
        case 'done':
          finish(() => resolve(m.proposal));
          break;
        case 'failed':
          finish(() => reject(new ParkzonesError(m.code, m.message, m.location)));
          break;
      }
    });
    worker.on('error', (e) => finish(() => reject(new ParkzonesError('INTERNAL', `zone proposal worker failed: ${e.message}`, {}, { cause: e }))));
    worker.on('exit', (code) => finish(() => reject(new ParkzonesError('INTERNAL', `zone proposal worker exited with code ${code} before answering`))));
    worker.postMessage({ type: 'propose', demand, options, sized: hooks.peaks !== undefined } satisfies ToWorker);
  });
}
