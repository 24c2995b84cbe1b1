import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cellToBoundary } from '../h3/h3-js.ts';
import { ParkzonesError } from '../errors.ts';
import { cellToHex } from '../h3/index.ts';
import type { Store } from '../store/open-store.ts';
import type { DemandCells } from './demand-cells.ts';
import type { ParkedPeaks } from './parked-peaks.ts';

/** File formats of {@link writeDemandCells}, chosen by the file's extension. */
export type CellFileFormat = 'geojson' | 'csv' | 'parquet';

/** The file format a cells output name asks for; BAD_OPTION for anything else. */
export function cellFileFormat(file: string): CellFileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw new ParkzonesError('BAD_OPTION', `--out: the file must end in .geojson, .csv or .parquet, got "${file}"`, { option: 'out' });
}

/** Demand cells as a GeoJSON FeatureCollection of hexagons ([lng, lat] rings) with the demand as properties. */
export function demandCellsToGeoJSON(d: DemandCells, parked?: ParkedPeaks): { type: 'FeatureCollection'; features: unknown[] } {
  const features = [];
  for (let i = 0; i < d.count; i++) {
    const hex = cellToHex(d.cell[i]!);
    features.push({
      type: 'Feature',
      id: hex,
      properties: cellProperties(d, i, hex, parked),
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(hex, true)] },
    });
  }
  return { type: 'FeatureCollection', features };
}

function cellProperties(d: DemandCells, i: number, hex: string, parked?: ParkedPeaks) {
  return {
    cell: hex,
    res: d.res,
    trips: d.trips[i],
    devices: d.devices[i],
    days: d.days[i],
    weekday_trips: d.weekdayTrips[i],
    median_parked_s: Number.isNaN(d.medianParkedS[i]) ? null : d.medianParkedS[i],
    ...(parked ? { parked_peak: parked.peak[i], parked_p85: parked.percentilePeak[i] } : {}),
    profile: Array.from(d.profile.subarray(i * 24, i * 24 + 24)),
  };
}

const CSV_HEADER = ['cell', 'lat', 'lng', 'trips', 'devices', 'days', 'weekday_trips', 'median_parked_s', ...Array.from({ length: 24 }, (_, h) => `h${h}`)];

function csvLines(d: DemandCells, parked?: ParkedPeaks): string[] {
  const lines = [(parked ? [...CSV_HEADER.slice(0, 8), 'parked_peak', 'parked_p85', ...CSV_HEADER.slice(8)] : CSV_HEADER).join(',')];
  for (let i = 0; i < d.count; i++) {
    const medianParked = d.medianParkedS[i]!;
    lines.push(
      [cellToHex(d.cell[i]!), d.lat[i]!.toFixed(7), d.lng[i]!.toFixed(7), d.trips[i], d.devices[i], d.days[i], d.weekdayTrips[i],
        Number.isNaN(medianParked) ? '' : medianParked, ...(parked ? [parked.peak[i], parked.percentilePeak[i]] : []), ...d.profile.subarray(i * 24, i * 24 + 24)].join(','),
    );
  }
  return lines;
}

/**
 * Writes demand cells to a GeoJSON, CSV or Parquet file (by extension). Cell ids appear as the usual hex string;
 * Parquet also carries the 64-bit id as `cell_id` (UBIGINT) for joins in DuckDB.
 */
export async function writeDemandCells(store: Store, d: DemandCells, file: string, parked?: ParkedPeaks): Promise<void> {
  const format = cellFileFormat(file);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (format === 'geojson') {
    fs.writeFileSync(file, JSON.stringify(demandCellsToGeoJSON(d, parked)) + '\n');
    return;
  }
  if (format === 'csv') {
    fs.writeFileSync(file, csvLines(d, parked).join('\n') + '\n');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-cells-'));
  try {
    const tmp = path.join(dir, 'cells.csv');
    fs.writeFileSync(tmp, csvLines(d, parked).join('\n') + '\n');
    const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
    await store.run(
      `COPY (SELECT cell, ('0x' || cell)::UBIGINT AS cell_id, * EXCLUDE (cell)
             FROM read_csv(${q(tmp)}, header = true, types = {'cell': 'VARCHAR'}))
       TO ${q(path.resolve(file))} (FORMAT parquet)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
