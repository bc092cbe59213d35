import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../deps.js';
import { createApiToken, login, logout, SESSION_COOKIE } from '../services/auth.js';
import { errors, json, jsonBody, router } from './common.js';

const Credentials = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
const Me = z.object({
  username: z.string().nullable(),
  via: z.enum(['session', 'token']),
  expiresAt: z.string().nullable().openapi({ description: 'when the session ends (ISO 8601); null for an API token' }),
});

/** Login is public; it is mounted before the auth middleware. */
export function loginRoutes(deps: AppDeps) {
  return router().openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/login',
      tags: ['auth'],
      request: jsonBody(Credentials),
      responses: { 200: json(z.object({ username: z.string(), expiresAt: z.string() }), 'Logged in; sets the session cookie'), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const session = await login(deps, username, password);
      setCookie(c, SESSION_COOKIE, session.cookieValue, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: new URL(c.req.url).protocol === 'https:',
        path: '/',
        maxAge: deps.config.sessionTtlSeconds,
      });
      return c.json({ username, expiresAt: new Date(session.expiresAt).toISOString() }, 200);
    },
  );
}

export function authRoutes(deps: AppDeps) {
  return router()
    .openapi(
      createRoute({ method: 'post', path: '/api/auth/logout', tags: ['auth'], responses: { 204: { description: 'Logged out' }, 401: errors[401] } }),
      async (c) => {
        await logout(deps, getCookie(c, SESSION_COOKIE));
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({ method: 'get', path: '/api/auth/me', tags: ['auth'], responses: { 200: json(Me, 'Who is calling'), 401: errors[401] } }),
      (c) => {
        const p = c.get('principal');
        return c.json({ username: p.username, via: p.via, expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString() }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tokens',
        tags: ['auth'],
        request: jsonBody(z.object({ name: z.string().trim().min(1).max(100) })),
        responses: {
          201: json(z.object({ id: z.number(), name: z.string(), token: z.string(), createdAt: z.string() }), 'The token, shown only this once'),
          400: errors[400],
          401: errors[401],
        },
      }),
      async (c) => c.json(await createApiToken(deps, c.req.valid('json').name, c.get('principal').userId), 201),
    );
}
