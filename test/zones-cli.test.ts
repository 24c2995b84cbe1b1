import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/temp-store.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/parkzones.mjs');
const { dir, cleanup } = tempDir();
const env = { ...process.env, PARKZONES_DB: path.join(dir, 'cli.duckdb') };
afterAll(cleanup);

/** Runs `parkzones ARGS`; never throws on a non-zero exit. */
async function parkzones(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

beforeAll(async () => {
  const file = path.join(dir, 'city.parquet');
  expect((await parkzones('generate', '--trips', '3000', '--seed', '12', '--format', 'parquet', '--out', file)).code).toBe(0);
  expect((await parkzones('ingest', file)).code).toBe(0);
}, 120_000);

describe('parkzones propose', () => {
  it('proposes zones, prints a summary and progress, and writes GeoJSON with each centre', async () => {
    const out = path.join(dir, 'zones.geojson');
    const r = await parkzones('propose', '--k', '12', '--radius', '120', '--objective', 'coverage', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run 1: 12 zones, \d+ slots, \d+\.\d % of 3000 trip ends within 120 m \(median walk [\d.]+ m\)\n/);
    expect(r.stdout).toMatch(/optimality: covers at least \d+\.\d % of what the best 12 zones could/);
    expect(r.stdout).toMatch(/\ndecayed by walking distance: \d+\.\d % of trip ends\n/);
    expect(r.stderr).toMatch(/proposing 100% done/);
    const fc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(12);
    const p = fc.features[0].properties;
    expect(Object.keys(p)).toEqual(expect.arrayContaining(['zone_id', 'rank', 'capacity', 'covered_trips', 'share', 'center_lat', 'center_lng', 'cell', 'profile']));
    expect(p.profile).toHaveLength(24);
    expect(fc.parkzones.run_id).toBe(1);
  });

  it('proposes dbscan zones with outlines', async () => {
    const out = path.join(dir, 'db.geojson');
    const r = await parkzones('propose', '--method', 'dbscan', '--k', '5', '--out', out);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).features[0].geometry.type).toBe('MultiPolygon');
  });

  it.each([
    [['--radius=-5'], '--radius (walkRadiusM): must be a number of metres > 0, got -5'],
    [['--k', '0'], '--k (k): must be a whole number of zones ≥ 1, got 0'],
    [['--coverage', '1.5'], '--coverage (coverage): must be a share in (0, 1], got 1.5'],
    [['--res', '13'], '--res (res): must be an H3 resolution from 7 to 12, got 13'],
    [['--method', 'grid'], `--method (method): must be 'mclp' or 'dbscan', got "grid"`],
    [['--k', 'ten'], '--k: not a number: "ten"'],
  ])('fails with exit 2 and names the flag: %j', async (args, message) => {
    const r = await parkzones('propose', ...args, '--out', path.join(dir, 'x.geojson'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`parkzones: ${message}`);
  });

  it('refuses an exclusion file that is not polygons', async () => {
    const file = path.join(dir, 'line.geojson');
    fs.writeFileSync(file, JSON.stringify({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }));
    const r = await parkzones('propose', '--exclude', file, '--out', path.join(dir, 'x.geojson'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('parkzones: --exclude (exclude): the GeoJSON is a LineString; only Polygon and MultiPolygon can exclude');
  });

  it('says why there are no zones when no trip matches', async () => {
    const r = await parkzones('propose', '--from', '2030-01-01', '--out', path.join(dir, 'none.geojson'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 zones');
    expect(r.stdout).toContain('note: no trip ends match the filter (from=2030-01-01), so there is nothing to cover');
  });
});

describe('parkzones runs', () => {
  it('lists the stored runs', async () => {
    const r = await parkzones('runs');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^run\s+created\s+status\s+method\s+zones/);
    expect(r.stdout).toMatch(/\n1\s+\S+ \S+\s+done\s+mclp\s+12 /);
  });

  it('recomputes a run and finds it identical', async () => {
    const r = await parkzones('runs', 'recompute', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('run 1: recomputed, identical (12 zones)\n');
  });

  it('compares two runs', async () => {
    const r = await parkzones('runs', 'compare', '1', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run 1 → run 2: \d+ kept, \d+ moved \(≤ 120 m\), \d+ removed, \d+ added\ncoverage /);
  });

  it('exports a run as GeoJSON', async () => {
    const out = path.join(dir, 'export.geojson');
    const r = await parkzones('runs', 'export', '1', '--out', out);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).features).toEqual(JSON.parse(fs.readFileSync(path.join(dir, 'zones.geojson'), 'utf8')).features);
  });

  it('fails with exit 4 for an unknown run', async () => {
    const r = await parkzones('runs', 'show', '99');
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('parkzones: no run 99\n');
  });

  it('stands zones only at a candidate layer, meets district minimums, and recomputes the run identically', async () => {
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'zones.geojson'), 'utf8'));
    // Sites 8 m north of run 1's zones 4–12 (not its three best), as points; a district around the 4th site.
    const sites = first.features.slice(3).map((f: { properties: { center_lat: number; center_lng: number } }) => [f.properties.center_lng, f.properties.center_lat + 8 / 111_320]);
    const candidates = path.join(dir, 'sites.geojson');
    fs.writeFileSync(candidates, JSON.stringify({ type: 'FeatureCollection', features: sites.map((c: number[]) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } })) }));
    const [lng, lat] = sites.at(-1) as [number, number];
    const box = [[lng - 1e-4, lat - 1e-4], [lng + 1e-4, lat - 1e-4], [lng + 1e-4, lat + 1e-4], [lng - 1e-4, lat + 1e-4]];
    const districts = path.join(dir, 'districts.geojson');
    fs.writeFileSync(districts, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Edge', min_zones: 1 }, geometry: { type: 'Polygon', coordinates: [box] } }] }));
    const out = path.join(dir, 'sited.geojson');
    const r = await parkzones('propose', '--k', '3', '--radius', '120', '--candidates', candidates, '--districts', districts, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: zones only at the 9 sites of the candidate layer/);
    expect(r.stdout).toMatch(/district Edge: 1 zones, \d+ of \d+ trip ends \([\d.]+ %\); minimum 1 zones met/);
    const zones = JSON.parse(fs.readFileSync(out, 'utf8')).features;
    expect(zones).toHaveLength(3);
    const keys = new Set(sites.map((c: number[]) => `site:${c[1]!.toFixed(6)},${c[0]!.toFixed(6)}`));
    for (const z of zones) expect(keys.has(z.properties.zone_id)).toBe(true);
    const runId = JSON.parse(fs.readFileSync(out, 'utf8')).parkzones.run_id;
    const again = await parkzones('runs', 'recompute', String(runId));
    expect(again.stdout).toBe(`run ${runId}: recomputed, identical (3 zones)\n`);
    const bad = path.join(dir, 'bad-sites.geojson');
    fs.writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [box] } }] }));
    const e = await parkzones('propose', '--candidates', bad, '--out', out);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('parkzones: --candidates (candidates): feature 0 is a Polygon; candidate sites are Point, MultiPoint, LineString or MultiLineString');
  });

  it('prints help', async () => {
    const r = await parkzones('propose', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^parkzones propose — /);
  });
});
