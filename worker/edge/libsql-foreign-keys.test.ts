import { describe, expect, it } from 'vitest';
import { withForeignKeys, withoutPragmaResult } from './libsql-foreign-keys.js';

const PRAGMA = { type: 'execute', stmt: { sql: 'PRAGMA foreign_keys = ON', want_rows: false } };
const del = { type: 'execute', stmt: { sql: 'DELETE FROM subnets WHERE id = ?', args: [{ type: 'integer', value: '1' }], want_rows: false } };
const ok = (type: string) => ({ type: 'ok', response: { type } });

describe('withForeignKeys', () => {
  it.each([
    ['a request that opens a stream (no baton)', { requests: [del, { type: 'close' }] }, true],
    ['one with a null baton', { baton: null, requests: [del] }, true],
    ['one that continues a stream (its connection has the PRAGMA already)', { baton: 'b1', requests: [del] }, false],
  ])('%s', (_what, body, added) => {
    const out = withForeignKeys(body);
    expect(out.added).toBe(added);
    expect(out.body.requests).toEqual(added ? [PRAGMA, ...body.requests] : body.requests);
  });
});

describe('withoutPragmaResult', () => {
  it('drops the first result and keeps the rest as they were', () => {
    const body = { baton: null, base_url: null, results: [ok('execute'), ok('batch'), ok('close')] };
    expect(withoutPragmaResult(body)).toEqual({ baton: null, base_url: null, results: [ok('batch'), ok('close')] });
  });

  it.each([
    ['the PRAGMA failed', { baton: null, results: [{ type: 'error', error: { message: 'not allowed' } }, ok('execute')] }, /PRAGMA foreign_keys = ON failed .*not allowed/],
    ['no results at all', { baton: null, results: [] }, /without results/],
  ])('throws when %s', (_what, body, message) => {
    expect(() => withoutPragmaResult(body)).toThrow(message);
  });
});
