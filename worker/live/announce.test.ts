import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../schema/live.js';
import type { AppDeps, LiveFeed } from '../deps.js';
import { announce, hostsEdited } from './announce.js';

function depsWith(live: LiveFeed) {
  const warnings: unknown[] = [];
  const log = { info() {}, error() {}, warn: (msg: string, fields?: unknown) => warnings.push([msg, fields]) };
  return { deps: { live, log } as unknown as AppDeps, warnings };
}

describe('announce', () => {
  it.each<[string, LiveFeed['publish'], number]>([
    ['delivers', async () => {}, 0],
    ['logs a rejected publish instead of throwing', async () => Promise.reject(new Error('feed down')), 1],
    ['logs a publish that throws synchronously', () => {
      throw new Error('boom');
    }, 1],
  ])('%s', async (_name, publish, warned) => {
    const seen: LiveEvent[] = [];
    const { deps, warnings } = depsWith({ publish: (e) => (seen.push(e), publish(e)), connect: async () => new Response() });
    await expect(announce(deps, { type: 'subnets', data: {} })).resolves.toBeUndefined();
    expect(seen).toEqual([{ type: 'subnets', data: {} }]);
    expect(warnings.length).toBe(warned);
  });
});

describe('hostsEdited', () => {
  it.each([
    [[3], [3]],
    [[3, 4, 3], [3, 4]],
    [[], []],
  ])('%j → subnetIds %j, no changes', (ids, subnetIds) => {
    expect(hostsEdited(ids)).toEqual({ type: 'hosts', data: { subnetIds, changes: [] } });
  });
});
