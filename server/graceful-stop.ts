import type { NextFunction, Request, Response } from 'express';
import { ParkzonesError } from '../engine/index.ts';

/** Seconds a client is told to wait (Retry-After) when the server is stopping. */
const RETRY_AFTER_S = 5;

/**
 * A server's orderly stop: counts the requests in flight, refuses new ones with 503 once stopping, and gives those
 * in flight a grace period to finish; past it, uploads still arriving or being ingested are stopped (their
 * transaction rolled back) and answered 503. Every request gets an answer before the server closes its connections.
 */
export class GracefulStop {
  private open = 0;
  private waiters: (() => void)[] = [];
  private stopping = false;
  private readonly cut = new AbortController();

  /** Aborted when the grace period is over: uploads still in flight stop and answer 503 (see routes/uploads.ts). */
  get signal(): AbortSignal {
    return this.cut.signal;
  }

  /** True once {@link stop} began. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Express middleware, first of the app: counts each request until its response closes; 503 once stopping. */
  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.stopping) {
      res.set({ Connection: 'close', 'Retry-After': String(RETRY_AFTER_S) });
      next(unavailable('the server is shutting down; send the request again once it is back'));
      return;
    }
    this.open++;
    res.once('close', () => {
      if (--this.open === 0) for (const w of this.waiters.splice(0)) w();
    });
    next();
  };

  /**
   * Stops: new requests get 503; requests in flight have `graceMs` to finish, then uploads are cut (rolled back,
   * answered 503) and get `cutMs` more to answer.
   * @returns how many requests were still open when it gave up waiting (0 when all were answered)
   */
  async stop(graceMs: number, cutMs = 5_000): Promise<number> {
    this.stopping = true;
    if (await this.idleWithin(graceMs)) return 0;
    this.cut.abort();
    await this.idleWithin(cutMs);
    return this.open;
  }

  private idleWithin(ms: number): Promise<boolean> {
    if (this.open === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}

/** The 503 of a stopping server. */
export function unavailable(message: string): ParkzonesError {
  return new ParkzonesError('UNAVAILABLE', message);
}
