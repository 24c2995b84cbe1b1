import type { DuckDBConnection } from '@duckdb/node-api';
import { can, type Principal } from '../access/roles.ts';
import { ParkzonesError } from '../errors.ts';
import type { Store, Row } from '../store/open-store.ts';
import { getRun } from '../zones/runs.ts';

/** Lifecycle of a plan (any run): a run without a publication row is a `draft`. */
export type PublicationState = 'draft' | 'proposed' | 'published' | 'retired';

/** Every state, in lifecycle order. */
export const PUBLICATION_STATES: readonly PublicationState[] = ['draft', 'proposed', 'published', 'retired'];

/** The moves allowed, and the action each needs (engine/access/roles.ts). */
export const TRANSITIONS: Readonly<Record<PublicationState, Partial<Record<PublicationState, 'publications:propose' | 'publications:publish'>>>> = {
  draft: { proposed: 'publications:propose' },
  proposed: { draft: 'publications:propose', published: 'publications:publish' },
  published: { retired: 'publications:publish' },
  retired: {},
};

/** A run's publication, as read back. Times are ISO 8601 UTC or null. */
export interface Publication {
  runId: number;
  state: PublicationState;
  proposedAt: string | null;
  /** When it was made immutable (MDS `published_date`): the publish time, or the effective date when that was earlier. */
  publishedAt: string | null;
  /** When the zones start to apply (MDS `effective_date`). */
  effectiveDate: string | null;
  /** When they stop (MDS `retire_date`); set on retirement, or when a later publication replaces this one. */
  retireDate: string | null;
  /** The published run this one replaces (MDS `prev_geographies` / `prev_policies`). */
  prevRunId: number | null;
  /** The city's choice: parking outside the zones forbidden in the service area (MDS required-parking policy). */
  requiredParking: boolean;
  updatedAt: string | null;
}

/** One move of a run's lifecycle. */
export interface PublicationEvent {
  eventId: number;
  runId: number;
  at: string;
  actorRole: string;
  actorKeyId: string | null;
  from: PublicationState;
  to: PublicationState;
  effectiveDate: string | null;
  retireDate: string | null;
  note: string | null;
}

