import { describe, expect, it } from 'vitest';
import { IMPORT_FORMAT_IDS, IMPORT_FORMATS, importFormat } from './formats.js';
import { headerKey } from './sheet.js';

describe('IMPORT_FORMATS', () => {
  it('lists the five formats once each, in the order auto prefers', () => {
    expect(IMPORT_FORMAT_IDS).toEqual(['spreadsheet', 'phpipam-subnets', 'phpipam-addresses', 'netbox-prefixes', 'netbox-ip-addresses']);
    expect(IMPORT_FORMATS.map((f) => [f.id, f.target])).toEqual([
      ['spreadsheet', 'hosts'],
      ['phpipam-subnets', 'subnets'],
      ['phpipam-addresses', 'hosts'],
      ['netbox-prefixes', 'subnets'],
      ['netbox-ip-addresses', 'hosts'],
    ]);
    expect(importFormat('netbox-prefixes')?.label).toBe('NetBox prefixes');
    expect(importFormat('xlsx')).toBeUndefined();
  });

  it.each(IMPORT_FORMATS.map((f) => [f.id, f] as const))('%s: one required address field, fields and aliases unique', (_id, f) => {
    expect(f.fields.filter((x) => x.required)).toHaveLength(1);
    expect(new Set(f.fields.map((x) => x.field)).size).toBe(f.fields.length);
    const keys = f.fields.flatMap((x) => x.aliases.map(headerKey));
    expect(new Set(keys).size).toBe(keys.length);
    for (const x of f.fields) expect(x.aliases.every((a) => a === a.toLowerCase())).toBe(true);
  });

  it.each(IMPORT_FORMATS.map((f) => [f.id, f] as const))('%s recognises a header row of its own first aliases', (_id, f) => {
    expect(f.detect(f.fields.map((x) => x.aliases[0]!))).toBeGreaterThan(0);
    expect(f.detect(['colour', 'weight'])).toBe(0);
  });
});
