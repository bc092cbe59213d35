import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inlineScripts } from '../../worker/http/security-headers.js';
import { scriptHash, staticHeadersFile } from '../../worker/http/static-headers.js';

const index = readFileSync('web/index.html', 'utf8');

describe('web/_headers (the Workers host static files)', () => {
  it('is what scripts/write-headers.ts writes from the app policy and index.html: run it after changing either', () => {
    expect(readFileSync('web/_headers', 'utf8')).toBe(staticHeadersFile(index));
  });

  it('allows exactly the inline scripts of index.html', () => {
    const scripts = inlineScripts(index);
    expect(scripts.length).toBe(2); // the import map, the subnet view's early request
    const csp = /content-security-policy: (.*)/.exec(readFileSync('web/_headers', 'utf8'))![1]!;
    for (const js of scripts) expect(csp).toContain(scriptHash(js));
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
