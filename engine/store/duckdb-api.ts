/**
 * The values of @duckdb/node-api the engine uses, loaded with `require`. The package is CommonJS: imported from an
 * ES module, Node first parses each of its hundred-odd files with cjs-module-lexer to find their named exports,
 * 50–80 ms of every command's start on this machine (about a third of loading it; the rest is the native library).
 * Types still come from the package itself (`import type`).
 */
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

const api = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;

export const { DuckDBInstance, DuckDBDataChunk, DuckDBScalarFunction, BIGINT, DOUBLE, INTEGER, UBIGINT, VARCHAR, LIST, STRUCT, listValue } = api;
/** The instance type, under the same name as the value. */
export type DuckDBInstance = DuckDB.DuckDBInstance;
