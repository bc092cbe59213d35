import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { contentSecurityPolicy, inlineScripts } from '../http/security-headers.js';
import { scriptHash } from '../http/static-headers.js';
import { isNavigation, NAVIGATION_VARY } from '../http/navigation.js';
import { versionedIndex } from './versioned-index.js';

/**
 * The web UI's files for the Node host, held in memory with their gzip form made once: a first visit asks for ~30
 * small files at once, and reading and compressing each per request (serveStatic + compress) queued them behind
 * each other and behind the data on one event loop. Files asked for at their content address (`?v=<hash>`, as the
 * rewritten index.html does) may be cached for good; anything else is revalidated by ETag (304).
 */
interface Asset {
  body: Buffer;
  type: string;
  version: string;
  etag: string;
  mtimeMs: number;
  gzipped?: Buffer;
  /** The page's own Content-Security-Policy (index.html: with the hashes of its inline scripts). */
  csp?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const hashOf = (body: Buffer) => createHash('sha256').update(body).digest('base64url').slice(0, 12);

function asset(body: Buffer, type: string, mtimeMs = 0): Asset {
  const version = hashOf(body);
  return { body, type, version, etag: `"${version}"`, mtimeMs };
}

export class WebAssets {
  private readonly files = new Map<string, Asset>();
  private index: Asset | null = null;
  private refreshedAt = 0;

  constructor(private readonly root: string) {
    this.refresh();
  }

  /** Re-reads what changed on disk (a stat per file), so edits to the UI show on the next page load. */
  refresh(): void {
    this.refreshedAt = Date.now();
    let changed = false;
    const present = new Set<string>();
    for (const rel of readdirSync(this.root, { recursive: true }) as string[]) {
      const file = join(this.root, rel);
      const st = statSync(file);
      if (!st.isFile() || !(extname(rel) in TYPES)) continue; // not the unit tests of the UI's helpers
      const path = `/${rel.split(sep).join('/')}`;
      present.add(path);
      const known = this.files.get(path);
      if (known && known.mtimeMs === st.mtimeMs && known.body.length === st.size) continue;
      this.files.set(path, asset(readFileSync(file), TYPES[extname(path)]!, st.mtimeMs));
      changed = true;
    }
    for (const path of this.files.keys()) if (!present.has(path)) (this.files.delete(path), (changed = true));
    if (changed || !this.index) this.index = this.renderIndex();
  }

  private renderIndex(): Asset {
    const page = this.files.get('/index.html');
    if (!page) throw new Error(`the web UI is missing: no index.html in ${this.root}`);
    const versions = new Map([...this.files].filter(([path]) => path !== '/index.html').map(([path, a]) => [path, a.version]));
    const html = versionedIndex(page.body.toString('utf8'), versions);
    // the rewritten import map changes with the files, so its hash is taken here, not written down
    return { ...asset(Buffer.from(html), page.type), csp: contentSecurityPolicy(inlineScripts(html).map(scriptHash)) };
  }

  /** Answers a GET for the UI: a file; the app's page at / and, for a navigation, at any other path (its routes live in the hash); else 404. */
  serve(c: Context): Response {
    const path = c.req.path;
    const page = path === '/' || path === '/index.html';
    let file = page ? undefined : this.files.get(path);
    // a page load re-reads what changed, so its addresses stay current; any other miss at most once a
    // second (a file added since is found), so a flood of 404s is not a walk of web/ per request
    if (!file && (page || Date.now() - this.refreshedAt > 1000)) {
      this.refresh();
      file = page ? undefined : this.files.get(path);
    }
    if (file) return respond(c, file, c.req.query('v') === file.version ? IMMUTABLE : REVALIDATE);
    if (page) return respond(c, this.index!, REVALIDATE);
    if (!isNavigation(c.req.raw.headers)) {
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': REVALIDATE, vary: NAVIGATION_VARY } });
    }
    const res = respond(c, this.index!, REVALIDATE);
    res.headers.set('vary', `accept-encoding, ${NAVIGATION_VARY}`);
    return res;
  }
}

function respond(c: Context, a: Asset, cacheControl: string): Response {
  const headers: Record<string, string> = { 'cache-control': cacheControl, etag: a.etag, vary: 'accept-encoding' };
  // on a 304 too: the browser replaces the stored page's headers with these
  if (a.csp) headers['content-security-policy'] = a.csp;
  const known = (c.req.header('if-none-match') ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (known.includes(a.etag)) return new Response(null, { status: 304, headers });
  headers['content-type'] = a.type;
  let body = a.body;
  if (COMPRESSIBLE.test(a.type) && a.body.length > 512 && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
    a.gzipped ??= gzipSync(a.body); // made on first use: the API docs' bundle is large and rarely asked for
    body = a.gzipped;
    headers['content-encoding'] = 'gzip';
  }
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}
