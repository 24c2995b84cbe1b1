import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getPublication, listPublications, publicationHistory, publicationInForce, transitionRun } from '../engine/publish/index.ts';
import { isParkzonesError, type ErrorCode } from '../engine/errors.ts';
import { openStore, type Store } from '../engine/store/open-store.ts';
import { tempStore } from './helpers/temp-store.ts';

let ctx: Awaited<ReturnType<typeof tempStore>>;
const admin = { role: 'admin' as const, keyId: 'k-admin' };
const planner = { role: 'planner' as const, keyId: 'k-planner' };
const operator = { role: 'operator' as const, keyId: 'k-op' };
const JUN = Date.UTC(2026, 5, 1);
const JUL = Date.UTC(2026, 6, 1);

async function addRun(store: Store, runId: number, status = 'done'): Promise<void> {
  await store.run(`INSERT INTO runs VALUES ($id, now(), '{}', '{}', $status, 1, NULL, NULL, NULL)`, { id: runId, status });
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  const e = await p.catch((x: unknown) => x);
  expect(isParkzonesError(e, code), String(e)).toBe(true);
  expect((e as Error).message).toMatch(message);
}

beforeEach(async () => {
  ctx = await tempStore();
  for (const id of [1, 2, 3]) await addRun(ctx.store, id);
  await addRun(ctx.store, 4, 'running');
});
afterEach(() => ctx.cleanup());

describe('plan lifecycle', () => {
  it('a run never proposed is a draft', async () => {
    expect(await getPublication(ctx.store, 1)).toMatchObject({ runId: 1, state: 'draft', effectiveDate: null, prevRunId: null });
  });

  it('moves draft → proposed → published → retired, keeping dates', async () => {
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner, nowMs: JUN });
    const pub = await transitionRun(ctx.store, 1, 'published', { actor: admin, effectiveMs: JUN + 86_400_000, nowMs: JUN + 3600_000 });
    expect(pub).toMatchObject({ state: 'published', effectiveDate: '2026-06-02T00:00:00.000Z', publishedAt: '2026-06-01T01:00:00.000Z', requiredParking: true });
    const ret = await transitionRun(ctx.store, 1, 'retired', { actor: admin, retireMs: JUL, nowMs: JUN + 7200_000 });
    expect(ret).toMatchObject({ state: 'retired', retireDate: '2026-07-01T00:00:00.000Z' });
    expect(await getPublication(ctx.store, 1)).toEqual(ret);
  });

  it('keeps the history: who (role and key), when, from and to', async () => {
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner, nowMs: JUN });
    await transitionRun(ctx.store, 1, 'draft', { actor: planner, nowMs: JUN + 1000, note: 'operators asked for changes' });
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner, nowMs: JUN + 2000 });
    await transitionRun(ctx.store, 1, 'published', { actor: admin, effectiveMs: JUN + 3000, nowMs: JUN + 3000 });
    const h = await publicationHistory(ctx.store, 1);
    expect(h.map((e) => [e.from, e.to, e.actorRole, e.actorKeyId])).toEqual([
      ['draft', 'proposed', 'planner', 'k-planner'],
      ['proposed', 'draft', 'planner', 'k-planner'],
      ['draft', 'proposed', 'planner', 'k-planner'],
      ['proposed', 'published', 'admin', 'k-admin'],
    ]);
    expect(h[1]!.note).toBe('operators asked for changes');
    expect(h.map((e) => e.at)).toEqual([0, 1000, 2000, 3000].map((d) => new Date(JUN + d).toISOString()));
    expect(h[3]!.effectiveDate).toBe(new Date(JUN + 3000).toISOString());
  });

  it('refuses moves the lifecycle does not allow, naming the allowed ones', async () => {
    await expectCode(transitionRun(ctx.store, 1, 'published', { actor: admin }), 'CONFLICT', /run 1 is draft; it can move to proposed, not published/);
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner });
    await expectCode(transitionRun(ctx.store, 1, 'retired', { actor: admin }), 'CONFLICT', /proposed; it can move to draft or published, not retired/);
    expect(await publicationHistory(ctx.store, 1)).toHaveLength(1);
  });

  it('only admins publish and retire; planners propose; operators move nothing', async () => {
    await expectCode(transitionRun(ctx.store, 1, 'proposed', { actor: operator }), 'FORBIDDEN', /role operator may not move a plan from draft to proposed/);
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner });
    await expectCode(transitionRun(ctx.store, 1, 'published', { actor: planner }), 'FORBIDDEN', /role planner may not move a plan from proposed to published/);
    await expectCode(transitionRun(ctx.store, 1, 'published', { actor: { role: 'analyst', keyId: 'a' } }), 'FORBIDDEN', /analyst/);
    await transitionRun(ctx.store, 1, 'published', { actor: admin });
    await expectCode(transitionRun(ctx.store, 1, 'retired', { actor: planner }), 'FORBIDDEN', /published to retired/);
  });

  it('a run still computing cannot be a plan; an unknown run is not found', async () => {
    await expectCode(transitionRun(ctx.store, 4, 'proposed', { actor: planner }), 'CONFLICT', /run 4 is running/);
    await expectCode(transitionRun(ctx.store, 99, 'proposed', { actor: planner }), 'NOT_FOUND', /no run 99/);
  });

  it('a retire date must come after the effective date', async () => {
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner });
    await transitionRun(ctx.store, 1, 'published', { actor: admin, effectiveMs: JUL });
    await expectCode(transitionRun(ctx.store, 1, 'retired', { actor: admin, retireMs: JUN }), 'BAD_OPTION', /retireDate: must be after the effective date 2026-07-01/);
  });

  it('a new publication names the one it replaces and retires it at its own effective date', async () => {
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner });
    await transitionRun(ctx.store, 1, 'published', { actor: admin, effectiveMs: JUN });
    await transitionRun(ctx.store, 2, 'proposed', { actor: planner });
    const second = await transitionRun(ctx.store, 2, 'published', { actor: admin, effectiveMs: JUL, nowMs: JUL - 1000 });
    expect(second.prevRunId).toBe(1);
    expect(await getPublication(ctx.store, 1)).toMatchObject({ state: 'retired', retireDate: new Date(JUL).toISOString() });
    expect((await publicationInForce(ctx.store, JUL - 1))?.runId).toBe(1);
    expect((await publicationInForce(ctx.store, JUL))?.runId).toBe(2);
    expect(await publicationInForce(ctx.store, JUN - 1)).toBeNull();
    expect((await publicationHistory(ctx.store, 1)).at(-1)).toMatchObject({ from: 'published', to: 'retired', note: 'replaced by run 2' });
  });

  it('lists publications by state; drafts are not stored', async () => {
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner });
    await transitionRun(ctx.store, 2, 'proposed', { actor: planner });
    await transitionRun(ctx.store, 2, 'published', { actor: admin, effectiveMs: JUN });
    expect((await listPublications(ctx.store)).map((p) => [p.runId, p.state])).toEqual([[2, 'published'], [1, 'proposed']]);
    expect((await listPublications(ctx.store, ['proposed'])).map((p) => p.runId)).toEqual([1]);
    await expectCode(listPublications(ctx.store, ['bogus' as never]), 'BAD_OPTION', /unknown state "bogus"/);
  });

  it('survives reopening the store file', async () => {
    await transitionRun(ctx.store, 1, 'proposed', { actor: planner });
    ctx.store.close();
    const again = await openStore({ path: ctx.file });
    try {
      expect((await getPublication(again, 1)).state).toBe('proposed');
    } finally {
      again.close();
    }
  });
});
