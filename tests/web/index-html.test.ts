import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = join(process.cwd(), 'web');

describe('web/index.html', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]!);

  it('preloads every module of the UI, so the browser fetches them at once instead of as a waterfall', () => {
    const modules = ['lib', 'components', 'pages'].flatMap((dir) =>
      readdirSync(join(WEB, dir))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `/${dir}/${f}`),
    );
    expect(preloaded.filter((p) => !p.startsWith('/vendor/')).sort()).toEqual(modules.sort());
  });

  it('maps every bare import to a vendored file that npm install produced', () => {
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!).imports as Record<string, string>;
    const vendored = readdirSync(join(WEB, 'vendor'));
    for (const file of Object.values(map)) expect(vendored).toContain(file.replace('/vendor/', ''));
    for (const file of preloaded.filter((p) => p.startsWith('/vendor/'))) expect(Object.values(map)).toContain(file);
  });
});
