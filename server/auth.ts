import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { can, ParkzonesError, rolesFor, verifyKey, type Action, type Principal, type Store } from '../engine/index.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified caller, or null when the request carries no credentials. Set by {@link authenticate}. */
    principal?: Principal | null;
  }
}

/**
 * Reads `Authorization: Bearer <token>` and sets `req.principal`. No header → null (routes decide whether that is
 * enough); a header with an unknown, revoked or malformed token → 401 right away.
 */
export function authenticate(store: Store): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) {
      req.principal = null;
      return next();
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ParkzonesError('UNAUTHORIZED', 'Authorization must be "Bearer <API key>"');
    const principal = await verifyKey(store, m[1]!);
    if (!principal) throw new ParkzonesError('UNAUTHORIZED', 'unknown or revoked API key');
    req.principal = principal;
    next();
  };
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
