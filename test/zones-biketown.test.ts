import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../engine/ingest/index.ts';
import { proposeZones, type ZoneOptions, type ZoneProposal } from '../engine/zones/index.ts';
import { haversineM } from '../engine/zones/geo.ts';
import { sharedData, tempStore } from './helpers/temp-store.ts';

/** Each EndHub of the file: its trip ends and its (most frequent) end coordinate. */
function hubs(file: string): { name: string; trips: number; lat: number; lng: number }[] {
  const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split(/\r?\n/);
  const header = lines[0]!.split(',');
  const [hub, lat, lng] = ['EndHub', 'EndLatitude', 'EndLongitude'].map((c) => header.indexOf(c));
  const byHub = new Map<string, { trips: number; at: Map<string, number> }>();
  for (const line of lines.slice(1)) {
    const f = line.split(','); // quotes only occur in later columns (BikeName)
    const name = f[hub!];
    if (!name) continue;
    const e = byHub.get(name) ?? { trips: 0, at: new Map() };
    e.trips++;
    const key = `${f[lat!]},${f[lng!]}`;
    e.at.set(key, (e.at.get(key) ?? 0) + 1);
    byHub.set(name, e);
  }
  return [...byHub].map(([name, e]) => {
    const [key] = [...e.at].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const [la, lo] = key.split(',').map(Number);
    return { name, trips: e.trips, lat: la!, lng: lo! };
  });
}

type Hub = ReturnType<typeof hubs>[number];

/** Distance from each of the 50 busiest hubs to its nearest zone centre, metres. */
function nearest(stations: Hub[], p: ZoneProposal): { h: Hub; d: number }[] {
  return [...stations]
    .sort((a, b) => b.trips - a.trips || (a.name < b.name ? -1 : 1))
    .slice(0, 50)
    .map((h) => ({ h, d: Math.min(...p.zones.map((z) => haversineM(h.lat, h.lng, z.centerLat, z.centerLng))) }));
}

/** Hubs of the 50 busiest with a zone within 100 m, and the median distance of those to their zone. */
export function hubRecovery(stations: Hub[], p: ZoneProposal): { within: number; medianM: number; others: number[] } {
  const d = nearest(stations, p);
  const near = d.filter((x) => x.d <= 100).map((x) => x.d).sort((a, b) => a - b);
  const m = near.length;
  const medianM = m === 0 ? NaN : m % 2 ? near[(m - 1) / 2]! : (near[m / 2 - 1]! + near[m / 2]!) / 2;
  return { within: m, medianM, others: d.filter((x) => x.d > 100).map((x) => x.d) };
}

for (const month of ['2018-07', '2018-08']) {
  const file = sharedData(`real/biketown-${month}.csv.gz`);
  describe.skipIf(!file)(`zones on Portland BIKETOWN, ${month} (real data)`, () => {
    let ctx: Awaited<ReturnType<typeof tempStore>>;
    let stations: Hub[];
    const runs = new Map<string, ZoneProposal>();
    const variants: [string, ZoneOptions][] = [['defaults', {}], ['objective coverage', { objective: 'coverage' }]];

    beforeAll(async () => {
      ctx = await tempStore();
      await ingestFile(ctx.store, file!, { provider: 'biketown', tz: 'America/Los_Angeles' });
      stations = hubs(file!);
      for (const [label, extra] of variants) {
        runs.set(label, await proposeZones(ctx.store, { k: stations.length, walkRadiusM: 100, filter: { tz: 'America/Los_Angeles' }, ...extra }));
      }
    }, 180_000);
    afterAll(() => ctx?.cleanup());

    it('proposes one zone per distinct EndHub (K = the number of hubs)', () => {
      const p = runs.get('defaults')!;
      expect(p.zones).toHaveLength(stations.length);
      expect(p.summary.stop).toBe('k');
    });

    it('at defaults puts a zone within 100 m of ≥ 95 % of the 50 busiest hubs, a median ≤ 25 m from them', () => {
      for (const [label, p] of runs) {
        const r = hubRecovery(stations, p);
        console.log(
          `BIKETOWN ${month}, ${label}: K = ${stations.length} hubs → ${p.zones.length} zones covering ${(p.summary.coveredShare * 100).toFixed(1)} % of ` +
            `${p.summary.totalTrips} trip ends within 100 m; ${r.within} of the 50 busiest hubs (${r.within * 2} %) have a zone within 100 m, ` +
            `a median ${r.medianM.toFixed(1)} m away; the others at ${r.others.map((x) => `${x.toFixed(0)} m`).join(', ') || '-'}`,
        );
      }
      const r = hubRecovery(stations, runs.get('defaults')!);
      expect(r.within).toBeGreaterThanOrEqual(48);
      expect(r.medianM).toBeLessThanOrEqual(25);
    });

    it('sizes zones from parked bikes', () => {
      const p = runs.get('defaults')!;
      expect(p.summary.capacitySized).toBe(true);
      expect(p.zones[0]!.capacity).toBeGreaterThan(2);
    });
  });
}
