import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorBody } from '../errors.js';

/** Largest request bodies, by route: checked on Content-Length before reading, and counted while streaming. */
export const BODY_LIMITS = {
  login: 64 * 1024,
  csv: 8 * 1024 * 1024,
  json: 1024 * 1024,
} as const;

export function bodyLimitFor(path: string): number {
  if (path === '/api/auth/login') return BODY_LIMITS.login;
  if (path.startsWith('/api/import/')) return BODY_LIMITS.csv;
  return BODY_LIMITS.json;
}

const limiters = new Map(
  Object.values(BODY_LIMITS).map((maxSize) => [
    maxSize,
    bodyLimit({
      maxSize,
      // Connection: close, so the server does not read the rest of an oversized body to reuse the socket
      onError: (c) => c.json(errorBody('body_too_large', `the request body is larger than ${maxSize} bytes`, { limit: maxSize }), 413, { connection: 'close' }),
    }),
  ]),
);

export const limitBodies: MiddlewareHandler = (c, next) => limiters.get(bodyLimitFor(c.req.path))!(c, next);
