/**
 * Plans in chromium against the real server: a planner moves, deletes and adds zones and draws an area to avoid;
 * the plan is stored with its edits and parent and its figures recomputed; an analyst recomputes from it and the
 * new zones avoid the area; the compare view draws the moves; an operator's grouped reject report and its CSV.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { chromiumAvailable, openBrowser, presetApiKey, renderedCounts, waitForExpression, waitForIdle, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { api, startTestServer, waitForRun, type TestServer } from './e2e/server.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-plans.test.ts');

interface Zone { zone_id: string; center_lat: number; center_lng: number; capacity: number; covered_trips: number }
interface Run { runId: number; name: string | null; kind: string; parentRunId: number | null; edits: { op: string }[] | null; params: { exclude: { features: { geometry: { coordinates: number[][][] } }[] } | null }; stats: { summary: { coveredShare: number; totalSlots: number; zones: number } } }

async function zonesOf(server: TestServer, runId: number | string): Promise<Zone[]> {
  const fc = await api<{ features: { properties: Zone }[] }>(server.url, server.keys.admin, `/api/runs/${runId}/zones`);
  return fc.features.map((f) => f.properties);
}

/** Screen position of a point on the page's map. */
async function project(page: Page, lng: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(`(() => {
    const map = window.__map;
    const p = map.project([${lng}, ${lat}]);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  })()`);
}

/** True when no plan marker lies within `px` of a screen point. */
async function clearOfMarkers(page: Page, x: number, y: number, px: number): Promise<boolean> {
  return page.evaluate(`[...document.querySelectorAll('.plan-marker')].every((el) => {
    const r = el.getBoundingClientRect();
    return Math.hypot(r.left + r.width / 2 - ${x}, r.top + r.height / 2 - ${y}) > ${px};
  })`);
}

function inside(ring: number[][], lng: number, lat: number): boolean {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > lat !== yj! > lat && lng < ((xj! - xi!) * (lat - yi!)) / (yj! - yi!) + xi!) hit = !hit;
  }
  return hit;
}

