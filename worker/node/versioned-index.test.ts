import { describe, expect, it } from 'vitest';
import { versionedIndex } from './versioned-index.js';

const PAGE = `<!doctype html><head>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/style.css">
  <script type="importmap">
    { "imports": { "preact": "/vendor/preact.mjs" } }
  </script>
  <link rel="modulepreload" href="/vendor/preact.mjs">
  <link rel="modulepreload" href="/lib/api.js">
  <script type="module" src="/app.js"></script>
  <a href="/docs">API</a> <a href="#/subnets">Subnets</a>
</head>`;

const VERSIONS = new Map([
  ['/favicon.svg', 'f1'],
  ['/style.css', 's1'],
  ['/vendor/preact.mjs', 'p1'],
  ['/vendor/swagger-ui-bundle.js', 'w1'],
  ['/lib/api.js', 'a1'],
  ['/app.js', 'm1'],
]);

const importMap = (html: string) => JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!).imports;

describe('index.html with content addresses', () => {
  const html = versionedIndex(PAGE, VERSIONS);

  it.each([
    ['the stylesheet', 'href="/style.css?v=s1"'],
    ['the icon', 'href="/favicon.svg?v=f1"'],
    ['a vendored module preload', 'href="/vendor/preact.mjs?v=p1"'],
    ['an own module preload', 'href="/lib/api.js?v=a1"'],
    ['the entry module', 'src="/app.js?v=m1"'],
  ])('addresses %s by content', (_what, attr) => expect(html).toContain(attr));

  it('leaves links to pages and routes alone', () => {
    expect(html).toContain('<a href="/docs">API</a>');
    expect(html).toContain('<a href="#/subnets">');
  });

  it('maps bare names and the plain paths modules import each other by to the versioned files', () => {
    expect(importMap(html)).toEqual({
      preact: '/vendor/preact.mjs?v=p1',
      '/app.js': '/app.js?v=m1',
      '/lib/api.js': '/lib/api.js?v=a1',
    });
  });

  it('changes only the address of a file whose content changed', () => {
    const next = versionedIndex(PAGE, new Map(VERSIONS).set('/lib/api.js', 'a2'));
    expect(importMap(next)['/lib/api.js']).toBe('/lib/api.js?v=a2');
    expect(next.replace(/a2/g, 'a1')).toBe(html);
  });

  it('keeps a path it has no version for as it was', () => {
    expect(versionedIndex(PAGE, new Map())).toContain('href="/lib/api.js"');
    expect(importMap(versionedIndex(PAGE, new Map()))).toEqual({ preact: '/vendor/preact.mjs' });
  });
});
