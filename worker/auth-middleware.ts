import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps } from './deps.js';
import { AppError } from './errors.js';
import { principalFromSession, principalFromToken, SESSION_COOKIE, type Principal } from './services/auth.js';

export type AppEnv = { Variables: { principal: Principal } };

/** Accepts a session cookie or `Authorization: Bearer <api token>`; everything else is 401. */
export function requireAuth(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, SESSION_COOKIE);
    const principal = bearer ? await principalFromToken(deps, bearer) : cookie ? await principalFromSession(deps, cookie) : null;
    if (!principal) throw new AppError(401, 'unauthorized', bearer ? 'invalid API token' : 'log in or send an API token');
    c.set('principal', principal);
    await next();
  };
}
