import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { csrfVerdict } from './auth/csrf.js';
import { allows, type Role } from './auth/roles.js';
import type { AppDeps } from './deps.js';
import { AppError } from './errors.js';
import { principalFromSession, principalFromToken, SESSION_COOKIE, type Principal } from './services/auth.js';

export type AppEnv = { Variables: { principal: Principal } };

const bearerOf = (c: Context) => /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];

/** The dashboard's own origin: PUBLIC_URL's when set (behind a proxy the request URL may say http), else the request's. */
export function ownOrigin(deps: AppDeps, c: Context): string {
  return new URL(deps.config.publicUrl ?? c.req.url).origin;
}

/** Refuses cookie-authenticated changes (and logins) sent from any other origin, before anything is read or written. */
export function requireSameOrigin(deps: AppDeps, loginPath: string): MiddlewareHandler {
  return async (c, next) => {
    const verdict = csrfVerdict({
      method: c.req.method,
      origin: c.req.header('origin'),
      secFetchSite: c.req.header('sec-fetch-site'),
      ownOrigin: ownOrigin(deps, c),
      cookieAuth: !bearerOf(c) && getCookie(c, SESSION_COOKIE) !== undefined,
      isLogin: c.req.path === loginPath,
    });
    if (!verdict.ok) throw new AppError(403, 'cross_origin', `refused: ${verdict.reason}`);
    await next();
  };
}

/** The one path a token of the `metrics` scope may call. */
export const METRICS_PATH = '/metrics';

/**
 * Accepts a session cookie or `Authorization: Bearer <api token>`; everything else is 401. A token of the `metrics`
 * scope is 403 `token_scope` anywhere but METRICS_PATH.
 */
export function requireAuth(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bearer = bearerOf(c);
    const cookie = getCookie(c, SESSION_COOKIE);
    const principal = bearer ? await principalFromToken(deps, bearer) : cookie ? await principalFromSession(deps, cookie) : null;
    if (!principal) throw new AppError(401, 'unauthorized', bearer ? 'invalid or expired API token' : 'log in or send an API token');
    if (principal.scope === 'metrics' && c.req.path !== METRICS_PATH) {
      throw new AppError(403, 'token_scope', `this token's scope is metrics: it may call GET ${METRICS_PATH} only`);
    }
    c.set('principal', principal);
    await next();
  };
}

/** 403 unless the caller's role (a token's, capped by its user's) reaches `needed`. */
export function requireRole(needed: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    if (!p || !allows(p.role, needed)) throw new AppError(403, 'forbidden', `needs the ${needed} role${p ? ` (you are ${p.role})` : ''}`);
    await next();
  };
}