/** Options of {@link transitionRun}. */
export interface TransitionOptions {
  /** Who moves it; their role must allow the move. */
  actor: Pick<Principal, 'role' | 'keyId'>;
  /** For `published`: when the zones apply, ms since epoch. Default: now. */
  effectiveMs?: number;
  /** For `retired`: when they stop, ms since epoch. Default: now. */
  retireMs?: number;
  /** For `published`: forbid parking outside the zones (MDS required-parking pattern). Default true. */
  requiredParking?: boolean;
  /** Free text kept in the history. Default none. */
  note?: string;
  /** The clock, ms since epoch. Default Date.now(). */
  nowMs?: number;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

function publicationFromRow(r: Row): Publication {
  return {
    runId: Number(r.run_id),
    state: r.state as PublicationState,
    proposedAt: iso(r.proposed_at),
    publishedAt: iso(r.published_at),
    effectiveDate: iso(r.effective_date),
    retireDate: iso(r.retire_date),
    prevRunId: r.prev_run_id === null || r.prev_run_id === undefined ? null : Number(r.prev_run_id),
    requiredParking: Boolean(r.required_parking),
    updatedAt: iso(r.updated_at),
  };
}

function draftOf(runId: number): Publication {
  return { runId, state: 'draft', proposedAt: null, publishedAt: null, effectiveDate: null, retireDate: null, prevRunId: null, requiredParking: true, updatedAt: null };
}

/**
 * A run's publication (a draft when it was never proposed).
 * @throws ParkzonesError NOT_FOUND when there is no such run
 */
export async function getPublication(store: Store, runId: number): Promise<Publication> {
  await getRun(store, runId);
  const rows = await store.query('SELECT * FROM publications WHERE run_id = $id', { id: runId });
  return rows.length ? publicationFromRow(rows[0]!) : draftOf(runId);
}

/**
 * Publications in the given states (default: all but drafts), by effective date then run id.
 */
export async function listPublications(store: Store, states: readonly PublicationState[] = ['proposed', 'published', 'retired']): Promise<Publication[]> {
  const stored = states.filter((s) => s !== 'draft');
  for (const s of stored) if (!PUBLICATION_STATES.includes(s)) throw new ParkzonesError('BAD_OPTION', `state: unknown state ${JSON.stringify(s)} (one of ${PUBLICATION_STATES.join(', ')})`, { option: 'state' });
  if (!stored.length) return [];
  const params = Object.fromEntries(stored.map((s, i) => [`s${i}`, s]));
  const rows = await store.query(
    `SELECT * FROM publications WHERE state IN (${stored.map((_, i) => `$s${i}`).join(', ')}) ORDER BY effective_date NULLS LAST, run_id`,
    params,
  );
  return rows.map(publicationFromRow);
}

/** The lifecycle history of a run, oldest first. */
export async function publicationHistory(store: Store, runId: number): Promise<PublicationEvent[]> {
  const rows = await store.query('SELECT * FROM publication_events WHERE run_id = $id ORDER BY event_id', { id: runId });
  return rows.map((r) => ({
    eventId: Number(r.event_id),
    runId: Number(r.run_id),
    at: iso(r.moved_at)!,
    actorRole: String(r.actor_role),
    actorKeyId: r.actor_key_id === null ? null : String(r.actor_key_id),
    from: r.from_state as PublicationState,
    to: r.to_state as PublicationState,
    effectiveDate: iso(r.effective_date),
    retireDate: iso(r.retire_date),
    note: r.note === null ? null : String(r.note),
  }));
}

/**
 * The publication in force at `atMs`: published (or retired later than `atMs`) with the latest effective date at or
 * before it; null when none.
 */
export async function publicationInForce(store: Store, atMs: number = Date.now()): Promise<Publication | null> {
  const rows = await store.query(
    `SELECT * FROM publications WHERE state IN ('published', 'retired') AND effective_date <= $at AND (retire_date IS NULL OR retire_date > $at)
     ORDER BY effective_date DESC, run_id DESC LIMIT 1`,
    { at: new Date(atMs).toISOString() },
  );
  return rows.length ? publicationFromRow(rows[0]!) : null;
}

function checkMs(v: number | undefined, option: string): void {
  if (v !== undefined && !Number.isFinite(v)) throw new ParkzonesError('BAD_OPTION', `${option}: must be a time (ISO 8601 or ms since epoch), got ${v}`, { option });
}

async function recordEvent(store: Store, conn: DuckDBConnection, e: Omit<PublicationEvent, 'eventId'>): Promise<void> {
  await store.run(
    `INSERT INTO publication_events VALUES (nextval('publication_event_seq'), $run, $at, $role, $key, $from, $to, $eff, $ret, $note)`,
    { run: e.runId, at: e.at, role: e.actorRole, key: e.actorKeyId, from: e.from, to: e.to, eff: e.effectiveDate, ret: e.retireDate, note: e.note },
    conn,
  );
}

async function writePublication(store: Store, conn: DuckDBConnection, p: Publication): Promise<void> {
  await store.run(
    `INSERT INTO publications VALUES ($run, $state, $proposed, $published, $eff, $ret, $prev, $req, $updated)
     ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, proposed_at = excluded.proposed_at, published_at = excluded.published_at,
       effective_date = excluded.effective_date, retire_date = excluded.retire_date, prev_run_id = excluded.prev_run_id,
       required_parking = excluded.required_parking, updated_at = excluded.updated_at`,
    {
      run: p.runId, state: p.state, proposed: p.proposedAt, published: p.publishedAt, eff: p.effectiveDate, ret: p.retireDate,
      prev: p.prevRunId, req: p.requiredParking, updated: p.updatedAt,
    },
    conn,
  );
}

/**
 * Moves a run one step in its lifecycle (see {@link TRANSITIONS}) and records who did it, when, from and to.
 * Publishing retires the publication in force (its retire date becomes the new effective date) and names it as the
 * one replaced. A run must be `done` to be proposed.
 * @returns the run's publication after the move
 * @throws ParkzonesError NOT_FOUND (no such run), CONFLICT (a move the lifecycle does not allow, a run not done),
 *   FORBIDDEN (the actor's role may not make this move), BAD_OPTION (a retire date not after the effective date)
 * @example
 * await transitionRun(store, 3, 'proposed', { actor: { role: 'planner', keyId: 'k1' } });
 * await transitionRun(store, 3, 'published', { actor: admin, effectiveMs: Date.parse('2026-07-01') });
 */
export async function transitionRun(store: Store, runId: number, to: PublicationState, options: TransitionOptions): Promise<Publication> {
  checkMs(options.effectiveMs, 'effectiveDate');
  checkMs(options.retireMs, 'retireDate');
  return store.exclusive(async () => {
    const run = await getRun(store, runId);
    const cur = await getPublication(store, runId);
    const action = TRANSITIONS[cur.state][to];
    if (!action) {
      const allowed = Object.keys(TRANSITIONS[cur.state]);
      throw new ParkzonesError('CONFLICT', `run ${runId} is ${cur.state}; it can move to ${allowed.length ? allowed.join(' or ') : 'no other state'}, not ${to}`, { option: 'state' });
    }
    if (!can(options.actor.role, action)) {
      throw new ParkzonesError('FORBIDDEN', `role ${options.actor.role} may not move a plan from ${cur.state} to ${to}`);
    }
    if (run.status !== 'done') throw new ParkzonesError('CONFLICT', `run ${runId} is ${run.status}; only a finished run can be a plan`);
    const nowMs = options.nowMs ?? Date.now();
    const now = new Date(nowMs).toISOString();
    const next: Publication = { ...cur, state: to, updatedAt: now };
    if (to === 'proposed') next.proposedAt = now;
    if (to === 'draft') next.proposedAt = null;
    let replaced: Publication | null = null;
    if (to === 'published') {
      const effMs = options.effectiveMs ?? nowMs;
      next.effectiveDate = new Date(effMs).toISOString();
      next.publishedAt = new Date(Math.min(nowMs, effMs)).toISOString();
      next.requiredParking = options.requiredParking ?? true;
      replaced = await publicationInForce(store, effMs); // only the one in force at the effective date is replaced
      next.prevRunId = replaced?.runId ?? null;
      next.retireDate = null;
    }
    if (to === 'retired') {
      const retMs = options.retireMs ?? nowMs;
      if (cur.effectiveDate && !(retMs > Date.parse(cur.effectiveDate))) {
        throw new ParkzonesError('BAD_OPTION', `retireDate: must be after the effective date ${cur.effectiveDate}`, { option: 'retireDate' });
      }
      next.retireDate = new Date(retMs).toISOString();
    }
    const note = options.note ?? null;
    const actorKeyId = options.actor.keyId ?? null;
    const conn = await store.connect();
    try {
      await store.run('BEGIN TRANSACTION', undefined, conn);
      if (replaced) {
        const old: Publication = { ...replaced, state: 'retired', retireDate: next.effectiveDate, updatedAt: now };
        await writePublication(store, conn, old);
        await recordEvent(store, conn, {
          runId: old.runId, at: now, actorRole: options.actor.role, actorKeyId, from: replaced.state, to: 'retired',
          effectiveDate: old.effectiveDate, retireDate: old.retireDate, note: `replaced by run ${runId}`,
        });
      }
      await writePublication(store, conn, next);
      await recordEvent(store, conn, {
        runId, at: now, actorRole: options.actor.role, actorKeyId, from: cur.state, to,
        effectiveDate: next.effectiveDate, retireDate: next.retireDate, note,
      });
      await store.run('COMMIT', undefined, conn);
    } catch (e) {
      await store.run('ROLLBACK', undefined, conn).catch(() => undefined);
      throw e;
    } finally {
      conn.closeSync();
    }
    return next;
  });
}
