import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { escapeLike, hostFilterSql, macSearchTerm, textMacPrefix, type HostFilter } from './host-query.js';

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
    [{ q: ' NAS_1 ' }, ['"hosts"."ip" LIKE ?', '"hosts"."hostname" LIKE ?', 'lower(json_each.value) = ?', '"hosts"."vendor" LIKE ?'], ['nas\\_1%', '%nas\\_1%', 'nas_1', '%nas\\_1%']],
    // hex reads as the start of a MAC too: a range on the stored form (index-backed), beside the vendor substring
    [{ q: '00-0C-29' }, ['"hosts"."vendor" LIKE ?', '("hosts"."mac" >= ? AND "hosts"."mac" < ?)'], ['00-0c-29%', '%00-0c-29%', '00-0c-29', '%00-0c-29%', '00:0c:29', '00:0c:29~']],
    [{ mac: '00:0c:2' }, ['("hosts"."mac" >= ? AND "hosts"."mac" < ?)', '"hosts"."id" IN (SELECT d.host_id FROM host_devices d WHERE (d.mac >= ? AND d.mac < ?))'], ['00:0c:2', '00:0c:2~', '00:0c:2', '00:0c:2~']],
    [{ vendor: ' VMware_ ' }, ['"hosts"."vendor" LIKE ?'], ['%VMware\\_%']],
    [{ previouslyUsed: { is: true, silenceMs: 1000 } }, ['("hosts"."status" != \'up\' AND "hosts"."last_seen_at" IS NOT NULL AND "hosts"."last_checked_at" - "hosts"."last_seen_at" > ?)'], [1000]],
    [{ previouslyUsed: { is: false, silenceMs: 1000 } }, ['NOT ("hosts"."status" != \'up\''], [1000]],
    [{ status: 'down' }, ['"hosts"."status" = ?'], ['down']],
    [{ subnetId: 4, tag: 'Backup' }, ['"hosts"."subnet_id" = ?', 'json_each.value = ?'], [4, 'Backup']],
    [
      { q: '198.18.', status: 'up', subnetId: 2, tag: 'db' },
      ['LIKE ?', '"hosts"."status" = ?', '"hosts"."subnet_id" = ?', ' and '],
      ['198.18.%', '%198.18.%', '198.18.', '%198.18.%', 'up', 2, 'db'],
    ],
  ])('%j', (filter, fragments, params) => {
    const q = render(filter);
    if (!fragments.length) return expect(q).toBeUndefined();
    for (const f of fragments) expect(q!.sql).toContain(f);
    expect(q!.params).toEqual(params);
  });
});

describe('macSearchTerm', () => {
  it.each([
    ['00:0C:29:AB:CD:EF', '00:0c:29:ab:cd:ef'],
    ['000c.29ab.cdef', '00:0c:29:ab:cd:ef'],
    ['00-0c-2', '00:0c:2'],
    [' 0 ', '0'],
  ])('%j → %j', (text, prefix) => expect(macSearchTerm(text)).toBe(prefix));
  it.each(['', 'web', '00:0c:29:ab:cd:ef:01', 'g0'])('%j is 400 invalid_mac', (text) => {
    expect(() => macSearchTerm(text)).toThrow(AppError);
    try {
      macSearchTerm(text);
    } catch (e) {
      expect([(e as AppError).status, (e as AppError).code]).toEqual([400, 'invalid_mac']);
    }
  });
});

describe('textMacPrefix (q read as the start of a MAC)', () => {
  it.each([
    ['00:0C:29', '00:0c:29'],
    ['00-0c-29-a', '00:0c:29:a'],
    ['000c.29ab.c', '00:0c:29:ab:c'],
    ['000C29', '00:0c:29'],
    ['cafe', 'ca:fe'],
    ['198.18.', null],
    ['198.18.40.3', null],
    ['fd00:40:', null],
    ['fd00::1', null],
    ['web-1', null],
    ['00:0c:29:ab:cd:ef:00', null],
  ])('%j → %j', (text, prefix) => expect(textMacPrefix(text)).toBe(prefix));
});
