import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { escapeLike, hostFilterSql, type HostFilter } from './host-query.js';

const render = (f: HostFilter) => {
  const where = hostFilterSql(f);
  return where ? new SQLiteSyncDialect().sqlToQuery(where) : undefined;
};

describe('escapeLike', () => {
  it.each([
    ['10.0.', '10.0.'],
    ['50%', '50\\%'],
    ['a_b', 'a\\_b'],
    ['c:\\x', 'c:\\\\x'],
  ])('%j → %j', (text, escaped) => expect(escapeLike(text)).toBe(escaped));
});

describe('hostFilterSql', () => {
  it.each<[HostFilter, string[], unknown[]]>([
    [{}, [], []],
    [{ q: '   ' }, [], []],
    [{ q: ' NAS_1 ' }, ['"hosts"."ip" LIKE ?', '"hosts"."hostname" LIKE ?', 'lower(json_each.value) = ?'], ['nas\\_1%', '%nas\\_1%', 'nas_1']],
    [{ status: 'down' }, ['"hosts"."status" = ?'], ['down']],
    [{ subnetId: 4, tag: 'Backup' }, ['"hosts"."subnet_id" = ?', 'json_each.value = ?'], [4, 'Backup']],
    [
      { q: '198.18.', status: 'up', subnetId: 2, tag: 'db' },
      ['LIKE ?', '"hosts"."status" = ?', '"hosts"."subnet_id" = ?', ' and '],
      ['198.18.%', '%198.18.%', '198.18.', 'up', 2, 'db'],
    ],
  ])('%j', (filter, fragments, params) => {
    const q = render(filter);
    if (!fragments.length) return expect(q).toBeUndefined();
    for (const f of fragments) expect(q!.sql).toContain(f);
    expect(q!.params).toEqual(params);
  });
});
