import type { MiddlewareHandler } from 'hono';

/**
 * The one inline script of web/index.html (it starts the subnet view's data request before the modules
 * load) is allowed by its hash; web/_headers carries the same policy for the Workers static assets, and
 * tests/web/security-headers.test.ts keeps the three in step.
 */
export const INLINE_SCRIPT_HASHES = ["'sha256-PLACEHOLDER'"];

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' ${INLINE_SCRIPT_HASHES.join(' ')}`,
  // preact sets style attributes and Swagger UI injects <style>; no script can run from either
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const HSTS = 'max-age=31536000; includeSubDomains';

/** Headers every answer carries, on both hosts (static files on Workers get them from web/_headers). */
export function securityHeaderValues(https: boolean): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(https ? { 'strict-transport-security': HSTS } : {}),
  };
}

/** Sets the headers after the handler, so every answer gets them (errors and 404s too). */
export function securityHeaders(publicUrl: string | undefined): MiddlewareHandler {
  const publicHttps = publicUrl?.startsWith('https:') ?? false;
  return async (c, next) => {
    await next();
    const https = publicHttps || new URL(c.req.url).protocol === 'https:';
    for (const [k, v] of Object.entries(securityHeaderValues(https))) c.res.headers.set(k, v);
  };
}
