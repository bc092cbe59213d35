import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_MAIN, SERVER_NODE_FLAGS } from './launch.js';

describe('the Node host launch', () => {
  it('npm start runs the entry module with the flags the benches measure', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(['tsx', ...SERVER_NODE_FLAGS, SERVER_MAIN].join(' '));
  });
});
