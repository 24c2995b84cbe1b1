/**
 * The recompute queue: one job at a time per store, later ones wait in order. Each job reports progress (0–1) and
 * a stage name while it runs; finished jobs are kept (bounded) so their state can still be read.
 */

/** Where a job is in its life. */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A job as the API reports it. */
export interface JobState<R = unknown> {
  jobId: number;
  kind: string;
  status: JobStatus;
  progress: number;
  stage: string;
  /** Jobs ahead of this one (0 when running or finished). */
  queuePosition: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: R | null;
  error: { code: string; message: string } | null;
  /** Facts about the job: given at enqueue or recorded by its body (e.g. the run id it computes). */
  meta: Record<string, unknown>;
}

/** What a job body gets: a progress reporter. */
export type JobReport = (progress: number, stage: string) => void;

interface Entry<R> {
  state: JobState<R>;
  run: (report: JobReport, state: JobState<R>) => Promise<R>;
  done: Promise<R>;
  settle: { resolve: (r: R) => void; reject: (e: unknown) => void };
}

/** One queue per store. */
export class JobQueue {
  private nextId = 1;
  private readonly queue: Entry<unknown>[] = [];
  private running: Entry<unknown> | null = null;
  private readonly finished = new Map<number, Entry<unknown>>();
  private closed = false;

  constructor(private readonly keepFinished = 500) {}

  /**
   * Adds a job; it starts when the jobs before it have finished.
   * @param meta facts known about the job before it starts (e.g. the run id it computes); becomes `state.meta`
   * @returns the job's state (live object, updated as it runs) and a promise of its result
   */
  enqueue<R>(kind: string, run: (report: JobReport, state: JobState<R>) => Promise<R>, meta: Record<string, unknown> = {}): { state: JobState<R>; done: Promise<R> } {
    if (this.closed) throw new Error('the job queue is closed');
    let settle!: Entry<R>['settle'];
    const done = new Promise<R>((resolve, reject) => (settle = { resolve, reject }));
    done.catch(() => {}); // observed through the state; callers may also await it
    const state: JobState<R> = {
      jobId: this.nextId++, kind, status: 'queued', progress: 0, stage: 'queued', queuePosition: 0,
      queuedAt: new Date().toISOString(), startedAt: null, finishedAt: null, result: null, error: null, meta,
    };
    const entry: Entry<R> = { state, run, done, settle };
    this.queue.push(entry as Entry<unknown>);
    this.updatePositions();
    void this.pump();
    return { state, done };
  }

  /** A job by id (queued, running or recently finished), or null. */
  get(jobId: number): JobState | null {
    if (this.running?.state.jobId === jobId) return this.running.state;
    return this.queue.find((e) => e.state.jobId === jobId)?.state ?? this.finished.get(jobId)?.state ?? null;
  }

  /** Finished jobs, most recent first (at most `limit`). */
  recent(limit = 20): JobState[] {
    return [...this.finished.values()].slice(-limit).reverse().map((e) => e.state);
  }

  /** Jobs not yet finished, running one first. */
  pending(): JobState[] {
    return [...(this.running ? [this.running.state] : []), ...this.queue.map((e) => e.state)];
  }

  /** Counts for health checks. */
  counts(): { running: number; queued: number } {
    return { running: this.running ? 1 : 0, queued: this.queue.length };
  }

  /** Stops accepting jobs, drops queued ones (they fail with CONFLICT) and waits for the running one. */
  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.queue.splice(0)) {
      e.state.status = 'failed';
      e.state.error = { code: 'CONFLICT', message: 'the server shut down before the job started' };
      e.settle.reject(new Error(e.state.error.message));
    }
    if (this.running) await this.running.done.catch(() => {});
  }

  private updatePositions(): void {
    this.queue.forEach((e, i) => (e.state.queuePosition = i + (this.running ? 1 : 0)));
  }

  private async pump(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    const entry = this.queue.shift()!;
    this.running = entry;
    this.updatePositions();
    const s = entry.state;
    s.status = 'running';
    s.stage = 'starting';
    s.queuePosition = 0;
    s.startedAt = new Date().toISOString();
    const report: JobReport = (progress, stage) => {
      if (s.status !== 'running') return;
      s.progress = Math.max(s.progress, Math.min(1, Math.max(0, progress)));
      s.stage = stage;
    };
    try {
      const result = await entry.run(report, s);
      s.status = 'done';
      s.progress = 1;
      s.stage = 'done';
      s.result = result;
      entry.settle.resolve(result);
    } catch (e) {
      s.status = 'failed';
      s.stage = 'failed';
      const err = e as { code?: string; message?: string };
      s.error = { code: typeof err?.code === 'string' ? err.code : 'INTERNAL', message: err?.message ?? String(e) };
      entry.settle.reject(e);
    } finally {
      s.finishedAt = new Date().toISOString();
      this.running = null;
      this.finished.set(s.jobId, entry);
      if (this.finished.size > this.keepFinished) this.finished.delete(this.finished.keys().next().value!);
      this.updatePositions();
      void this.pump();
    }
  }
}

/** A mutex: `lock.run(fn)` runs fn after every earlier fn has settled. Used to serialise uploads per store. */
export class Lane {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Runs `fn` when the lane is free. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const next = this.tail.then(fn, fn);
    this.tail = next.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return next;
  }

  /** Calls waiting or running. */
  get size(): number {
    return this.waiting;
  }
}
