import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { WebAssets } from '../../worker/node/web-assets.js';

const importMap = (html: string) => JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!).imports as Record<string, string>;

/** The Node host's UI files, served by the same handler the server mounts. */
function appFor(root: string) {
  const web = new WebAssets(root);
  const app = new Hono();
  app.get('/*', (c) => web.serve(c));
  return app;
}

describe('the UI files on the Node host', () => {
  const app = appFor(join(process.cwd(), 'web'));

  it('addresses every module of the real index.html by content, so the browser may keep them', async () => {
    const res = await app.request('/');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]!);
    expect(preloads.length).toBeGreaterThan(20);
    for (const href of preloads) expect(href).toMatch(/\?v=[\w-]{12}$/);
    const map = importMap(html);
    for (const href of preloads.filter((p) => !p.startsWith('/vendor/'))) expect(map[href.split('?')[0]!]).toBe(href);

    const versioned = await app.request(preloads.find((p) => p.startsWith('/lib/api.js'))!);
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(versioned.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await versioned.text()).toContain('export async function api');
  });

  it('revalidates a file asked for without its version, or with an old one, and answers 304 when unchanged', async () => {
    for (const path of ['/lib/api.js', '/lib/api.js?v=old']) {
      const res = await app.request(path);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]{12}"$/);
      for (const tags of [etag, `"other", W/${etag}`]) {
        const again = await app.request(path, { headers: { 'if-none-match': tags } });
        expect(again.status).toBe(304);
        expect(await again.text()).toBe('');
      }
      expect((await app.request(path, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    }
  });

  it('sends the gzip made once when the browser accepts it', async () => {
    const plain = await (await app.request('/vendor/ipaddr.mjs')).text();
    const res = await app.request('/vendor/ipaddr.mjs', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const zipped = Buffer.from(await res.arrayBuffer());
    expect(zipped.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(zipped).toString()).toBe(plain);
  });

  it('answers the app page at / and, for a navigation, at any path; never the UI helpers\u2019 unit tests', async () => {
    const navigations: Record<string, string>[] = [
      { 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, // no Fetch Metadata
    ];
    const page = async (path: string, headers: Record<string, string>) => {
      const res = await app.request(path, { headers });
      return [res.status, res.headers.get('content-type'), (await res.text()).includes('<script type="importmap">')];
    };
    for (const path of ['/', '/index.html']) expect(await page(path, {})).toEqual([200, 'text/html; charset=utf-8', true]);
    for (const path of ['/subnets/3', '/nope', '/lib/rows.test.ts']) {
      for (const headers of navigations) expect(await page(path, headers)).toEqual([200, 'text/html; charset=utf-8', true]);
    }
    const fallback = await app.request('/subnets/3', { headers: navigations[0] });
    expect(fallback.headers.get('vary')).toBe('accept-encoding, accept, sec-fetch-mode');
  });

  it('answers 404 for a missing file that is not a navigation: a script, a style, an image, a fetch', async () => {
    const requests: Record<string, string>[] = [
      {},
      { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script', accept: '*/*' },
      { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'script', accept: '*/*' }, // a module import
      { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image', accept: 'image/avif,image/webp,*/*' },
      { accept: 'text/css,*/*;q=0.1' },
    ];
    for (const path of ['/nope.js', '/lib/missing.js', '/favicon.ico', '/lib/rows.test.ts', '/subnets/3']) {
      for (const headers of requests) {
        const res = await app.request(path, { headers });
        expect([path, res.status, res.headers.get('content-type'), await res.text()]).toEqual([path, 404, 'text/plain; charset=utf-8', 'not found']);
        expect(res.headers.get('vary')).toBe('accept, sec-fetch-mode');
      }
    }
    expect((await app.request('/lib/api.js', { headers: requests[1] })).status).toBe(200);
  });
});

describe('edits to the UI on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'eipam-web-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('show on the next page load under a new address; the old address is no longer cached for good', async () => {
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'index.html'), '<script type="importmap">{"imports":{}}</script><script type="module" src="/app.js"></script>');
    writeFileSync(join(root, 'app.js'), "import './lib/a.js';");
    writeFileSync(join(root, 'lib', 'a.js'), 'export const a = 1;');
    const app = appFor(root);
    const before = await (await app.request('/')).text();
    const oldA = importMap(before)['/lib/a.js']!;

    writeFileSync(join(root, 'lib', 'a.js'), 'export const a = 2;');
    utimesSync(join(root, 'lib', 'a.js'), new Date(), new Date(Date.now() + 5000)); // a new mtime even on coarse clocks
    const after = await (await app.request('/')).text();
    const newA = importMap(after)['/lib/a.js']!;
    expect(newA).not.toBe(oldA);
    expect(after).toContain(`src="/app.js?v=`);

    const fresh = await app.request(newA);
    expect(await fresh.text()).toBe('export const a = 2;');
    expect(fresh.headers.get('cache-control')).toContain('immutable');
    expect((await app.request(oldA)).headers.get('cache-control')).toBe('no-cache');
  });
});
