import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getRunZones, ingestFile, transitionRun, type Store } from '../engine/index.ts';
import { DEMO_CITY, DEMO_STREETS_EXTRACT } from './seed-demo.ts';

/** The demo's publication: its first run published when the demo's first weeks end, then weeks of trips after it. */
export const DEMO_PUBLICATION = {
  effectiveDate: '2026-06-15', // the day after the demo city's first 14 days (UTC)
  trips: 45_000, // rows after the publication
  days: 21, // three weeks
  tripSeed: 2, // a new batch of trips in the same city
  shares: [0.7, 0.5, 0.3], // share of each operator's trip ends that riders now park in a zone
} as const;

/**
 * Publishes the demo's first run (proposed, then published by the demo seeder as admin, required parking) and ingests
 * three weeks of trips after it, in which each operator's riders park a share of their trips in the zones, so that
 * the compliance chart and occupancy show the loop from the first start.
 */
export async function seedDemoPublication(store: Store, runId: number, log: (m: string) => void = () => {}): Promise<void> {
  const { generateCity, writeTrips, loadStreetNetwork, PORTLAND_CENTER_LAT_LNG } = await import('../fixtures/index.ts');
  const actor = { role: 'admin' as const, keyId: 'demo-seed' };
  const effectiveMs = Date.parse(`${DEMO_PUBLICATION.effectiveDate}T00:00:00Z`);
  await transitionRun(store, runId, 'proposed', { actor, note: 'demo: shown to operators' });
  await transitionRun(store, runId, 'published', { actor, effectiveMs, requiredParking: true, note: 'demo: published' });
  const zones = await getRunZones(store, runId);
  if (zones.length === 0) return;
  const city = generateCity({
    trips: DEMO_PUBLICATION.trips, days: DEMO_PUBLICATION.days, seed: DEMO_CITY.seed, tripSeed: DEMO_PUBLICATION.tripSeed,
    startDate: DEMO_PUBLICATION.effectiveDate,
    // The same city as the first weeks: on the same streets around the same centre.
    streets: await loadStreetNetwork(DEMO_STREETS_EXTRACT), centerLatLng: PORTLAND_CENTER_LAT_LNG, spreadM: DEMO_CITY.spreadM,
    publication: { afterMs: effectiveMs, zonesLatLng: zones.map((z) => [z.centerLat, z.centerLng]), share: DEMO_PUBLICATION.shares },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parkzones-demo-after-'));
  try {
    const file = path.join(dir, 'demo-city-after-publication.json.gz');
    await writeTrips(city.trips(), file, { format: 'mds1' });
    const report = await ingestFile(store, file, { fileName: 'demo-city-after-publication.json.gz' });
    log(`run ${runId} published from ${DEMO_PUBLICATION.effectiveDate}; ${report.rowsStored.toLocaleString('en')} trips after it stored (upload ${report.uploadId})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