describe.skipIf(!HAVE_CHROMIUM)('e2e: plans', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let parent: Zone[];
  let plan: Run;

  beforeAll(async () => {
    server = await startTestServer();
    parent = await zonesOf(server, server.firstRunId!);
    browser = await openBrowser();
    await presetApiKey(browser.page, server.keys.planner);
    await browser.page.goto(server.url);
    await waitForMap(browser.page, { zones: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a planner moves, deletes and adds a zone and draws an area to avoid; the plan is stored with its edits and parent, its figures recomputed', async () => {
    const { page } = browser;
    await page.locator('#plan-edit').click();
    await expect.poll(() => page.locator('.plan-marker').count()).toBe(parent.length);
    const [first, second, third] = parent as [Zone, Zone, Zone];

    // Delete the third.
    await page.locator(`.plan-marker[data-zone-id="${third.zone_id}"]`).click();
    await page.locator('#plan-delete').click();
    await expect.poll(() => page.locator('.plan-marker').count()).toBe(parent.length - 1);

    // Add one where no zone is.
    await page.locator('#plan-mode-add').click();
    const c = await project(page, first.center_lng, first.center_lat);
    let spot: { x: number; y: number } | null = null;
    for (const [dx, dy] of [[0, 90], [0, -90], [90, 0], [-90, 0], [120, 120], [-120, -120]] as const) {
      if (await clearOfMarkers(page, c.x + dx, c.y + dy, 40)) {
        spot = { x: c.x + dx, y: c.y + dy };
        break;
      }
    }
    expect(spot).not.toBeNull();
    await page.mouse.click(spot!.x, spot!.y);
    await expect.poll(() => page.locator('.plan-marker.added').count()).toBe(1);
    await page.locator('#plan-capacity').fill('9');
    await page.locator('#plan-capacity').dispatchEvent('change');

    // An area around the first zone (clicks around its marker, not on it).
    await page.locator('#plan-mode-area').click();
    for (const [dx, dy] of [[-30, -30], [30, -30], [30, 30], [-30, 30]] as const) await page.mouse.click(c.x + dx, c.y + dy);
    await page.locator('#plan-area-finish').click();
    await waitForIdle(page);
    expect((await renderedCounts(page, ['plan-areas-fill']))['plan-areas-fill']).toBeGreaterThan(0);

    // Move the second zone a few dozen metres east (close up, so that the comparison counts it as moved).
    await page.locator('#plan-mode-move').click();
    await page.evaluate(`window.__map.jumpTo({ center: [${second.center_lng}, ${second.center_lat}], zoom: 16 })`);
    await waitForIdle(page);
    const m2 = page.locator(`.plan-marker[data-zone-id="${second.zone_id}"]`);
    const box = (await m2.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();

    await page.locator('#plan-name').fill('E2E plan');
    const before = await api<{ runs: Run[] }>(server.url, server.keys.planner, '/api/runs');
    await page.locator('#plan-save').click();
    await expect.poll(async () => (await api<{ runs: Run[] }>(server.url, server.keys.planner, '/api/runs')).runs.length, { timeout: 30_000 }).toBe(before.runs.length + 1);
    plan = (await api<{ runs: Run[] }>(server.url, server.keys.admin, '/api/runs')).runs[0]!;
    plan = await api<Run>(server.url, server.keys.admin, `/api/runs/${plan.runId}`);
    expect(plan).toMatchObject({ name: 'E2E plan', kind: 'plan', parentRunId: Number(server.firstRunId) });
    expect(plan.edits!.map((e) => e.op).sort()).toEqual(['add', 'delete', 'move']);
    expect(plan.params.exclude!.features).toHaveLength(1);

    const zones = await zonesOf(server, plan.runId);
    expect(zones.find((z) => z.zone_id === third.zone_id)).toBeUndefined();
    const moved = zones.find((z) => z.zone_id === second.zone_id)!;
    expect(moved.center_lng).toBeGreaterThan(second.center_lng);
    expect(zones.find((z) => z.zone_id === 'add-1')!.capacity).toBe(9);
    expect(plan.stats.summary.zones).toBe(parent.length);
    expect(plan.stats.summary.totalSlots).toBe(zones.reduce((n, z) => n + z.capacity, 0));
    const parentRun = await api<Run>(server.url, server.keys.admin, `/api/runs/${server.firstRunId}`);
    expect(plan.stats.summary.coveredShare).not.toBe(parentRun.stats.summary.coveredShare);

    // The page shows the new plan, with its name, parent and recomputed figures, and its area.
    await waitForExpression(page, `document.body.dataset.zonesRun === ${JSON.stringify(String(plan.runId))} && document.body.dataset.zones === 'ready'`);
    const item = page.locator('.run-item.selected');
    expect(await item.innerText()).toContain('E2E plan');
    expect(await item.innerText()).toContain(`plan of run ${server.firstRunId}`);
    expect(await page.locator('#plan-figures').innerText()).toContain(`${plan.stats.summary.totalSlots} slots`);
    await waitForIdle(page);
    expect((await renderedCounts(page, ['plan-areas-fill']))['plan-areas-fill']).toBeGreaterThan(0);
  }, 120_000);

  it('the compare view draws each move as a line with an arrowhead, above the circles', async () => {
    const { page } = browser;
    await page.locator('#compare-select').selectOption(String(server.firstRunId));
    await waitForExpression(page, "document.body.dataset.compare === 'ready'");
    await waitForIdle(page);
    const counts = await renderedCounts(page, ['compare-moves', 'compare-move-arrows', 'compare-circle']);
    expect(counts['compare-moves']).toBeGreaterThanOrEqual(1);
    expect(counts['compare-move-arrows']).toBeGreaterThanOrEqual(1);
    const order: string[] = await page.evaluate(`window.__map.getStyle().layers.map((l) => l.id)`);
    expect(order.indexOf('compare-moves')).toBeGreaterThan(order.indexOf('compare-circle'));
    expect(order.indexOf('compare-move-arrows')).toBeGreaterThan(order.indexOf('compare-circle'));
    expect(await page.getByTestId('compare-summary').innerText()).toMatch(/1\s*moved/);
  });

  it('the city marks the plan current and the page opens on it; an analyst recomputes from it and the new zones avoid the area', async () => {
    await api(server.url, server.keys.planner, `/api/runs/${plan.runId}/current`, { method: 'PUT' });
    // A run made after the plan: the page still opens on the plan.
    const later = await api<{ runId: number }>(server.url, server.keys.analyst, '/api/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ k: 3, walkRadiusM: 150 }) });
    await waitForRun(server.url, server.keys.analyst, String(later.runId));
    const page = await browser.context.newPage();
    await presetApiKey(page, server.keys.analyst);
    await page.goto(server.url);
    await waitForMap(page, { zones: true });
    expect(await page.locator('.run-item.selected').getAttribute('data-run-id')).toBe(String(plan.runId));
    await page.locator('#plan-recompute').click();
    await expect.poll(async () => (await api<{ runs: Run[] }>(server.url, server.keys.analyst, '/api/runs')).runs[0]!.parentRunId, { timeout: 30_000 }).toBe(plan.runId);
    const re = (await api<{ runs: Run[] }>(server.url, server.keys.analyst, '/api/runs')).runs[0]!;
    await waitForRun(server.url, server.keys.analyst, String(re.runId));
    const ring = plan.params.exclude!.features[0]!.geometry.coordinates[0]!;
    const first = parent[0]!;
    expect(inside(ring, first.center_lng, first.center_lat)).toBe(true); // the parent had a zone in the area …
    const fresh = await zonesOf(server, re.runId);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.filter((z) => inside(ring, z.center_lng, z.center_lat))).toEqual([]); // … the recompute has none
    await page.close();
  }, 120_000);

  it("an operator sees its rejects grouped by reason with counts and a few rows, and downloads them all as CSV", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parkzones-e2e-plans-'));
    const page = await browser.context.newPage();
    try {
      await presetApiKey(page, server.keys.operator);
      await page.goto(server.url);
      await waitForMap(page);
      const city = generateCity({ trips: 900, seed: 29, defects: { lat_out_of_range: 0.02, zero_zero: 0.02, end_before_start: 0.02 } });
      const own = (function* () {
        for (const t of city.trips()) if (t.providerId === server.operatorProvider) yield t;
      })();
      const file = path.join(dir, 'export.csv');
      await writeTrips(own, file, { format: 'csv' });
      await page.locator('#up-file').setInputFiles(file);
      await page.locator('#up-submit').click();
      const groups = page.locator('[data-testid="reject-groups"] .reject-group');
      await expect.poll(() => groups.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
      const uploads = await api<{ uploads: { uploadId: number; rowsRejected: number }[] }>(server.url, server.keys.operator, '/api/uploads');
      const up = uploads.uploads[0]!;
      const counts = (await page.locator('[data-testid="reject-groups"] .reject-count').allInnerTexts()).map((t) => Number(t.replace(/\D/g, '')));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(up.rowsRejected);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(await groups.first().locator('tr').count()).toBeLessThanOrEqual(3);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#rejects-csv').click()]);
      const saved = path.join(dir, 'rejects.csv');
      await download.saveAs(saved);
      const lines = readFileSync(saved, 'utf8').trimEnd().split('\r\n');
      expect(lines[0]).toBe('upload_id,row_number,field,reason');
      expect(lines).toHaveLength(up.rowsRejected + 1);
    } finally {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('never tried to reach anything but 127.0.0.1', () => {
    expect(browser.outsideRequests).toEqual([]);
  });
});
