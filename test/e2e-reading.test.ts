/**
 * Reading the map, in chromium against the real server (every request off 127.0.0.1 blocked): fixed colour
 * classes across a pan and a filter change, date pickers that know the data's range, an error banner that goes
 * when the error is fixed, the note where a planner's fine hexes are all below k, the zone table, the run list
 * that updates by itself, the phone layout, and axe-core on the signed-in page. One server, one browser.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, presetApiKey, screenshot, waitForIdle, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { api, startTestServer, waitForRun, type TestServer } from './e2e/server.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-reading.test.ts');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface DrawnHex {
  cell: string;
  trips: number;
  color: string;
}

/** The hexes drawn in view: id, trip ends and the colour MapLibre drew each with. */
async function drawnHexes(page: Page): Promise<DrawnHex[]> {
  return page.evaluate(`(() => {
    const seen = new Map();
    for (const f of window.__map.queryRenderedFeatures({ layers: ['demand-fill'] })) {
      const c = f.layer.paint['fill-color'];
      const cell = String(f.properties.cell ?? f.properties.h3);
      seen.set(cell, { cell, trips: Number(f.properties.trips), color: [c.r, c.g, c.b].map((v) => v.toFixed(3)).join(',') });
    }
    return [...seen.values()];
  })()`);
}

/** After a filter change (applied after a 250 ms pause): waits for the new demand to be drawn. */
async function settle(page: Page): Promise<void> {
  await new Promise((r) => setTimeout(r, 400));
  await waitForMap(page);
}

/** The legend's class labels and its unit. */
async function legendState(page: Page): Promise<{ labels: string[]; unit: string | null; res: string | null }> {
  return {
    labels: await page.locator('#legend .legend-scale li').allInnerTexts(),
    unit: await page.getByTestId('legend-unit').getAttribute('data-unit'),
    res: await page.locator('#legend .legend-scale').getAttribute('data-res'),
  };
}

/** Runs axe-core in the page (its source evaluated over DevTools: the page's CSP allows no inline script). */
async function axeFindings(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
}

