import { createHash } from 'node:crypto';
import { contentSecurityPolicy, inlineScripts, securityHeaderValues } from './security-headers.js';

/** The hash source of an inline script, as CSP spells it. */
export const scriptHash = (js: string) => `'sha256-${createHash('sha256').update(js).digest('base64')}'`;

/**
 * web/_headers for Workers static assets. HSTS is in: the deployed dashboard is always https, and a
 * browser ignores the header over plain http (wrangler dev).
 */
export function staticHeadersFile(indexHtml: string): string {
  const headers = { ...securityHeaderValues(true), 'content-security-policy': contentSecurityPolicy(inlineScripts(indexHtml).map(scriptHash)) };
  const lines = Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`);
  return `# Written by scripts/write-headers.ts; do not edit by hand.\n/*\n${lines.join('\n')}\n`;
}
