/**
 * Whether a request is a browser navigation (the address bar, a link, a reload), which may be answered
 * with the app's page at any path: its routes live in the hash. Scripts, styles, images and fetches of a
 * missing file get a 404 instead, so a typo or a stale module address fails loudly, not as HTML.
 * Browsers send Sec-Fetch-Mode: navigate; an older one, or a client without Fetch Metadata, asks for
 * text/html in Accept.
 */
export function isNavigation(headers: { get(name: string): string | null }): boolean {
  const mode = headers.get('sec-fetch-mode');
  if (mode) return mode.toLowerCase() === 'navigate';
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(headers.get('accept') ?? '');
}

/** What the answer for a missing file depends on, for caches between the browser and us. */
export const NAVIGATION_VARY = 'accept, sec-fetch-mode';
