/**
 * parkzones engine: the public surface the server, CLI, benchmarks and tests use.
 * Pipeline: ingest (engine/ingest) → store (engine/store) → binning (engine/bin) → zones (engine/zones) → export (engine/export).
 */
export { ParkzonesError, isParkzonesError, requireOption, type ErrorCode, type ErrorLocation } from './errors.ts';
export { projectRoot } from './project-root.ts';
export { SCHEMA_VERSION } from './store/schema.ts';
export { migrateStore, schemaVersion, type MigrationProgress } from './store/migrate.ts';
export { STORED_CELL_RESOLUTIONS, endCellSql } from './store/cell-columns.ts';
export { openStore, defaultStorePath, Store, type StoreOptions, type Row } from './store/open-store.ts';
export * from './h3/index.ts';
export * from './ingest/index.ts';
export * from './access/index.ts';
export * from './privacy/index.ts';
export * from './export/index.ts';
export * from './tiles/index.ts';
export * from './bin/index.ts';
export * from './zones/index.ts';
export * from './basemap/index.ts';
export * from './publish/index.ts';
