import { EXIT, reportError } from './cli-util.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  generate: { summary: 'write a seeded synthetic city as MDS, CSV or Parquet', load: async () => (await import('./cmd-generate.ts')).runGenerate },
  ingest: { summary: 'load trip exports into the store', load: async () => (await import('./cmd-ingest.ts')).runIngest },
  cells: { summary: 'demand per H3 cell to GeoJSON, CSV or Parquet', load: async () => (await import('./cmd-cells.ts')).runCells },
  propose: { summary: 'propose parking zones and store the run', load: async () => (await import('./cmd-propose.ts')).runPropose },
  runs: { summary: 'list, show, export, recompute and compare stored runs', load: async () => (await import('./cmd-runs.ts')).runRuns },
  basemap: { summary: 'build a street basemap (PMTiles) from an OpenStreetMap extract', load: async () => (await import('./cmd-basemap.ts')).runBasemap },
  export: { summary: 'the trips as Parquet partitioned by provider and month (Hive layout)', load: async () => (await import('./cmd-export.ts')).runExport },
  keys: { summary: 'create, list and revoke API keys', load: async () => (await import('./cmd-keys.ts')).runKeys },
};


const HELP = () => `parkzones — parking-zone analytics for micromobility trip data

usage: parkzones COMMAND [options]   (parkzones COMMAND --help for each)

${Object.entries(COMMANDS)
  .map(([k, v]) => `  ${k.padEnd(10)} ${v.summary}`)
  .join('\n')}
  serve      the API and map (npm start)

Store: $PARKZONES_DB (default ./data/parkzones.duckdb).
Exit codes: 0 ok, 1 internal error, 2 bad options, 3 bad input file, 4 not found, 5 store busy.
`;

/** Runs the command line `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`parkzones: unknown command "${name}"\n\n${HELP()}`);
    return EXIT.usage;
  }
  try {
    return await (await command.load())(rest);
  } catch (e) {
    return reportError(e);
  }
}

// A closed pipe (`parkzones … | head`) ends the command quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
});
process.exitCode = await main(process.argv.slice(2));
