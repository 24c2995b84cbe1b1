/**
 * Where the time from sign-in to zones on the map goes, on the demo city in Debian's chromium: one sign-in with the
 * street basemap (after a warm-up), printed as a request waterfall (each request's start and end after the click,
 * its bytes on the wire), the page's own performance marks (`pz:*`, web/src/perf-marks.ts) and main-thread time
 * (DevTools Performance metrics: script, layout, recalc-style, task) spent between the click and the zones drawn.
 * A diagnostic, not a benchmark: `bench/signin-to-zones.ts` gives the figures.
 *
 * Run: node bin/run-ts.mjs bench/signin-waterfall.ts [--db FILE.duckdb] [--plain]
 *   --db     reuse (or seed once) this store instead of a fresh temporary one, so repeated looks skip the seeding
 *   --plain  the page without the street basemap
 *   --trace  also a DevTools trace of each sign-in: the renderer main thread's and the map worker's busiest kinds of work
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createKey } from '../engine/index.ts';
import { startServer } from '../server/index.ts';
import { openBrowser } from '../test/e2e/browser.ts';
import { ensureWebBuilt } from '../test/e2e/global-setup.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, plain: { type: 'boolean', default: false }, repeats: { type: 'string', default: '2' }, trace: { type: 'boolean', default: false } } });
await ensureWebBuilt();
const dir = values.db ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'pz-bench-waterfall-'));
const dbPath = values.db ?? path.join(dir!, 'demo.duckdb');
const server = await startServer({ dbPath, port: 0, staticDir: path.resolve('web', 'dist'), seedDemo: true, log: (m) => console.error(m), ...(values.plain ? { basemap: null } : {}) });
const key = server.adminKey ?? (await createKey(server.store, { role: 'admin', label: 'waterfall bench' })).token;
const browser = await openBrowser();
const drawn = "document.body.dataset.zones === 'ready' && window.__map.queryRenderedFeatures({ layers: ['zones-circle'] }).length > 0";

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** Self time by event name on the threads named like the page's main thread and its workers, busiest first. */
function printTrace(events: TraceEvent[]): void {
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, String(e.args?.name));
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k)!.push(e);
  }
  for (const [k, list] of byThread) {
    const name = threadNames.get(k) ?? k;
    if (!/CrRendererMain|Worker|Compositor|VizCompositor|CrGpuMain/.test(name)) continue;
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const self = new Map<string, number>();
    const stack: { e: TraceEvent; child: number }[] = [];
    const pop = () => {
      const top = stack.pop()!;
      self.set(top.e.name, (self.get(top.e.name) ?? 0) + top.e.dur! - top.child);
      if (stack.length) stack[stack.length - 1]!.child += top.e.dur!;
    };
    let busy = 0;
    for (const e of list) {
      while (stack.length && stack[stack.length - 1]!.e.ts + stack[stack.length - 1]!.e.dur! <= e.ts) pop();
      if (!stack.length) busy += e.dur!;
      stack.push({ e, child: 0 });
    }
    while (stack.length) pop();
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, us]) => `${n} ${Math.round(us / 1000)}`);
    console.log(`trace ${name}: busy ${Math.round(busy / 1000)} ms; self ms: ${top.join(', ')}`);
  }
}

interface Req {
  url: string;
  start: number;
  end: number | null;
  bytes: number | null;
  status: number | null;
}

try {
  const repeats = Number(values.repeats);
  for (let i = 0; i < repeats; i++) {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const reqs = new Map<unknown, Req>();
    let t0 = 0;
    page.on('request', (r) => reqs.set(r, { url: r.url(), start: Date.now(), end: null, bytes: null, status: null }));
    page.on('requestfinished', async (r) => {
      const rec = reqs.get(r);
      if (!rec) return;
      rec.end = Date.now();
      const sizes = await r.sizes().catch(() => null);
      rec.bytes = sizes ? sizes.responseBodySize + sizes.responseHeadersSize : null;
      rec.status = (await r.response())?.status() ?? null;
    });
    const tGoto = Date.now();
    await page.goto(server.url);
    const tLoaded = Date.now();
    await page.locator('#api-key').fill(key);
    await page.evaluate("window.__frames = []; window.__map.on('render', () => window.__frames.push(performance.now()))");
    const metric = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
    const before = await metric();
    const traceEvents: TraceEvent[] = [];
    if (values.trace) {
      cdp.on('Tracing.dataCollected', (e) => void traceEvents.push(...(e.value as unknown as TraceEvent[])));
      await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['devtools.timeline', 'v8', 'disabled-by-default-devtools.timeline', 'blink', 'gpu', 'cc', 'toplevel'] } } as never);
    }
    t0 = Date.now();
    await page.evaluate("performance.mark('pz:bench-click'); window.__events = []; for (const ev of ['resize', 'movestart', 'data', 'dataloading']) window.__map.on(ev, (e) => window.__events.push([Math.round(performance.now() - performance.getEntriesByName('pz:bench-click')[0].startTime), ev, e.dataType ?? '', e.sourceId ?? '', e.tile ? 'tile' : '']))");
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (const until = t0 + 60_000; !(await page.evaluate(`Boolean(${drawn})`)); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > until) throw new Error('zones not drawn 60 s after sign-in');
    }
    const ms = Date.now() - t0;
    const after = await metric();
    if (values.trace) {
      const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
      await cdp.send('Tracing.end');
      await done;
      printTrace(traceEvents);
    }
    const marks = (await page.evaluate(`(() => { const c = performance.getEntriesByName('pz:bench-click')[0].startTime; return performance.getEntriesByType('mark').filter((m) => m.name.startsWith('pz:')).map((m) => [m.name, Math.round(m.startTime - c)]); })()`)) as [string, number][];
    console.log(`\n== sign-in ${i + 1}${i === 0 ? ' (warm-up: cold caches)' : ''}: zones drawn ${ms} ms after the click (page load ${tLoaded - tGoto} ms; load average ${os.loadavg()[0]!.toFixed(1)})`);
    console.log('main thread between click and zones (ms):', ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'].map((k) => `${k.replace('Duration', '')} ${Math.round(((after[k] ?? 0) - (before[k] ?? 0)) * 1000)}`).join(', '));
    const frames = (await page.evaluate(`(() => { const c = performance.getEntriesByName('pz:bench-click')[0].startTime; return window.__frames.map((t) => Math.round(t - c)); })()`)) as number[];
    console.log(`map frames rendered from page load until the zones were drawn: ${frames.filter((f) => f <= ms).length} (ms after the click: ${frames.filter((f) => f <= ms).join(' ')})`);
    if (process.env.PZ_EVENTS) console.log('map events:', JSON.stringify(await page.evaluate('window.__events.filter((e) => e[0] <= ' + ms + ')')));
    console.log('view when drawn:', await page.evaluate('JSON.stringify({ center: window.__map.getCenter(), zoom: window.__map.getZoom() })'));
    console.log('marks (ms after the click):', marks.map(([n, t]) => `${n.slice(3)} ${t}`).join(' · '));
    const rows = [...reqs.values()].sort((a, b) => a.start - b.start);
    for (const r of rows) {
      const u = new URL(r.url);
      const name = (u.pathname + u.search).slice(0, 90);
      const rel = (t: number | null) => (t === null ? '   …' : String(t - t0).padStart(5));
      console.log(`${rel(r.start)} → ${rel(r.end)}  ${String(r.bytes ?? '?').padStart(8)} B  ${r.status ?? '?'}  ${name}`);
    }
    await cdp.detach();
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
