import type { MiddlewareHandler } from 'hono';

/** The page's policy; `inlineScripts` are the hashes (`'sha256-…'`) of the inline scripts it may run. */
export function contentSecurityPolicy(inlineScripts: string[] = []): string {
  return [
  "default-src 'self'",
  ['script-src', "'self'", ...inlineScripts].join(' '),
  // preact sets style attributes and Swagger UI injects <style>; no script can run from either
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  ].join('; ');
}

/** Every inline <script> of a page (web/index.html has two: the import map, and the start of the subnet view's data request). */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?:\s+type="[^"]*")?>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

export const HSTS = 'max-age=31536000; includeSubDomains';

/** Headers every answer carries, on both hosts (static files on Workers get them from web/_headers). */
export function securityHeaderValues(https: boolean): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(https ? { 'strict-transport-security': HSTS } : {}),
  };
}

/**
 * Sets the headers after the handler, so every answer gets them (errors and 404s too). A page that carries
 * its own policy (the Node host's index.html, with the hashes of its inline scripts) keeps it.
 */
export function securityHeaders(publicUrl: string | undefined): MiddlewareHandler {
  const publicHttps = publicUrl?.startsWith('https:') ?? false;
  return async (c, next) => {
    await next();
    const https = publicHttps || new URL(c.req.url).protocol === 'https:';
    const missing = Object.entries(securityHeaderValues(https)).filter(([k]) => !c.res.headers.has(k));
    if (!missing.length) return;
    const set = (res: Response) => missing.forEach(([k, v]) => res.headers.set(k, v));
    try {
      set(c.res);
    } catch {
      // a response fetched from elsewhere (the live feed's Durable Object on Workers) has immutable headers
      const copy = new Response(c.res.body, c.res);
      set(copy);
      c.res = copy;
    }
  };
}
