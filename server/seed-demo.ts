import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestFile, projectRoot, serviceAreaAround, type IngestReport, type Store, type ZoneOptions } from '../engine/index.ts';

/** Size and place of the demo city seeded on first start. */
export const DEMO_CITY = {
  trips: 60_000, // rows, bad ones included
  days: 14, // days of trips from 2026-06-01
  seed: 1, // same city on every machine
  badShare: 0.005, // share of rows with a planted defect, so the reject report has something to show
  spreadM: 1200, // metres: background trip ends around downtown (standard deviation)
} as const;

/** The streets the demo city's trips end on: the OSM extract of central Portland committed beside the basemap built from it. */
export const DEMO_STREETS_EXTRACT = path.join(projectRoot(), 'basemap', 'portland-central-filtered.osm.pbf');

/**
 * Options of the demo's first run: the planner's first look, so only zones worth painting. With the defaults alone
 * (every zone that adds one trip end, up to 80 % coverage) the demo city gets ~600 zones, most of 2–3 slots, and
 * its hotspots drown; a zone must instead gather 100 trip ends (~7 a day over the demo's 14 days), which leaves one
 * zone per hotspot (two hotspots closer than the walking radius share one).
 */
export const DEMO_FIRST_RUN: Readonly<ZoneOptions> = Object.freeze({
  walkRadiusM: 100, // metres, great-circle (the default, stated so the run's card says it)
  coverage: 0.8, // share of trip ends; the search stops earlier, once no zone gathers minTrips
  minTrips: 100, // trip ends a zone must add to the coverage
});

/**
 * The demo's candidate sites: the street corners of the extract the demo city lives on, within `radiusM` of its
 * centre, as GeoJSON points, so the demo's zones stand at corners (engine/zones candidate sites).
 */
export async function demoCandidates(radiusM = 4000): Promise<{ type: 'FeatureCollection'; features: unknown[] }> {
  const { loadStreetNetwork, PORTLAND_CENTER_LAT_LNG } = await import('../fixtures/index.ts');
  const { cornersLatLng } = await loadStreetNetwork(DEMO_STREETS_EXTRACT);
  const [lat0, lng0] = PORTLAND_CENTER_LAT_LNG;
  const mPerDegLng = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const features: unknown[] = [];
  for (let i = 0; i < cornersLatLng.length; i += 2) {
    const lat = cornersLatLng[i]!;
    const lng = cornersLatLng[i + 1]!;
    if (Math.hypot((lat - lat0) * 111_320, (lng - lng0) * mPerDegLng) > radiusM) continue;
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lng, lat] } });
  }
  return { type: 'FeatureCollection', features };
}

/** True when the store holds no upload yet and was never seeded (a second start reuses the data). */
export async function needsDemo(store: Store): Promise<boolean> {
  const seeded = await store.query("SELECT value FROM meta WHERE key = 'demo_seeded'");
  if (seeded.length) return false;
  const n = await store.query('SELECT count(*)::INTEGER AS n FROM uploads');
  return Number(n[0]!.n) === 0;
}

/**
 * Generates the seeded city (fixtures/) in street mode — trip ends along the real streets and at the corners of
 * central Portland, under the built-in basemap — as an MDS 1.2 trips file, and ingests it as one upload.
 * The fixtures are the project's demo data source; this is the server's only use of them, loaded on demand.
 */
export async function seedDemoCity(store: Store, log: (m: string) => void = () => {}): Promise<IngestReport> {
  const { generateCity, writeTrips, loadStreetNetwork, PORTLAND_CENTER_LAT_LNG, DEFECT_KINDS, cityExtent } = await import('../fixtures/index.ts');
  const streets = await loadStreetNetwork(DEMO_STREETS_EXTRACT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parkzones-demo-'));
  try {
    const file = path.join(dir, 'demo-city-mds1.json.gz');
    const cityOptions = {
      trips: DEMO_CITY.trips, days: DEMO_CITY.days, seed: DEMO_CITY.seed,
      streets, centerLatLng: PORTLAND_CENTER_LAT_LNG, spreadM: DEMO_CITY.spreadM,
      defects: Object.fromEntries(DEFECT_KINDS.map((k) => [k, DEMO_CITY.badShare / DEFECT_KINDS.length])),
    };
    const city = generateCity(cityOptions);
    log(`generating a demo city on the streets of central Portland: ${DEMO_CITY.trips.toLocaleString('en')} trips over ${DEMO_CITY.days} days, ${city.providers.length} providers`);
    await writeTrips(city.trips(), file, { format: 'mds1' }); // MDS 1.2 carries provider names
    // The demo city's service area: its generator's extent (see cityExtent), so stray ends would be rejected.
    const { centerLatLng, radiusM } = cityExtent(cityOptions);
    const serviceArea = serviceAreaAround(centerLatLng[0], centerLatLng[1], radiusM, 'the demo city');
    const report = await ingestFile(store, file, { fileName: 'demo-city-mds1.json.gz', serviceArea });
    await store.run("INSERT INTO meta VALUES ('demo_seeded', $at) ON CONFLICT DO UPDATE SET value = excluded.value", { at: new Date().toISOString() });
    log(`demo city stored: ${report.rowsStored.toLocaleString('en')} trips, ${report.rowsRejected} rejected (upload ${report.uploadId})`);
    return report;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
