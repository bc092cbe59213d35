import { describe, expect, it } from 'vitest';
import { auditPath, compactDetails } from './audit-query.js';

const q = (s: string) => new URLSearchParams(s);
const params = (path: string) => Object.fromEntries(new URL(path, 'http://x').searchParams);
const local = (...a: [number, number, number, number?, number?, number?, number?]) => new Date(...a).toISOString();

describe('the audit page request', () => {
  it.each([
    ['', { limit: '50' }],
    ['action=user.*', { limit: '50', action: 'user.*' }],
    ['actor=%20admin%20', { limit: '50', actor: 'admin' }],
    ['actor=%20%20', { limit: '50' }],
    ['before=42', { limit: '50', before: '42' }],
    ['before=4x', { limit: '50' }],
    ['since=2026-02-30&until=yesterday', { limit: '50' }],
    ['since=2026-12-01&until=2026-12-02', { limit: '50', since: local(2026, 11, 1), until: local(2026, 11, 2, 23, 59, 59, 999) }],
    ['host=3&since=2026-12-01', { limit: '50', since: local(2026, 11, 1) }],
  ])('%s', (query, expected) => expect(params(auditPath(q(query), 50))).toEqual(expected));
});

describe('audit details on one line', () => {
  it.each([
    [null, ''],
    [{}, ''],
    [{ username: 'bob', role: 'viewer', password: '(hidden)' }, 'username=bob role=viewer password=(hidden)'],
    [{ disabled: true, tags: ['a', 'b'], n: 3 }, 'disabled=true tags=["a","b"] n=3'],
    [{ patch: { probeId: null } }, 'patch={"probeId":null}'],
  ])('%j', (details, text) => expect(compactDetails(details)).toBe(text));
});
