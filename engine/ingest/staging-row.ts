/**
 * One input row after parsing, before the row checks: canonical units (ms since epoch, degrees, metres, seconds).
 * A reader that cannot parse a field sets `badField`/`badReason` and leaves the rest as far as it got.
 */
export interface StagingRow {
  /** 1-based data row of the file: CSV record (header excluded), JSON trips element, Parquet row. */
  rowNumber: number;
  providerId: string | null;
  /** The provider's name, where the file gives one (MDS 1.x `provider_name`, a CSV column). */
  providerName: string | null;
  tripId: string | null;
  deviceId: string | null;
  vehicleType: string | null;
  tripType: string | null;
  startMs: number | null;
  endMs: number | null;
  startLat: number | null;
  startLng: number | null;
  endLat: number | null;
  endLng: number | null;
  distanceM: number | null;
  durationS: number | null;
  badField: string | null;
  badReason: string | null;
  /** The row as it was in the file (CSV line, JSON text), kept for the rejects table. */
  raw: string | null;
}

/** A StagingRow with every value unset. */
export function emptyStagingRow(rowNumber: number, raw: string | null): StagingRow {
  return {
    rowNumber, providerId: null, providerName: null, tripId: null, deviceId: null, vehicleType: null, tripType: null,
    startMs: null, endMs: null, startLat: null, startLng: null, endLat: null, endLng: null,
    distanceM: null, durationS: null, badField: null, badReason: null, raw,
  };
}

/** Marks a row as unparseable in `field` (the first problem wins). */
export function markBad(row: StagingRow, field: string, reason: string): void {
  if (row.badField === null) {
    row.badField = field;
    row.badReason = reason;
  }
}

/** Longest raw text kept per reject, characters. */
export const RAW_MAX_CHARS = 2000;

/** Rejects of one upload that keep their row's text in `rejects.raw` (the first by row); the others have none. */
export const RAW_MAX_REJECTS = 10_000;
