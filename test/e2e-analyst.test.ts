/**
 * The analyst's page in chromium against the real server: recompute with another walking radius,
 * follow its progress, get a new run with a different zone count, compare it, export it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, waitForExpression, presetApiKey, renderedCounts, screenshot, waitForIdle, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { api, startTestServer, type TestServer } from './e2e/server.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-analyst.test.ts');

interface RunBody {
  runId: number | string;
  status: string;
  stats?: { zones?: number; summary?: { zones: number } } | null;
  summary?: { zones: number } | null;
}

/** A run's zone count, whether the server nests it under `summary` or not. */
function zoneCount(run: RunBody): number {
  const n = run.summary?.zones ?? run.stats?.summary?.zones ?? run.stats?.zones;
  if (typeof n !== 'number') throw new Error(`run ${run.runId} has no zone count: ${JSON.stringify(run.stats)}`);
  return n;
}

describe.skipIf(!HAVE_CHROMIUM)('e2e: the analyst page', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let newRunId = '';

  beforeAll(async () => {
    server = await startTestServer();
    browser = await openBrowser();
    await presetApiKey(browser.page, server.keys.analyst);
    await browser.page.goto(server.url);
    await waitForMap(browser.page, { zones: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function runs(): Promise<RunBody[]> {
    const body = await api<{ runs: RunBody[] } | RunBody[]>(server.url, server.keys.analyst, '/api/runs');
    return Array.isArray(body) ? body : body.runs;
  }

  it('recomputes with a changed walking radius, shows progress, then the new run with another zone count', async () => {
    const { page } = browser;
    const before = await runs();
    const first = before.find((r) => String(r.runId) === server.firstRunId)!;
    // The form starts from the selected run's settings; change the radius and aim at a coverage share.
    expect(await page.locator('#rc-radius').inputValue()).toBe('150');
    await page.locator('#rc-radius').fill('400');
    await page.locator('input[name="target"][value="coverage"]').check();
    await page.locator('#rc-coverage').fill('80');
    const seen: number[] = [];
    await page.exposeFunction('__progressSeen', (v: number) => seen.push(v));
    await page.evaluate(`(() => {
      const bar = document.querySelector('#rc-progress');
      new MutationObserver(() => window.__progressSeen(Number(bar.value))).observe(bar, { attributes: true });
    })()`);
    await page.locator('#rc-submit').click();
    await expect.poll(() => page.getByTestId('recompute-progress').isVisible()).toBe(true);
    await expect.poll(() => page.locator('.progress-text').first().innerText(), { timeout: 120_000 }).toMatch(/^Done/);
    expect(await page.locator('#rc-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
    expect(seen.length).toBeGreaterThan(0);

    const after = await runs();
    expect(after.length).toBe(before.length + 1);
    const created = after.find((r) => !before.some((b) => b.runId === r.runId))!;
    newRunId = String(created.runId);
    expect(created.status).toBe('done');
    expect(zoneCount(created)).not.toBe(zoneCount(first));

    await waitForExpression(page, `document.body.dataset.zonesRun === ${JSON.stringify(newRunId)} && document.body.dataset.zones === 'ready'`);
    await waitForIdle(page);
    const selected = page.locator('.run-item.selected');
    expect(await selected.getAttribute('data-run-id')).toBe(newRunId);
    expect(await selected.innerText()).toContain(`${zoneCount(created)} zones`);
    expect((await renderedCounts(page, ['zones-circle']))['zones-circle']).toBeGreaterThan(0);
    await screenshot(page, 'analyst-new-run');
  }, 180_000);

  it('compares the new run with the first one: added, removed and kept zones in colour', async () => {
    const { page } = browser;
    await page.locator('#compare-select').selectOption(server.firstRunId!);
    await expect.poll(() => page.getByTestId('compare-summary').isVisible()).toBe(true);
    const text = await page.getByTestId('compare-summary').innerText();
    expect(text).toMatch(/added/);
    expect(text).toMatch(/Coverage/);
    await waitForIdle(page);
    const counts = await renderedCounts(page, ['compare-circle', 'zones-circle']);
    expect(counts['compare-circle']).toBeGreaterThan(0);
    expect(counts['zones-circle']).toBe(0);
    await screenshot(page, 'analyst-compare');
    await page.locator('#runs-section').scrollIntoViewIfNeeded();
    await screenshot(page, 'analyst-runs-panel');
    await page.getByRole('button', { name: 'Stop comparing' }).click();
    await expect.poll(async () => (await renderedCounts(page, ['zones-circle']))['zones-circle']).toBeGreaterThan(0);
  });

  it('exports the zones of the selected run as GeoJSON', async () => {
    const { page } = browser;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.export-button[data-format="geojson"]').click()]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const body = JSON.parse(readFileSync(file, 'utf8')) as { type: string; features: unknown[] };
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.length).toBeGreaterThan(0);
  });

  it('recomputes with a candidate layer from a file: the run stores it and its zones stand only at its sites', async () => {
    const { page } = browser;
    const zones = await api<{ features: { properties: { center_lat: number; center_lng: number } }[] }>(server.url, server.keys.analyst, `/api/runs/${newRunId}/zones`);
    const sites = zones.features.slice(0, 4).map((f) => [f.properties.center_lng + 0.0001, f.properties.center_lat]);
    const layer = { type: 'FeatureCollection', features: sites.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } })) };
    const before = await runs();
    await page.locator('#rc-candidates').setInputFiles({ name: 'sites.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(layer)) });
    await page.locator('#rc-submit').click();
    await expect.poll(async () => (await runs()).length, { timeout: 60_000 }).toBe(before.length + 1);
    const created = (await runs()).find((r) => !before.some((b) => b.runId === r.runId))!;
    await expect.poll(async () => (await api<RunBody>(server.url, server.keys.analyst, `/api/runs/${created.runId}`)).status, { timeout: 120_000 }).toBe('done');
    const view = await api<{ params: { candidates: unknown } }>(server.url, server.keys.analyst, `/api/runs/${created.runId}`);
    expect(view.params.candidates).toEqual(layer);
    const ids = new Set(sites.map((c) => `site:${c[1]!.toFixed(6)},${c[0]!.toFixed(6)}`));
    const sited = await api<{ features: { properties: { zone_id: string } }[] }>(server.url, server.keys.analyst, `/api/runs/${created.runId}/zones`);
    expect(sited.features.length).toBeGreaterThan(0);
    for (const f of sited.features) expect(ids.has(f.properties.zone_id)).toBe(true);
  }, 180_000);

  it('never tried to reach anything but 127.0.0.1', () => {
    expect(browser.outsideRequests).toEqual([]);
  });
});
