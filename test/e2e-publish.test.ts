/**
 * The publication panel in chromium against the real server: an admin proposes a plan to the operators and publishes
 * it on the page, and the public MDS Geography feed (no key) then lists the plan's zones, in force from the date
 * chosen on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneGeographyId } from '../engine/export/index.ts';
import { chromiumAvailable, openBrowser, presetApiKey, screenshot, waitForExpression, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { api, startTestServer, type TestServer } from './e2e/server.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-publish.test.ts');

interface Geographies { geographies: { geography_id: string; effective_date: number; published_date: number }[] }

/** GET /mds/geographies as the public reads it: no key. */
async function publicGeographies(url: string): Promise<Geographies> {
  const res = await fetch(`${url}/mds/geographies`);
  expect(res.status).toBe(200);
  return (await res.json()) as Geographies;
}

describe.skipIf(!HAVE_CHROMIUM)('publishing a plan on the page', () => {
  let server: TestServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await openBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin proposes and publishes a plan; /mds/geographies then lists its zones from the chosen date', async () => {
    // A plan of the first run (one zone fewer): the newest done run, so the page opens on it.
    const parent = await api<{ features: { properties: { zone_id: string } }[] }>(server.url, server.keys.admin, `/api/runs/${server.firstRunId}/zones`);
    const plan = await api<{ runId: number }>(server.url, server.keys.planner, `/api/runs/${server.firstRunId}/plans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Published by the page', edits: [{ op: 'delete', zone_id: parent.features.at(-1)!.properties.zone_id }] }),
    });
    const planZones = (await api<{ features: { properties: { zone_id: string } }[] }>(server.url, server.keys.admin, `/api/runs/${plan.runId}/zones`)).features.map((f) => f.properties.zone_id);
    expect(planZones.length).toBe(parent.features.length - 1);
    expect((await publicGeographies(server.url)).geographies).toEqual([]); // nothing published yet

    const { page } = browser;
    await presetApiKey(page, server.keys.admin);
    await page.goto(server.url);
    await waitForMap(page, { zones: true });
    expect(await page.evaluate('document.body.dataset.zonesRun')).toBe(String(plan.runId));
    const state = page.locator('#publish-body [data-state]');
    await expect.poll(() => state.getAttribute('data-state')).toBe('draft');
    await expect.poll(() => page.locator('#publish-body .summary-line').innerText()).toContain(`Run ${plan.runId}`);

    await page.locator('#publish-body button[data-move="proposed"]').click();
    await expect.poll(() => state.getAttribute('data-state')).toBe('proposed');
    expect((await publicGeographies(server.url)).geographies).toEqual([]); // proposed is not public

    const effective = '2026-06-08';
    await page.locator('#publish-date').fill(effective);
    await page.locator('#publish-body button[data-move="published"]').click();
    await expect.poll(() => state.getAttribute('data-state')).toBe('published');
    await expect.poll(() => page.locator('#publish-body .summary-line').innerText()).toContain(`in force from ${effective}`);
    await expect.poll(() => page.locator('#publish-body .publish-history li').count()).toBe(2);
    await waitForExpression(page, "document.querySelector('#compliance-chart')?.childElementCount > 0");
    await screenshot(page, 'publish-panel-published');

    // The public feed, without a key: one stop geography per zone of the plan, in force from the date picked.
    const feed = await publicGeographies(server.url);
    const ids = new Set(feed.geographies.map((g) => g.geography_id));
    for (const zoneId of planZones) expect(ids.has(zoneGeographyId(plan.runId, zoneId)), zoneId).toBe(true);
    expect(ids.has(zoneGeographyId(plan.runId, parent.features.at(-1)!.properties.zone_id))).toBe(false); // the deleted zone
    const ofPlan = feed.geographies.filter((g) => planZones.some((z) => zoneGeographyId(plan.runId, z) === g.geography_id));
    for (const g of ofPlan) expect(g.effective_date).toBe(Date.parse(`${effective}T00:00:00Z`));
    expect(browser.outsideRequests).toEqual([]);
  }, 180_000);
});
