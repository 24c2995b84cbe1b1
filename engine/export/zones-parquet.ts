import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../store/open-store.ts';
import { cellToHex } from '../h3/index.ts';
import type { ExportZone } from './zone-record.ts';

const COLUMNS = `{run_id: 'BIGINT', zone_id: 'VARCHAR', rank: 'INTEGER', center_lat: 'DOUBLE', center_lng: 'DOUBLE', h3: 'VARCHAR',
  capacity: 'INTEGER', covered_trips: 'BIGINT', share: 'DOUBLE', footprint: 'VARCHAR', catchment: 'VARCHAR[]', profile: 'INTEGER[]'}`;

/**
 * Zones as a Parquet file (bytes), written by DuckDB: the columns of the `zones` table with cell ids both as the
 * 64-bit `cell` (UBIGINT) and the hex `h3`, the footprint as GeoJSON text, catchment as UBIGINT[] — so that the same
 * SQL runs on it in DuckDB or a distributed engine.
 */
export async function zonesToParquet(store: Store, zones: readonly ExportZone[]): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-zones-parquet-'));
  try {
    const json = path.join(dir, 'zones.ndjson');
    const out = path.join(dir, 'zones.parquet');
    fs.writeFileSync(
      json,
      zones
        .map((z) =>
          JSON.stringify({
            run_id: z.runId, zone_id: z.zoneId, rank: z.rank, center_lat: z.centerLat, center_lng: z.centerLng, h3: cellToHex(z.cell),
            capacity: z.capacity, covered_trips: z.coveredTrips, share: z.share, footprint: JSON.stringify(z.footprint),
            catchment: z.catchment.map(cellToHex), profile: z.profile,
          }),
        )
        .join('\n') + '\n',
    );
    const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
    await store.run(
      `COPY (SELECT run_id, zone_id, rank, center_lat, center_lng, ('0x' || h3)::UBIGINT AS cell, h3, capacity, covered_trips, share,
                    footprint, list_transform(catchment, c -> ('0x' || c)::UBIGINT) AS catchment, profile
             FROM read_json(${q(json)}, format = 'newline_delimited', columns = ${COLUMNS}) ORDER BY rank)
       TO ${q(out)} (FORMAT parquet)`,
    );
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
