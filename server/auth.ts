import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { can, ParkzonesError, rolesFor, verifyKey, type Action, type Principal, type Store } from '../engine/index.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified caller, or null when the request carries no credentials. Set by {@link authenticate}. */
    principal?: Principal | null;
    /** Why the request's credentials were refused (a bad, unknown or revoked key), set by {@link authenticate}. */
    authFailure?: ParkzonesError;
  }
}

/**
 * Reads `Authorization: Bearer <token>` and sets `req.principal`. No header → null (routes decide whether that is
 * enough); a header with an unknown, revoked or malformed token → principal null and `req.authFailure` set, for the
 * failure rate limit (server/security.ts) and {@link refuseBadKey} to act on: the routes open to anyone
 * (`/api/health`, `/api/config`) answer before that, as without a key.
 */
export function authenticate(store: Store): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) {
      req.principal = null;
      return next();
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = m ? await verifyKey(store, m[1]!) : null;
    req.principal = principal;
    if (!principal) req.authFailure = new ParkzonesError('UNAUTHORIZED', m ? 'unknown or revoked API key' : 'Authorization must be "Bearer <API key>"');
    next();
  };
}

/** 401 for a request whose key {@link authenticate} refused. */
export function refuseBadKey(req: Request, _res: Response, next: NextFunction): void {
  if (req.authFailure) throw req.authFailure;
  next();
}

/** The caller, or a 401 when the request carries no key. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new ParkzonesError('UNAUTHORIZED', 'this endpoint needs an API key (Authorization: Bearer <key>)');
  return req.principal;
}

/** Route guard: 401 without a key, 403 when the key's role may not do `action`. */
export function allow(action: Action): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const p = principalOf(req);
    if (!can(p.role, action)) {
      throw new ParkzonesError('FORBIDDEN', `role ${p.role} may not do this (needs ${rolesFor(action).join(' or ')})`);
    }
    next();
  };
}