describe.skipIf(!HAVE_CHROMIUM)('e2e: reading the map', () => {
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

  it('keeps the colour classes and a hex’s colour across a pan and a filter change; the legend names the unit', async () => {
    const { page } = browser;
    await presetApiKey(page, server.keys.planner);
    await page.goto(server.url);
    await waitForMap(page, { zones: true });
    await page.evaluate('window.__map.jumpTo({ zoom: 13.5 })');
    await waitForIdle(page);
    await expect.poll(async () => (await legendState(page)).res).toBe('10');
    const before = await legendState(page);
    expect(before.unit).toBe('trips');
    expect(await page.getByTestId('legend-unit').innerText()).toBe('Trip ends per hex');
    expect(before.labels.length).toBeGreaterThanOrEqual(4);
    const hexes = await drawnHexes(page);
    expect(hexes.length).toBeGreaterThan(10);
    await screenshot(page, 'reading-fixed-classes');

    await page.evaluate('window.__map.panBy([220, 140], { duration: 0 })');
    await waitForIdle(page);
    expect(await legendState(page)).toEqual(before);
    const panned = new Map((await drawnHexes(page)).map((x) => [x.cell, x]));
    const both = hexes.filter((x) => panned.has(x.cell));
    expect(both.length).toBeGreaterThan(5);
    for (const x of both) expect(panned.get(x.cell)).toEqual(x);

    // A filter change (one provider fewer): the classes stay, and a number keeps its colour.
    const colourOf = new Map([...hexes, ...panned.values()].map((x) => [x.trips, x.color]));
    const boxes = page.locator('#filter-providers input[name="provider"]');
    await boxes.nth(0).uncheck();
    await settle(page);
    expect(await legendState(page)).toEqual(before);
    const filtered = await drawnHexes(page);
    const sameTrips = filtered.filter((x) => colourOf.has(x.trips));
    expect(sameTrips.length).toBeGreaterThan(3);
    for (const x of sameTrips) expect(x.color, `${x.trips} trip ends`).toBe(colourOf.get(x.trips));
    await boxes.nth(0).check();
    await settle(page);
  });

  it('with a date range colours by trip ends per day, and the date pickers know the data’s range', async () => {
    const { page } = browser;
    const config = await api<{ dataRange: { from: string; to: string } }>(server.url, server.keys.planner, '/api/config');
    expect(await page.locator('#filter-from').getAttribute('min')).toBe(config.dataRange.from);
    expect(await page.locator('#filter-to').getAttribute('max')).toBe(config.dataRange.to);
    expect(await page.getByTestId('data-range').innerText()).toContain(`${config.dataRange.from} to ${config.dataRange.to}`);
    await page.locator('#filter-from').fill(config.dataRange.from);
    await page.locator('#filter-to').fill(config.dataRange.to);
    await page.locator('#filter-to').dispatchEvent('change');
    await expect.poll(() => page.getByTestId('legend-unit').getAttribute('data-unit'), { timeout: 20_000 }).toBe('perDay');
    await waitForMap(page);
    expect(await page.getByTestId('legend-unit').innerText()).toBe('Trip ends per day per hex');
    expect(await page.locator('#legend .legend-scale li').first().innerText()).toMatch(/^< [\d.]+$/);
    await screenshot(page, 'reading-per-day');
    await page.locator('#filter-from').fill('');
    await page.locator('#filter-to').fill('');
    await page.locator('#filter-to').dispatchEvent('change');
    await expect.poll(() => page.getByTestId('legend-unit').getAttribute('data-unit'), { timeout: 20_000 }).toBe('trips');
    await waitForMap(page);
  });

  it('takes an error banner away once the same thing works again', async () => {
    const { page } = browser;
    const cells = (url: URL) => url.pathname === '/api/cells';
    await page.route(cells, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Store busy', status: 503 }) }));
    await page.locator('#filter-days').selectOption('weekday');
    const banner = page.locator('#messages .message-error', { hasText: 'Loading demand failed' });
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(1);
    await screenshot(page, 'reading-error-banner');
    await page.unroute(cells);
    await page.locator('#filter-days').selectOption('all');
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(0);
    await waitForMap(page);
  });

  it('says so where a planner’s fine hexes are all below k', async () => {
    const { page } = browser;
    const note = page.locator('#map-empty');
    expect(await note.isVisible()).toBe(false);
    // Hexes the admin sees at res 11 that the planner does not: below k.
    type Cells = { features: { properties: { cell: string; lat: number; lng: number } }[] };
    const all = await api<Cells>(server.url, server.keys.admin, '/api/cells?res=11');
    const shown = new Set((await api<Cells>(server.url, server.keys.planner, '/api/cells?res=11')).features.map((f) => f.properties.cell));
    const hidden = all.features.filter((f) => !shown.has(f.properties.cell));
    expect(hidden.length).toBeGreaterThan(0);
    await page.locator('#filter-res').selectOption('11');
    await settle(page);
    let found = false;
    for (const f of hidden.slice(0, 40)) {
      await page.evaluate(`window.__map.jumpTo({ center: [${f.properties.lng}, ${f.properties.lat}], zoom: 19 })`);
      await waitForMap(page);
      if ((await drawnHexes(page)).length > 0) continue;
      found = true;
      await expect.poll(() => note.isVisible()).toBe(true);
      expect(await note.innerText()).toContain('cells with fewer than 3 trip ends are hidden');
      await screenshot(page, 'reading-below-k-note');
      break;
    }
    expect(found, 'a view whose only hexes are below k').toBe(true);
    await page.locator('#filter-res').selectOption('');
    await page.evaluate('window.__map.jumpTo({ zoom: 13 })');
    await settle(page);
  });

  it('lists the run’s zones in a table that sorts by keyboard and flies to a zone', async () => {
    const { page } = browser;
    const table = page.getByTestId('zone-table');
    const zonesGeo = await api<{ features: { properties: { zone_id: string | number; rank: number; capacity: number; center_lat: number; center_lng: number; median_walk_m: number | null } }[] }>(
      server.url, server.keys.planner, `/api/runs/${server.firstRunId}/zones`,
    );
    await expect.poll(() => table.locator('tbody tr').count()).toBe(zonesGeo.features.length);
    const ranks = async () => (await table.locator('tbody th').allInnerTexts()).map((t) => Number(t.replace('#', '')));
    expect(await ranks()).toEqual([...zonesGeo.features].map((f) => f.properties.rank).sort((a, b) => a - b));
    // The walk column holds each zone's own median walk (metres, as the zones GeoJSON carries it), not the run's.
    const walks = async () => (await table.locator('tbody td:nth-child(4)').allInnerTexts()).map((t) => Number(t.replace(/ m$/, '')));
    const byRank = [...zonesGeo.features].sort((a, b) => a.properties.rank - b.properties.rank);
    expect(byRank.every((f) => typeof f.properties.median_walk_m === 'number')).toBe(true);
    expect(await walks()).toEqual(byRank.map((f) => Math.round(f.properties.median_walk_m!)));
    expect(new Set(await walks()).size).toBeGreaterThan(1);
    expect(await page.getByTestId('zone-table-walk').count()).toBe(0); // no "whole run" note: the zones have their own
    await table.locator('th button[data-sort="median_walk_m"]').click();
    await expect.poll(() => table.locator('th[aria-sort="ascending"]').innerText()).toContain('Median walk');
    const ascending = await walks();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    // Keyboard: focus the "Slots" header button and press Enter, then again to flip the order.
    const slots = table.locator('th button[data-sort="capacity"]');
    await slots.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => table.locator('th[aria-sort="descending"]').innerText()).toContain('Slots');
    const caps = async () => (await table.locator('tbody td:nth-child(2)').allInnerTexts()).map((t) => Number(t.replace(/,/g, '')));
    const desc = await caps();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.keyboard.press('Enter');
    await expect.poll(() => table.locator('th[aria-sort="ascending"]').innerText()).toContain('Slots');
    expect(await caps()).toEqual([...desc].sort((a, b) => a - b));
    // Tab to the first row's button and press Enter: the map flies to that zone and shows its card.
    for (let i = 0; i < 6 && !(await page.evaluate('Boolean(document.activeElement.closest("tbody"))')); i++) await page.keyboard.press('Tab');
    const focused = await page.evaluate('document.activeElement.closest("tr")?.dataset.zoneId ?? null');
    expect(focused).toBe(await table.locator('tbody tr').first().getAttribute('data-zone-id'));
    await page.keyboard.press('Enter');
    const zone = zonesGeo.features.find((f) => String(f.properties.zone_id) === focused)!.properties;
    await expect.poll(() => page.locator('#details').getAttribute('data-showing')).toBe(`zone:${zone.zone_id}`);
    await expect
      .poll(async () => page.evaluate(`(() => { const c = window.__map.getCenter(); return Math.hypot(c.lng - ${zone.center_lng}, c.lat - ${zone.center_lat}) < 1e-4 && !window.__map.isMoving(); })()`), { timeout: 20_000 })
      .toBe(true);
    expect(await page.evaluate('window.__map.getZoom()')).toBeGreaterThanOrEqual(15);
    await waitForIdle(page);
    await screenshot(page, 'reading-zone-table');
    await page.locator('#details .card-close').click();
  });

  it('shows a run made through the API in the run list, and its end, without a reload', async () => {
    const { page } = browser;
    const navigations = await page.evaluate("performance.getEntriesByType('navigation').length");
    const started = await api<{ runId: number | string }>(server.url, server.keys.admin, '/api/runs', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ k: 5, walkRadiusM: 200, name: 'Made elsewhere' }),
    });
    const item = page.locator(`.run-item[data-run-id="${started.runId}"]`);
    await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
    await waitForRun(server.url, server.keys.admin, String(started.runId));
    await expect.poll(() => item.getAttribute('class'), { timeout: 20_000 }).toContain('status-done');
    expect(await item.innerText()).toContain('Made elsewhere');
    expect(await page.evaluate("performance.getEntriesByType('navigation').length")).toBe(navigations);
    await screenshot(page, 'reading-live-run-list');
  });

  it('has no serious or critical axe-core findings on the signed-in page', async () => {
    const { page } = browser;
    expect(await axeFindings(page)).toEqual([]);
  });

  it('at 390 × 844 keeps most of the screen for the map, with the legend and details folded', async () => {
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await presetApiKey(phone, server.keys.planner);
      await phone.goto(server.url);
      await waitForMap(phone, { zones: true });
      const mapBox = (await phone.locator('#map').boundingBox())!;
      expect(mapBox.height).toBeGreaterThanOrEqual(0.6 * 844);
      expect(mapBox.width).toBe(390);
      const legend = phone.locator('#legend');
      expect(await phone.locator('#legend-toggle').getAttribute('aria-expanded')).toBe('false');
      expect(await phone.locator('#legend-body').isVisible()).toBe(false);
      expect((await legend.boundingBox())!.height).toBeLessThan(50);
      // A zone's card opens folded to its title and capacity, at the map's foot; a button unfolds it.
      await phone.locator('[data-testid="zone-table"] tbody tr button').first().click();
      const card = phone.locator('#details');
      await expect.poll(() => card.isVisible()).toBe(true);
      await waitForIdle(phone);
      const folded = (await card.boundingBox())!;
      expect(folded.height).toBeLessThan(130);
      expect(folded.y + folded.height).toBeLessThanOrEqual(mapBox.y + mapBox.height);
      expect(await card.locator('svg.chart-profile').isVisible()).toBe(false);
      await screenshot(phone, 'reading-phone');
      await card.locator('.card-fold').click();
      await expect.poll(() => card.locator('svg.chart-profile').isVisible()).toBe(true);
      await screenshot(phone, 'reading-phone-details');
      await card.locator('.card-close').click();
      await phone.locator('#legend-toggle').click();
      await expect.poll(() => phone.locator('#legend-body').isVisible()).toBe(true);
      await screenshot(phone, 'reading-phone-unfolded');
      expect(await axeFindings(phone)).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('never tried to reach anything but 127.0.0.1', () => {
    expect(browser.outsideRequests).toEqual([]);
  });
});
