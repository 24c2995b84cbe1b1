/**
 * The operator's page in chromium against the real server: only its own provider, an upload with
 * bad rows and the reject table, no recompute form. The server names a basemap style that cannot
 * be reached (as when the outside network is down): the page must fall back to its offline style.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity, writeTrips } from '../fixtures/index.ts';
import { chromiumAvailable, openBrowser, presetApiKey, renderedCounts, screenshot, waitForIdle, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { startTestServer, type TestServer } from './e2e/server.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-operator.test.ts');
const UNREACHABLE_STYLE = 'http://127.0.0.1:9/style.json';

describe.skipIf(!HAVE_CHROMIUM)('e2e: the operator page', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let dir = '';

  beforeAll(async () => {
    // Port 9 on 127.0.0.1: nothing listens there, so the style request fails like an unreachable host.
    server = await startTestServer({ firstRun: null, basemapStyleUrl: UNREACHABLE_STYLE });
    browser = await openBrowser();
    dir = mkdtempSync(path.join(tmpdir(), 'parkzones-e2e-upload-'));
    await presetApiKey(browser.page, server.keys.operator);
    await browser.page.goto(server.url);
    await waitForMap(browser.page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to the built-in offline map when the configured basemap cannot be loaded', async () => {
    const { page } = browser;
    await expect.poll(() => page.locator('.message-notice').allInnerTexts(), { timeout: 20_000 }).toContainEqual(expect.stringContaining('built-in offline map'));
    await waitForIdle(page);
    expect(await page.evaluate('window.__map.getStyle().name')).toBe('parkzones offline');
    expect((await renderedCounts(page, ['demand-fill']))['demand-fill']).toBeGreaterThan(0);
  });

  it('shows the operator its own provider only, and no recompute form or runs', async () => {
    const { page } = browser;
    expect(await page.evaluate('document.body.dataset.demand')).toBe('ready');
    expect(await page.getByTestId('own-provider').innerText()).toContain(server.operatorProvider);
    expect(await page.locator('input[name="provider"][type="checkbox"]').count()).toBe(0);
    const text = await page.locator('body').innerText();
    for (const other of server.providers.filter((p) => p.id !== server.operatorProvider)) {
      expect(text).not.toContain(other.id);
      expect(text).not.toContain(other.name);
    }
    expect(await page.locator('#upload-form').isVisible()).toBe(true);
    expect(await page.locator('#recompute-form').count()).toBe(0);
    expect(await page.locator('#runs-section').isVisible()).toBe(false);
  });

  it('uploads a CSV export with bad rows and lists each rejected row with its reason', async () => {
    const { page } = browser;
    const city = generateCity({ trips: 900, seed: 23, defects: { lat_out_of_range: 0.02, zero_zero: 0.02, end_before_start: 0.02 } });
    const own = (function* () {
      for (const t of city.trips()) if (t.providerId === server.operatorProvider) yield t;
    })();
    const file = path.join(dir, 'operator-export.csv');
    await writeTrips(own, file, { format: 'csv' });
    await page.locator('#up-file').setInputFiles(file);
    await page.locator('#up-submit').click();
    await expect.poll(() => page.getByTestId('upload-progress').isVisible()).toBe(true);
    const table = page.getByTestId('rejects-table');
    await expect.poll(() => table.isVisible(), { timeout: 60_000 }).toBe(true);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    const firstRow = await rows.first().locator('td').allInnerTexts();
    expect(Number(firstRow[0])).toBeGreaterThan(0); // row number
    expect(firstRow[1]!.length).toBeGreaterThan(0); // field
    expect(firstRow[2]!.length).toBeGreaterThan(0); // reason
    const result = await page.getByTestId('upload-result').innerText();
    expect(result).toMatch(/trips stored/);
    expect(result).toMatch(/rejected/);
    await page.getByTestId('upload-result').scrollIntoViewIfNeeded();
    await screenshot(page, 'operator-upload-rejects');
  });

  it('never tried to reach anything but 127.0.0.1', () => {
    expect(browser.outsideRequests).toEqual([]);
  });
});
