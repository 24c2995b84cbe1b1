/** Ingest: operator exports (MDS JSON, CSV, Parquet, gzipped or not) → `trips`, `rejects`, `uploads`. */
export { ingestFile, type IngestOptions, type IngestReport } from './ingest-file.ts';
export { listUploads, getUpload, listRejects, type UploadRow, type RejectRow } from './uploads.ts';
export { ROW_CHECKS } from './row-checks.ts';
export { mapCsvHeader, type ColumnUse, type CsvField } from './csv-mapping.ts';
export { parseTimestamp, isValidTimeZone } from './parse-time.ts';
export type { InputFormat } from './open-input.ts';
export { rejectGroups, rejectsCsv, type RejectGroup, type RejectGroupsOptions } from './reject-report.ts';
export { ENCODING_CHOICES, type EncodingChoice, type EncodingDecision, type TextEncoding } from './decide-encoding.ts';
export { DEFAULT_INGEST_LIMITS, INFLATE_RATIO, type IngestLimits } from './input-limits.ts';
