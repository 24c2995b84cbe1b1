/**
 * End-to-end helpers: Debian's chromium through playwright-core, with every request that is not
 * to 127.0.0.1 blocked and recorded, and small waits for the parkzones page.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian installs chromium (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Screenshots and other artefacts of the e2e tests. */
export const OUTPUT_DIR = path.resolve('test-output', 'e2e');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  // Second fence behind request routing: no other host name resolves at all.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/**
 * True when chromium is installed; otherwise prints a loud notice so a skipped e2e suite is noticed.
 * @param suite - name of the test file, for the notice
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! E2E SKIPPED (${suite}): ${CHROMIUM_PATH} is missing. Install it with: apt-get install -y chromium\n${bar}\n`);
  return false;
}

/** A browser for one test file. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** URLs the page tried to reach outside 127.0.0.1 (each was blocked). Must stay empty. */
  outsideRequests: string[];
  /** Uncaught page errors and console errors, for diagnosing failures. */
  pageErrors: string[];
  close(): Promise<void>;
}

function isLocal(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:')) return true;
  try {
    return new URL(url).hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

/**
 * Launches chromium headless (WebGL through SwiftShader) with a fresh profile.
 * @param viewport - window size in CSS pixels
 */
export async function openBrowser(viewport = { width: 1440, height: 900 }): Promise<BrowserSession> {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'parkzones-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    serviceWorkers: 'block',
  });
  const outsideRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    outsideRequests.push(url);
    return route.abort('blockedbyclient');
  });
  // Requests that bypass routing (e.g. from workers) are still seen here.
  context.on('request', (request) => {
    const url = request.url();
    if (!isLocal(url) && !outsideRequests.includes(url)) outsideRequests.push(url);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    outsideRequests,
    pageErrors,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Makes the page start signed in with `key` (as if typed into the sign-in form earlier in the session). */
export async function presetApiKey(page: Page, key: string): Promise<void> {
  await page.addInitScript((k) => sessionStorage.setItem('parkzones.apiKey', k), key);
}

/**
 * Waits until the page-side expression `expr` is truthy, polling with page.evaluate (DevTools evaluation, which the
 * page's Content-Security-Policy allows; page.waitForFunction evaluates its text in the page, which a CSP without
 * 'unsafe-eval' refuses).
 */
export async function waitForExpression(page: Page, expr: string, opts: { timeout?: number } = {}): Promise<void> {
  const timeout = opts.timeout ?? 30_000;
  const until = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(`Boolean(${expr})`)) return;
    if (Date.now() > until) throw new Error(`page did not reach ${expr} in ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until demand (and, when asked, a run's zones) are loaded and the map has finished drawing. */
export async function waitForMap(page: Page, opts: { zones?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 60_000;
  await waitForExpression(page, "['ready', 'error'].includes(document.body.dataset.demand)", { timeout });
  if (opts.zones) await waitForExpression(page, "['ready', 'error'].includes(document.body.dataset.zones)", { timeout });
  await waitForIdle(page, timeout);
}

/**
 * Waits for the MapLibre map to render everything it has (the `idle` event).
 * Page-side code is passed as text: the test transpiler may wrap functions in helpers the page lacks.
 */
export async function waitForIdle(page: Page, timeout = 60_000): Promise<void> {
  await waitForExpression(page, 'window.__map', { timeout });
  await page.evaluate(`new Promise((resolve, reject) => {
    const map = window.__map;
    const timer = setTimeout(() => reject(new Error('map did not become idle in ${timeout} ms')), ${timeout});
    map.once('idle', () => { clearTimeout(timer); resolve(); });
    map.triggerRepaint();
  })`);
}

/** Counts of rendered features per layer id in the current view. */
export async function renderedCounts(page: Page, layers: string[]): Promise<Record<string, number>> {
  return page.evaluate(`(() => {
    const map = window.__map;
    const counts = {};
    for (const id of ${JSON.stringify(layers)}) counts[id] = map.getLayer(id) ? map.queryRenderedFeatures({ layers: [id] }).length : -1;
    return counts;
  })()`);
}

/** Writes a screenshot under test-output/e2e and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
