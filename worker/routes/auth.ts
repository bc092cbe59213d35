import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { recordAudit } from '../services/audit.js';
import { login, logout, SESSION_COOKIE, tooManyAttempts } from '../services/auth.js';
import { changeOwnPassword } from '../services/users.js';
import { RoleSchema } from './schemas.js';
import { errors, ErrorSchema, json, jsonBody, router, secured } from './common.js';

const Credentials = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export const NewPassword = z.string().min(10, 'at least 10 characters').max(200);
const Me = z.object({
  userId: z.number().int(),
  username: z.string(),
  role: RoleSchema,
  via: z.enum(['session', 'token']),
  expiresAt: z.string().nullable().openapi({ description: 'when the session (or token) ends (ISO 8601); null for a token without expiry' }),
});

/** Secure whenever the dashboard is reached over https (PUBLIC_URL says so behind a TLS-terminating proxy). */
function secureCookie(deps: AppDeps, c: Context): boolean {
  return deps.config.publicUrl?.startsWith('https:') || new URL(c.req.url).protocol === 'https:';
}

/** Login is public; it is mounted before the auth middleware. */
export function loginRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'public' }, {
      method: 'post',
      path: '/api/auth/login',
      tags: ['auth'],
      request: jsonBody(Credentials),
      responses: {
        200: json(z.object({ username: z.string(), role: RoleSchema, expiresAt: z.string() }), 'Logged in; sets the session cookie'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        429: json(ErrorSchema, 'Too many failed logins for this username or address; Retry-After says when to try again'),
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const clientAddress = deps.clientAddress(c.req.raw, c.env);
      const outcome = await login(deps, username, password, clientAddress);
      if (!outcome.ok) {
        await recordAudit(deps, { action: outcome.status === 429 ? 'auth.login_throttled' : 'auth.login_failed', actor: { userId: outcome.userId, name: username.slice(0, 100) }, clientAddress });
        if (outcome.status === 429) {
          c.header('retry-after', String(outcome.retryAfterSeconds));
          throw tooManyAttempts(outcome.retryAfterSeconds!);
        }
        throw new AppError(401, 'invalid_credentials', 'wrong username or password');
      }
      await recordAudit(deps, { action: 'auth.login', actor: { userId: outcome.user.id, name: outcome.user.username }, targetType: 'user', targetId: outcome.user.id, clientAddress });
      setCookie(c, SESSION_COOKIE, outcome.cookieValue, { httpOnly: true, sameSite: 'Strict', secure: secureCookie(deps, c), path: '/', maxAge: deps.config.sessionTtlSeconds });
      return c.json({ username: outcome.user.username, role: outcome.user.role, expiresAt: new Date(outcome.expiresAt).toISOString() }, 200);
    },
  );
}

export function authRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'post', path: '/api/auth/logout', tags: ['auth'], responses: { 204: { description: 'Logged out' }, 401: errors[401], 403: errors[403] } }),
      async (c) => {
        await logout(deps, getCookie(c, SESSION_COOKIE));
        deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(deps, c), sameSite: 'Strict' });
        return c.body(null, 204);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/auth/me', tags: ['auth'], responses: { 200: json(Me, 'Who is calling'), 401: errors[401] } }),
      (c) => {
        const p = c.get('principal');
        return c.json({ userId: p.userId, username: p.username, role: p.role, via: p.via, expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString() }, 200);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer', audit: 'user.change_own_password' }, {
        method: 'post',
        path: '/api/auth/password',
        tags: ['auth'],
        request: jsonBody(z.object({ currentPassword: z.string().min(1).max(200), newPassword: NewPassword })),
        responses: { 204: { description: 'Changed; every session of the user ends, log in again' }, ...errors },
      }),
      async (c) => {
        const p = c.get('principal');
        if (p.via !== 'session') throw new AppError(403, 'session_required', 'change your password from a logged-in session');
        const { currentPassword, newPassword } = c.req.valid('json');
        await changeOwnPassword(deps, p.userId, currentPassword, newPassword);
        deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(deps, c), sameSite: 'Strict' });
        return c.body(null, 204);
      },
    );
}
