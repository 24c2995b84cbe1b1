import fs from 'node:fs';
import path from 'node:path';
import { buildBasemap, BASEMAP_BUILD_DEFAULTS } from '../basemap/index.ts';
import { ParkzonesError } from '../errors.ts';
import { EXIT, numberOption, parseCommandArgs } from './cli-util.ts';

const HELP = `parkzones basemap build — a street basemap (PMTiles) from an OpenStreetMap extract

usage: parkzones basemap build EXTRACT.osm.pbf --out FILE.pmtiles [--min-zoom Z] [--max-zoom Z]

  EXTRACT.osm.pbf    an OpenStreetMap extract of the city (e.g. cut from a regional download)
  --out FILE         the archive to write (PMTiles v3, vector tiles: roads, water, parks, buildings)
  --min-zoom Z       lowest zoom (default ${BASEMAP_BUILD_DEFAULTS.minZoom})
  --max-zoom Z       highest zoom (default ${BASEMAP_BUILD_DEFAULTS.maxZoom}; the map enlarges beyond it)

Serve it with PARKZONES_BASEMAP=FILE.pmtiles parkzones serve. The map credits "© OpenStreetMap contributors" (ODbL).
`;

/** `parkzones basemap build`: writes a PMTiles street basemap built from an OSM extract. */
export async function runBasemap(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { out: { type: 'string' }, 'min-zoom': { type: 'string' }, 'max-zoom': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const [sub, extract, ...extra] = positionals;
  if (sub !== 'build') throw new ParkzonesError('BAD_OPTION', `basemap: unknown subcommand "${sub ?? ''}" (only "build"; see --help)`, { option: 'subcommand' });
  if (!extract || extra.length) throw new ParkzonesError('BAD_OPTION', 'basemap build: give exactly one EXTRACT.osm.pbf (see --help)', { option: 'extract' });
  if (!values.out) throw new ParkzonesError('BAD_OPTION', '--out FILE.pmtiles is required (see --help)', { option: 'out' });
  const t0 = performance.now();
  const built = await buildBasemap(extract, { minZoom: numberOption(values['min-zoom'], 'min-zoom'), maxZoom: numberOption(values['max-zoom'], 'max-zoom') });
  fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  fs.writeFileSync(values.out, built.archive);
  const counts = Object.entries(built.features).map(([k, v]) => `${v} ${k}`).join(', ');
  process.stdout.write(`wrote ${values.out}: ${built.tiles} tiles, ${(built.archive.length / 1e6).toFixed(2)} MB (${counts}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return EXIT.ok;
}
