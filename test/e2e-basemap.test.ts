/**
 * The street basemap in chromium: the server's own tiles, glyphs and style draw streets with name labels and the
 * OpenStreetMap attribution; a city's own (Protomaps-schema) archive is served as it is. No request leaves 127.0.0.1.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, presetApiKey, renderedCounts, screenshot, waitForIdle, waitForMap, type BrowserSession } from './e2e/browser.ts';
import { startTestServer, type TestServer } from './e2e/server.ts';
import { protomapsArchive } from './helpers/protomaps-archive.ts';

const HAVE_CHROMIUM = chromiumAvailable('e2e-basemap.test.ts');
const COLUMBUS = path.resolve('..', 'shared', 'data', 'basemap', 'columbus.osm.pbf');
const STREET_LAYERS = ['basemap-major', 'basemap-medium', 'basemap-minor', 'basemap-road-labels'];

/** Every URL the browser asks for from now on, the map's worker included. */
function recordRequests(browser: BrowserSession): string[] {
  const urls: string[] = [];
  browser.context.on('request', (r) => urls.push(r.url()));
  return urls;
}

async function attributionText(browser: BrowserSession): Promise<string> {
  return browser.page.locator('.maplibregl-ctrl-attrib').innerText();
}

describe.skipIf(!HAVE_CHROMIUM)('e2e: the built-in street basemap', () => {
  let server: TestServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startTestServer({ trips: 1500, firstRun: null });
    browser = await openBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws named streets of central Portland from the server’s own tiles and glyphs, credited to OpenStreetMap', async () => {
    const { page } = browser;
    const urls = recordRequests(browser);
    await presetApiKey(page, server.keys.planner);
    await page.goto(server.url);
    await waitForMap(page);
    await page.evaluate('window.__map.jumpTo({ center: [-122.6765, 45.5215], zoom: 16 })');
    await waitForIdle(page);
    const counts = await renderedCounts(page, STREET_LAYERS);
    expect(counts['basemap-minor']).toBeGreaterThan(20);
    expect(counts['basemap-road-labels']).toBeGreaterThan(5);
    const names = (await page.evaluate("[...new Set(window.__map.queryRenderedFeatures({ layers: ['basemap-road-labels'] }).map((f) => f.properties.name))]")) as string[];
    expect(names.some((n) => /Street|Avenue|Broadway/.test(n)), names.join(', ')).toBe(true);
    expect(await attributionText(browser)).toContain('© OpenStreetMap contributors');
    expect(urls.some((u) => new URL(u).pathname.startsWith('/basemap/tiles/'))).toBe(true);
    expect(urls.some((u) => new URL(u).pathname.startsWith('/basemap/fonts/Noto%20Sans%20Regular/'))).toBe(true);
    await screenshot(page, 'basemap-streets');
    expect(browser.outsideRequests).toEqual([]);
  });
});

describe.skipIf(!HAVE_CHROMIUM || !existsSync(COLUMBUS))('e2e: a city’s own PMTiles archive (Protomaps schema)', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parkzones-city-basemap-'));
    const file = path.join(dir, 'columbus-protomaps.pmtiles');
    writeFileSync(file, await protomapsArchive(COLUMBUS));
    server = await startTestServer({ trips: 1000, firstRun: null, basemap: file });
    browser = await openBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the archive with a style for its schema, and the page draws its streets', async () => {
    const style = (await (await fetch(`${server.url}/basemap/style.json`)).json()) as { name: string };
    expect(style.name).toContain('protomaps');
    const { page } = browser;
    await presetApiKey(page, server.keys.planner);
    await page.goto(server.url);
    await waitForMap(page);
    await page.evaluate('window.__map.jumpTo({ center: [-82.9988, 39.9612], zoom: 15 })');
    await waitForIdle(page);
    const counts = await renderedCounts(page, [...STREET_LAYERS, 'basemap-earth']);
    expect(counts['basemap-earth']).toBeGreaterThan(0);
    expect(counts['basemap-minor']! + counts['basemap-medium']! + counts['basemap-major']!).toBeGreaterThan(20);
    expect(counts['basemap-road-labels']).toBeGreaterThan(0);
    expect(await attributionText(browser)).toContain('© OpenStreetMap contributors');
    await screenshot(page, 'basemap-city-archive');
    expect(browser.outsideRequests).toEqual([]);
  });
});
