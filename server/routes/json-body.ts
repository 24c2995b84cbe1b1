import type { Request } from 'express';
import { HttpProblem } from '../problem.ts';

/** The parsed JSON object body of a request; 415 when it was not sent as application/json, 400 when not an object. */
export function jsonBody(req: Request): Record<string, unknown> {
  const len = Number(req.headers['content-length'] ?? 0);
  const hasBody = len > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return {};
  if (!req.is('application/json')) {
    throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', `send the body as application/json, got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'no Content-Type'}`);
  }
  const body = req.body as unknown;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(400, 'BAD_BODY', 'Bad request', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
