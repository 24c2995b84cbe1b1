import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { HttpProblem } from './problem.ts';

/** Options of {@link authFailureLimiter}. */
export interface AuthFailureLimit {
  /** Failed authentications (a bad, unknown or revoked key) allowed per client address per window. Default 30. */
  limit: number;
  /** Window, milliseconds. Default 15 minutes. */
  windowMs: number;
}

/** Defaults of {@link AuthFailureLimit}. */
export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = {
  limit: 30, // failed authentications per client address per window
  windowMs: 15 * 60_000, // ms
};

/**
 * Security headers (helmet): a Content-Security-Policy, `frame-ancestors 'none'` and `X-Frame-Options: DENY`
 * everywhere, `nosniff`, `Referrer-Policy: no-referrer`. The page's policy allows what MapLibre needs: scripts and
 * its worker file from this origin (`worker-src 'self' blob:`), WebGL (no policy needed), inline style attributes
 * set by the map, `data:`/`blob:` images; with a configured basemap (`basemapStyleUrl`), style, tiles and glyphs
 * from any https origin and from the style's own origin. The API's responses get `default-src 'none'`: they are data, never a page.
 * @param options.basemapStyleUrl the configured basemap style, or null for the built-in offline style
 */
export function securityHeaders(options: { basemapStyleUrl: string | null }): RequestHandler {
  const remote = options.basemapStyleUrl ? ['https:', ...originOf(options.basemapStyleUrl)] : [];
  const common = {
    xFrameOptions: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    // Served over plain HTTP on a city's own machine: no HSTS, no upgrade of its requests.
    strictTransportSecurity: false,
  };
  const page = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...remote],
        fontSrc: ["'self'", 'data:', ...remote],
        connectSrc: ["'self'", ...remote],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const api = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/')) {
      res.set('Cache-Control', 'no-store');
      return api(req, res, next);
    }
    return page(req, res, next);
  };
}

/** The origin of a URL as a CSP source (`http://127.0.0.1:9`), or none when it has none or is https (covered). */
function originOf(url: string): string[] {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' ? [u.origin] : [];
  } catch {
    return [];
  }
}

/**
 * A rate limit on failed authentication, per client address: a request whose key was bad (see server/auth.ts,
 * `req.authFailure`) counts; once `limit` such requests came within `windowMs`, further ones get 429 with
 * Retry-After (seconds). Requests with a valid key or none are never counted nor refused, so a valid key is never
 * locked out by someone guessing from the same address.
 */
export function authFailureLimiter(options: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => !req.authFailure,
    handler: (req, res, next) => {
      const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
      const resetMs = info?.resetTime?.getTime() ?? Date.now() + options.windowMs;
      const retryS = Math.max(1, Math.ceil((resetMs - Date.now()) / 1000));
      res.set('Retry-After', String(retryS));
      next(new HttpProblem(429, 'TOO_MANY_AUTH_FAILURES', 'Too many requests', `too many requests with a bad API key from this address; try again in ${retryS} s`));
    },
  });
}
