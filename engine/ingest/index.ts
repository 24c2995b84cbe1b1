/** Ingest: operator exports (MDS JSON, CSV, Parquet, gzipped or not) → `trips`, `rejects`, `uploads`. */
export { ingestFile, ingestUpload, type IngestOptions, type IngestReport } from './ingest-file.ts';
export { listUploads, getUpload, listRejects, groupRejects, type UploadRow, type RejectRow, type RejectGroup } from './uploads.ts';
export { ROW_CHECKS } from './row-checks.ts';
export { mapCsvHeader, type ColumnUse, type CsvField } from './csv-mapping.ts';
export { parseTimestamp, isValidTimeZone } from './parse-time.ts';
export type { InputFormat } from './open-input.ts';
export { rejectGroups, rejectsCsv, type RejectSampleGroup, type RejectGroupsOptions } from './reject-report.ts';
export { ENCODING_CHOICES, type EncodingChoice, type EncodingDecision, type TextEncoding } from './decide-encoding.ts';
export { DEFAULT_INGEST_LIMITS, INFLATE_RATIO, type IngestLimits } from './input-limits.ts';
export { loadServiceArea, serviceAreaAround, type ServiceArea } from './service-area.ts';
