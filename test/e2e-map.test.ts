/**
 * The planner's page in chromium against the real server: sign-in, demand hexes and zones on the
 * map, zone and hex details, and what a planner may not see. No request may leave 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, waitForExpression, renderedCounts, screenshot, waitForIdle, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { api, startTestServer, type TestServer } from './e2e/server.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-map.test.ts');
const TZ = 'America/Kentucky/Louisville';

describe.skipIf(!HAVE_CHROMIUM)('e2e: the planner page', () => {
  let server: TestServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startTestServer({ tz: TZ });
    browser = await openBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Screen point of the zone circle nearest the map's centre, and its capacity. */
  async function zoneNearCentre(): Promise<{ x: number; y: number; capacity: number; zoneId: string }> {
    const box = (await browser.page.locator('#map').boundingBox())!;
    const hit = (await browser.page.evaluate(`(() => {
      const map = window.__map;
      const c = map.project(map.getCenter());
      const zones = map.queryRenderedFeatures({ layers: ['zones-circle'] }).map((f) => {
        const p = map.project(f.geometry.coordinates);
        return { x: p.x, y: p.y, d: Math.hypot(p.x - c.x, p.y - c.y), capacity: f.properties.capacity, zoneId: String(f.properties.zone_id) };
      });
      zones.sort((a, b) => a.d - b.d);
      return zones[0] ?? null;
    })()`)) as { x: number; y: number; capacity: number; zoneId: string } | null;
    expect(hit, 'a zone circle is rendered').not.toBeNull();
    return { ...hit!, x: box.x + hit!.x, y: box.y + hit!.y };
  }

  it('refuses a wrong API key with a readable message', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.locator('#api-key').fill('pzk_0000000000000000_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.locator('.signin-card .form-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.innerText()).toMatch(/key/i);
    // /api/config answers a bad key as no key (role null), and the page says so.
    expect(await error.innerText()).toContain('did not recognise this key');
  });

  it('signs in with an API key and draws demand hexes and the zones of the latest run', async () => {
    const { page } = browser;
    await page.locator('#api-key').fill(server.keys.planner);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForMap(page, { zones: true });
    expect(await page.evaluate('document.body.dataset.demand')).toBe('ready');
    expect(await page.evaluate('document.body.dataset.zonesRun')).toBe(server.firstRunId);
    const counts = await renderedCounts(page, ['demand-fill', 'zones-circle']);
    expect(counts['demand-fill']).toBeGreaterThan(20);
    expect(counts['zones-circle']).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#legend .legend-scale li').count()).toBeGreaterThan(1);
    await screenshot(page, 'map-planner');
    expect(browser.outsideRequests).toEqual([]);
  });

  it('draws zone footprints when zoomed in', async () => {
    const { page } = browser;
    await page.evaluate('window.__map.jumpTo({ zoom: 14.5 })');
    await waitForIdle(page);
    const counts = await renderedCounts(page, ['zones-fill', 'zones-circle']);
    expect(counts['zones-fill']).toBeGreaterThan(0);
    expect(await page.locator('.zone-label').count()).toBeGreaterThan(0);
    await screenshot(page, 'map-planner-zoomed');
    await page.evaluate('window.__map.jumpTo({ zoom: 14.5 - 2 })');
    await waitForIdle(page);
  });

  it('shows capacity and the 24-hour chart of a clicked zone', async () => {
    const { page } = browser;
    const zone = await zoneNearCentre();
    await page.mouse.click(zone.x, zone.y);
    const card = page.locator('#details');
    await expect.poll(() => card.isVisible()).toBe(true);
    expect(await card.getAttribute('data-kind')).toBe('zone');
    expect(await page.getByTestId('zone-capacity').innerText()).toContain(`${zone.capacity} parking slots`);
    expect(await card.locator('svg.chart-profile rect.bar').count()).toBe(24);
    expect(await card.innerText()).toMatch(/Covers[\s\S]*trip ends/);
    await screenshot(page, 'zone-details');
  });

  it('shows trips of a clicked hex', async () => {
    const { page } = browser;
    await page.locator('#details .card-close').click();
    const box = (await page.locator('#map').boundingBox())!;
    const hex = (await page.evaluate(`(() => {
      const map = window.__map;
      const zones = map.queryRenderedFeatures({ layers: ['zones-circle'] }).map((f) => map.project(f.geometry.coordinates));
      const w = map.getCanvas().clientWidth, h = map.getCanvas().clientHeight;
      for (const f of map.queryRenderedFeatures({ layers: ['demand-fill'] })) {
        const ring = f.geometry.coordinates[0];
        const lng = ring.slice(0, -1).reduce((s, p) => s + p[0], 0) / (ring.length - 1);
        const lat = ring.slice(0, -1).reduce((s, p) => s + p[1], 0) / (ring.length - 1);
        const p = map.project([lng, lat]);
        const clear = zones.every((z) => Math.hypot(z.x - p.x, z.y - p.y) > 40);
        if (clear && p.x > 300 && p.x < w - 380 && p.y > 60 && p.y < h - 60) return { x: p.x, y: p.y, trips: f.properties.trips };
      }
      return null;
    })()`)) as { x: number; y: number; trips: number } | null;
    expect(hex, 'a hex away from zones and overlays').not.toBeNull();
    await page.mouse.click(box.x + hex!.x, box.y + hex!.y);
    const card = page.locator('#details');
    await expect.poll(() => card.getAttribute('data-kind')).toBe('cell');
    expect(await card.innerText()).toContain(`${hex!.trips.toLocaleString('en')} trip ends`);
  });

  it('does not offer a planner the recompute or the upload form', async () => {
    const { page } = browser;
    expect(await page.locator('#recompute-form').count()).toBe(0);
    expect(await page.locator('#upload-form').count()).toBe(0);
    expect(await page.locator('#recompute-section').isVisible()).toBe(false);
    expect(await page.locator('#upload-section').isVisible()).toBe(false);
    expect(await page.locator('#runs-section').isVisible()).toBe(true);
  });

  it('says the hours of day are in the city time zone, and asks for demand in it', async () => {
    const { page } = browser;
    expect(await page.getByTestId('filter-tz').innerText()).toBe(`in ${TZ}`);
    expect(await page.locator('#legend .legend-sub').innerText()).toBe(`all dates · every day · all day (${TZ})`);
    const urls = (await page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")) as string[];
    const demandUrls = urls.filter((u) => u.includes('/api/cells') || u.includes('/api/tiles/'));
    expect(demandUrls.length).toBeGreaterThan(0);
    for (const u of demandUrls) expect(new URL(u).searchParams.get('tz'), u).toBe(TZ);
  });

  it('offers a planner a checkbox per provider, and filtering by one changes the trip-end total', async () => {
    const { page } = browser;
    const ids = server.providers.map((p) => p.id).sort();
    const boxes = page.locator('#filter-providers input[type="checkbox"][name="provider"]');
    await expect.poll(() => boxes.count()).toBe(ids.length);
    expect(await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(ids);
    // The panel's total is that of the coarse overview query the page makes (k-suppressed for a planner).
    const total = async (providers?: string) =>
      (await api<{ totalTrips: number }>(server.url, server.keys.planner, `/api/cells?res=7&tz=${encodeURIComponent(TZ)}${providers ? `&providers=${providers}` : ''}`)).totalTrips;
    const shown = page.locator('#demand-summary b');
    const all = await total();
    expect(await shown.innerText()).toBe(all.toLocaleString('en'));
    const one = await total(ids[0]);
    expect(one).toBeLessThan(all);
    for (const id of ids.slice(1)) await page.locator(`#filter-providers input[value="${id}"]`).uncheck();
    await expect.poll(() => shown.innerText(), { timeout: 20_000 }).toBe(one.toLocaleString('en'));
    await waitForExpression(page, "document.body.dataset.demand === 'ready'");
    await screenshot(page, 'map-planner-one-provider');
    for (const id of ids.slice(1)) await page.locator(`#filter-providers input[value="${id}"]`).check();
    await expect.poll(() => shown.innerText(), { timeout: 20_000 }).toBe(all.toLocaleString('en'));
  });

  it('with a chosen hex size, asks for the hexes in view only, and again when the view leaves them', async () => {
    const { page } = browser;
    /** bbox parameters of the /api/cells requests at res 10 so far. */
    const boxes = async () =>
      ((await page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")) as string[])
        .filter((u) => u.includes('/api/cells') && new URL(u).searchParams.get('res') === '10')
        .map((u) => new URL(u).searchParams.get('bbox'));
    const viewCovered = (bbox: string) =>
      page.evaluate(`(() => {
        const [w, s, e, n] = ${JSON.stringify(bbox)}.split(',').map(Number);
        const b = window.__map.getBounds();
        return w <= b.getWest() && s <= b.getSouth() && e >= b.getEast() && n >= b.getNorth();
      })()`) as Promise<boolean>;
    /** The hexes drawn are among those the API answers for `bbox` (a planner's: suppressed), and there are some. */
    const expectDrawnFrom = async (bbox: string) => {
      const answer = await api<{ features: { properties: { cell: string } }[] }>(server.url, server.keys.planner, `/api/cells?res=10&bbox=${bbox}&tz=${encodeURIComponent(TZ)}`);
      const drawn = (await page.evaluate("[...new Set(window.__map.queryRenderedFeatures({ layers: ['demand-fill'] }).map((f) => String(f.properties.cell)))]")) as string[];
      expect(drawn.length).toBeGreaterThan(0);
      expect(answer.features.map((f) => f.properties.cell)).toEqual(expect.arrayContaining(drawn));
    };
    await page.evaluate('window.__map.jumpTo({ zoom: 15 })');
    await waitForIdle(page);
    const before = (await boxes()).length;
    await page.locator('#filter-res').selectOption('10');
    await expect.poll(async () => (await boxes()).length, { timeout: 20_000 }).toBeGreaterThan(before);
    await waitForExpression(page, "document.body.dataset.demand === 'ready'");
    await waitForIdle(page);
    const first = (await boxes()).at(-1)!;
    expect(first, 'the request names a bbox').toMatch(/^-?[\d.]+,-?[\d.]+,-?[\d.]+,-?[\d.]+$/);
    expect(await viewCovered(first)).toBe(true);
    await expectDrawnFrom(first);
    // A small pan stays within the box fetched: nothing is asked for.
    const asked = (await boxes()).length;
    await page.evaluate('window.__map.panBy([60, 40], { duration: 0 })');
    await waitForIdle(page);
    expect((await boxes()).length).toBe(asked);
    // A pan by more than half a screen leaves it: the hexes of the new view are asked for.
    await page.evaluate('window.__map.panBy([-0.6 * window.__map.getCanvas().clientWidth - 60, -40], { duration: 0 })');
    await expect.poll(async () => (await boxes()).length, { timeout: 20_000 }).toBeGreaterThan(asked);
    const next = (await boxes()).at(-1)!;
    expect(next).not.toBe(first);
    await waitForIdle(page);
    expect(await viewCovered(next)).toBe(true);
    await expectDrawnFrom(next);
    await screenshot(page, 'map-planner-hexes-in-view');
    await page.locator('#filter-res').selectOption('');
    await waitForExpression(page, "document.body.dataset.demand === 'ready'");
    await page.evaluate('window.__map.jumpTo({ zoom: 13 })');
    await waitForIdle(page);
  });

  it('never tried to reach anything but 127.0.0.1', () => {
    expect(browser.outsideRequests).toEqual([]);
  });

  it("broke no rule of the page's Content-Security-Policy (MapLibre's worker, WebGL, styles)", async () => {
    const csp = (await fetch(server.url)).headers.get('content-security-policy');
    expect(csp).toContain("worker-src 'self' blob:");
    expect(browser.pageErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
