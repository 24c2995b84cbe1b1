/**
 * The store's tables. Analysts query them directly with DuckDB, so names and columns are an interface:
 * change them only with a migration. See ../../README.md "Data model".
 */
import { cellColumnsDdl } from './cell-columns.ts';

/**
 * 1: the first tables. 2: trips carry their H3 end cells at resolutions 7–12 (store/cell-columns.ts).
 * 3: trips carry their device's next start (store/next-start.ts).
 */
export const SCHEMA_VERSION = 3;

/**
 * DDL run on every open; idempotent.
 * `trips` has no PRIMARY KEY index: (provider_id, trip_id) is kept unique by the ingest, which checks each upload
 * against the store with a hash join inside its transaction and runs one at a time (Store.exclusive). An ART index
 * on two text columns cost 4 s per million rows at insert and grows in memory with the table.
 */
export const SCHEMA_SQL = `
CREATE SEQUENCE IF NOT EXISTS upload_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1;
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS uploads (
  upload_id BIGINT PRIMARY KEY,
  provider_id VARCHAR,
  file_name VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_stored BIGINT NOT NULL,
  rows_duplicate BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  status VARCHAR NOT NULL,
  columns JSON
);
-- What the upload's report says beyond the counts (warnings, rejects by reason, location precision); stores made
-- before it get the column here.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS notes JSON;
CREATE TABLE IF NOT EXISTS trips (
  provider_id VARCHAR NOT NULL,
  trip_id VARCHAR NOT NULL,
  device_id VARCHAR,
  vehicle_type VARCHAR,
  trip_type VARCHAR,
  start_time TIMESTAMPTZ NOT NULL,
  end_time TIMESTAMPTZ NOT NULL,
  start_lat DOUBLE,
  start_lng DOUBLE,
  end_lat DOUBLE NOT NULL,
  end_lng DOUBLE NOT NULL,
  distance_m DOUBLE,
  duration_s DOUBLE,
  upload_id BIGINT NOT NULL,
  ${cellColumnsDdl()},
  next_start TIMESTAMPTZ,
  next_known BOOLEAN DEFAULT false
);
CREATE TABLE IF NOT EXISTS providers (
  provider_id VARCHAR PRIMARY KEY,
  provider_name VARCHAR
);
CREATE TABLE IF NOT EXISTS rejects (
  upload_id BIGINT NOT NULL,
  row_number BIGINT NOT NULL,
  field VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  raw VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
  run_id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  params JSON NOT NULL,
  input_filter JSON NOT NULL,
  status VARCHAR NOT NULL,
  progress DOUBLE NOT NULL DEFAULT 0,
  stage VARCHAR,
  stats JSON,
  error VARCHAR
);
CREATE TABLE IF NOT EXISTS zones (
  run_id BIGINT NOT NULL,
  zone_id VARCHAR NOT NULL,
  rank INTEGER NOT NULL,
  center_lat DOUBLE NOT NULL,
  center_lng DOUBLE NOT NULL,
  cell UBIGINT NOT NULL,
  capacity INTEGER NOT NULL,
  covered_trips BIGINT NOT NULL,
  share DOUBLE NOT NULL,
  footprint JSON NOT NULL,
  catchment UBIGINT[] NOT NULL,
  profile INTEGER[] NOT NULL,
  PRIMARY KEY (run_id, zone_id)
);
-- Each zone's trip-weighted median walk, metres (engine/zones/zone-walk.ts); stores made before it get the column
-- here, and their runs' zones keep NULL (no walk of their own).
ALTER TABLE zones ADD COLUMN IF NOT EXISTS median_walk_m DOUBLE;
CREATE TABLE IF NOT EXISTS api_keys (
  key_id VARCHAR PRIMARY KEY,
  role VARCHAR NOT NULL,
  provider_id VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  hash VARCHAR NOT NULL,
  salt VARCHAR NOT NULL,
  label VARCHAR
);
-- Plans (issue 13): a run's name, note, parent and author, and a plan's edits. One row per named or edited run;
-- runs without a row have no name. Which run the city marked current is meta key 'current_run_id'.
CREATE TABLE IF NOT EXISTS run_labels (
  run_id BIGINT PRIMARY KEY,
  name VARCHAR,
  note VARCHAR,
  parent_run_id BIGINT,
  author_role VARCHAR,
  kind VARCHAR NOT NULL DEFAULT 'run',
  edits JSON
);
-- End of plans.
-- BEGIN publications (engine/publish): a run's lifecycle draft → proposed → published → retired.
-- A run without a row here is a draft; every move is one row of publication_events.
CREATE SEQUENCE IF NOT EXISTS publication_event_seq START 1;
CREATE TABLE IF NOT EXISTS publications (
  run_id BIGINT PRIMARY KEY,
  state VARCHAR NOT NULL,
  proposed_at TIMESTAMPTZ,
  published_at TIMESTAMPTZ,
  effective_date TIMESTAMPTZ,
  retire_date TIMESTAMPTZ,
  prev_run_id BIGINT,
  required_parking BOOLEAN NOT NULL DEFAULT true,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS publication_events (
  event_id BIGINT PRIMARY KEY,
  run_id BIGINT NOT NULL,
  moved_at TIMESTAMPTZ NOT NULL,
  actor_role VARCHAR NOT NULL,
  actor_key_id VARCHAR,
  from_state VARCHAR NOT NULL,
  to_state VARCHAR NOT NULL,
  effective_date TIMESTAMPTZ,
  retire_date TIMESTAMPTZ,
  note VARCHAR
);
-- END publications
INSERT INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING;
`;
