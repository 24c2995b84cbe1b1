import type { Request } from 'express';
import { checkBbox, ParkzonesError, validateFilter, type BboxLngLat, type DemandFilter } from '../engine/index.ts';

/** Query-string parsing: every bad value is a BAD_OPTION naming the parameter (→ 400 problem). */

function bad(option: string, message: string): never {
  throw new ParkzonesError('BAD_OPTION', `${option}: ${message}`, { option });
}

/** One string parameter (the last when repeated), or undefined when absent. */
export function qString(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  if (typeof s !== 'string') bad(name, 'must be a plain value');
  return s;
}

/** A comma-separated (or repeated) list parameter, or undefined when absent. */
export function qList(req: Request, name: string): string[] | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => {
    if (typeof x !== 'string') bad(name, 'must be a comma-separated list');
    return x.split(',');
  });
  const list = parts.map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) bad(name, 'must name at least one value');
  return list;
}

/** A whole-number parameter within [min, max], or `def` when absent. */
export function qInt(req: Request, name: string, opts: { min: number; max: number; def: number }): number;
export function qInt(req: Request, name: string, opts: { min: number; max: number; def?: undefined }): number | undefined;
export function qInt(req: Request, name: string, opts: { min: number; max: number; def?: number }): number | undefined {
  const s = qString(req, name);
  if (s === undefined || s === '') return opts.def;
  if (!/^-?\d+$/.test(s)) bad(name, `must be a whole number ${opts.min}–${opts.max}, got "${s}"`);
  const n = Number(s);
  if (n < opts.min || n > opts.max) bad(name, `must be a whole number ${opts.min}–${opts.max}, got ${n}`);
  return n;
}

/** One of `choices`, or `def` when absent. */
export function qChoice<T extends string>(req: Request, name: string, choices: readonly T[], def: T): T {
  const s = qString(req, name);
  if (s === undefined || s === '') return def;
  if (!(choices as readonly string[]).includes(s)) bad(name, `must be one of ${choices.join(', ')}, got "${s}"`);
  return s as T;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `bbox=west,south,east,north` (degrees, WGS84, as OGC API / STAC), or undefined when absent; checked by the engine's
 * rules (west > east crosses the antimeridian).
 */
export function qBbox(req: Request, name = 'bbox'): BboxLngLat | undefined {
  const s = qString(req, name);
  if (s === undefined) return undefined;
  const parts = s.split(',').map((x) => x.trim());
  if (parts.length !== 4) bad(name, `must be 4 comma-separated numbers west,south,east,north (degrees, WGS84), got "${s}"`);
  const bad1 = parts.find((x) => !DECIMAL.test(x));
  if (bad1 !== undefined) bad(name, `must be 4 decimal numbers west,south,east,north (degrees, WGS84), got "${bad1}" in "${s}"`);
  const bbox = parts.map(Number);
  checkBbox(bbox, name);
  return bbox;
}

/** A positive integer path id (uploads, runs), else BAD_OPTION. */
export function pathId(req: Request, name: string): number {
  const s = String((req.params as Record<string, string>)[name]);
  if (!/^\d{1,15}$/.test(s) || Number(s) < 1) bad(name, `must be a positive whole number, got "${s}"`);
  return Number(s);
}

/** The demand filter of a request: `from`, `to`, `hours`, `days`, `providers`, `tz`; checked by the engine's rules. */
export function demandFilterOf(req: Request): DemandFilter {
  const filter: DemandFilter = {};
  const from = qString(req, 'from');
  const to = qString(req, 'to');
  const tz = qString(req, 'tz');
  const days = qString(req, 'days');
  const hours = qList(req, 'hours');
  const providers = qList(req, 'providers') ?? qList(req, 'provider');
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (tz) filter.tz = tz;
  if (days) filter.days = days as DemandFilter['days'];
  if (hours) {
    filter.hours = hours.map((h) => {
      if (!/^\d{1,2}$/.test(h) || Number(h) > 23) bad('hours', `each hour must be a whole number 0–23, got "${h}"`);
      return Number(h);
    });
    filter.hours = [...new Set(filter.hours)].sort((a, b) => a - b);
  }
  if (providers) filter.providers = [...new Set(providers)].sort();
  validateFilter(filter);
  return filter;
}
