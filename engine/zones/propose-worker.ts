/**
 * Worker-thread side of {@link proposeZonesOffThread}: receives demand cells and options, runs
 * {@link proposeZonesFromDemand} here, asks the parent thread for parked peaks (they need the store), and posts
 * progress and the proposal back. Loaded only as a worker (never imported by the engine's index).
 */
import { parentPort } from 'node:worker_threads';
import { isParkzonesError } from '../errors.ts';
import type { ZoneDemand } from './demand.ts';
import type { ResolvedZoneOptions } from './options.ts';
import { proposeZonesFromDemand, type PeaksFn } from './propose-zones.ts';
import type { ToWorker, FromWorker } from './propose-off-thread.ts';

const port = parentPort;
if (!port) throw new Error('propose-worker.ts runs only as a worker thread');

let nextAsk = 1;
const waiting = new Map<number, { resolve: (v: Float64Array) => void; reject: (e: Error) => void }>();
const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

const peaks: PeaksFn = (_demand: ZoneDemand, groups: Int32Array, groupCount: number) =>
  new Promise((resolve, reject) => {
    const id = nextAsk++;
    waiting.set(id, { resolve, reject });
    post({ type: 'peaks', id, groups, groupCount });
  });

port.on('message', (m: ToWorker) => {
  if (m.type === 'peaks-result') {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve(m.peaks!);
    return;
  }
  const hooks = { onProgress: (fraction: number, stage: string) => post({ type: 'progress', fraction, stage }), ...(m.sized ? { peaks } : {}) };
  proposeZonesFromDemand(m.demand, m.options as ResolvedZoneOptions, hooks).then(
    (proposal) => post({ type: 'done', proposal }),
    (e: unknown) =>
      post({
        type: 'failed',
        code: isParkzonesError(e) ? e.code : 'INTERNAL',
        message: e instanceof Error ? e.message : String(e),
        location: isParkzonesError(e) ? e.location : {},
      }),
  );
});
