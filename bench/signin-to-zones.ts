/**
 * Time from sign-in to the first run's zones drawn on the map, on the `npm start` demo city (60,000 trips on the
 * streets of central Portland), in Debian's chromium. Seeds a fresh store like a first `npm start`, then signs in
 * through the form `REPEATS` times (fresh page each time) and prints the median and spread, plus a screenshot of the
 * demo at test-output/bench/demo-city.png. Baseline in the same run, interleaved: a second server on the same store
 * without the street basemap (the plain offline page), so the ratio holds on a busy machine.
 *
 * Run: node bin/run-ts.mjs bench/signin-to-zones.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../server/index.ts';
import { openBrowser, waitForIdle } from '../test/e2e/browser.ts';
import { ensureWebBuilt } from '../test/e2e/global-setup.ts';

const REPEATS = 7; // sign-ins measured (after one warm-up)

await ensureWebBuilt();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-signin-'));
const server = await startServer({ dbPath: path.join(dir, 'demo.duckdb'), port: 0, staticDir: path.resolve('web', 'dist'), seedDemo: true, log: (m) => console.error(m) });
const plain = await startServer({ store: server.store, port: 0, staticDir: path.resolve('web', 'dist'), basemap: null });
const browser = await openBrowser();
const times: number[] = [];
const baseline: number[] = [];
try {
  for (let j = 0; j <= 2 * REPEATS + 1; j++) {
    const i = j >> 1;
    const withStreets = j % 2 === 0;
    const page = await browser.context.newPage();
    await page.goto(withStreets ? server.url : plain.url);
    await page.locator('#api-key').fill(server.adminKey!);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Polled over DevTools (page.waitForFunction evaluates text in the page, which the CSP without 'unsafe-eval' refuses).
    const drawn = "document.body.dataset.zones === 'ready' && window.__map.queryRenderedFeatures({ layers: ['zones-circle'] }).length > 0";
    for (const until = t0 + 60_000; !(await page.evaluate(`Boolean(${drawn})`)); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > until) throw new Error('zones not drawn 60 s after sign-in');
    }
    const ms = Date.now() - t0;
    if (i > 0) (withStreets ? times : baseline).push(ms);
    if (i === REPEATS && withStreets) {
      await waitForIdle(page);
      fs.mkdirSync(path.resolve('test-output', 'bench'), { recursive: true });
      await page.screenshot({ path: path.resolve('test-output', 'bench', 'demo-city.png') });
    }
    await page.close();
  }
} finally {
  await browser.close();
  await plain.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
const line = (name: string, t: number[]) => {
  t.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} median ${t[t.length >> 1]} ms, min ${t[0]} ms, max ${t[t.length - 1]} ms`);
  return t[t.length >> 1]!;
};
console.log(`sign-in → zones on the map, demo city, ${REPEATS} runs each, interleaved (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
const a = line('with the street basemap', times);
const b = line('baseline: no basemap', baseline);
console.log(`ratio ${(a / b).toFixed(2)}`);
