import type { NextFunction, Request, Response } from 'express';
import { isParkzonesError, type ErrorCode } from '../engine/index.ts';

/**
 * RFC 9457 problem details: every error the API returns is `application/problem+json` with `type`, `title`,
 * `status`, `detail`, plus our `code` and, where it applies, the `option` / `field` / `row` / `position` at fault.
 */

/** THE table: engine error code → HTTP status and title. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, { status: number; title: string }>> = {
  BAD_OPTION: { status: 400, title: 'Bad parameter' },
  BAD_FILE: { status: 400, title: 'Unreadable file' },
  BAD_FORMAT: { status: 422, title: 'Unsupported file format' },
  BAD_MAPPING: { status: 422, title: 'Columns cannot be mapped' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  TOO_LARGE: { status: 413, title: 'Content too large' },
  CONFLICT: { status: 409, title: 'Conflict' },
  EMPTY_INPUT: { status: 422, title: 'Nothing to work on' },
  INTERNAL: { status: 500, title: 'Internal error' },
  STORE_INCONSISTENT: { status: 500, title: 'Store inconsistent' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
};

/** Media type of problem responses. */
export const PROBLEM_TYPE = 'application/problem+json';

/** A problem+json body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * An HTTP-level failure that has no engine error code (unsupported media type, unknown route, wrong method).
 * Throw it from a handler; the error middleware renders it.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

function typeUri(code: string): string {
  return `urn:parkzones:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The problem body and status for any thrown value; unknown errors become a 500 without internals. */
export function toProblem(err: unknown, instance?: string): Problem {
  if (isParkzonesError(err)) {
    const { status, title } = STATUS_BY_CODE[err.code];
    const loc = Object.fromEntries(Object.entries(err.location).filter(([, v]) => v !== undefined));
    return { type: typeUri(err.code), title, status, detail: err.message, code: err.code, ...loc, ...(instance ? { instance } : {}) };
  }
  if (err instanceof HttpProblem) {
    return { type: typeUri(err.code), title: err.title, status: err.status, detail: err.message, code: err.code, ...err.extra, ...(instance ? { instance } : {}) };
  }
  // body-parser errors carry a status and a type.
  const e = err as { status?: number; type?: string; message?: string; expose?: boolean };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const code = e.type === 'entity.too.large' ? 'TOO_LARGE' : e.type === 'entity.parse.failed' ? 'BAD_BODY' : 'BAD_REQUEST';
    const detail = e.type === 'entity.parse.failed' ? `the request body is not valid JSON: ${e.message}` : (e.expose && e.message) || 'bad request';
    return { type: typeUri(code), title: e.type === 'entity.too.large' ? 'Content too large' : 'Bad request', status: e.status, detail, code, ...(instance ? { instance } : {}) };
  }
  return { type: typeUri('INTERNAL'), title: 'Internal error', status: 500, detail: 'an unexpected error occurred; it has been logged', code: 'INTERNAL', ...(instance ? { instance } : {}) };
}

/** Sends a problem response. */
export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(problem.status).set({ 'Content-Type': PROBLEM_TYPE, ...headers }).send(JSON.stringify(problem));
}

/** Bytes of an unread request body we discard so that the client can read an early error answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** Lets a client that is still sending a body read our answer: discard the rest (bounded), then close. */
function drainUnreadBody(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  if (req.listenerCount('data') > 0) return; // someone is already draining
  let n = 0;
  req.on('data', (c: Buffer) => {
    n += c.length;
    if (n > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}

/** Express error middleware: every error → problem+json; 5xx are logged with their stack. */
export function problemMiddleware(log: (msg: string) => void = (m) => console.error(m)) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const problem = toProblem(err, req.originalUrl.split('?')[0]);
    if (!req.complete) drainUnreadBody(req, res);
    if (problem.status >= 500) log(`${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}`);
    sendProblem(res, problem, problem.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="parkzones"' } : {});
  };
}
