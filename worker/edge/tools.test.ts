/** The Worker's OUI table (worker/edge/generated/oui.js, written on npm install) against oui-data's full table, as the Node host has it. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CompactOui } from '../../schema/oui-compact.js';
import { lookupOui, matchAssignment, type OuiTable } from '../../schema/oui.js';
import { edgeTools } from './tools.js';

const full = createRequire(import.meta.url)('oui-data') as Record<string, string>;
const keys = Object.keys(full);

describe('edgeTools.ouiTable', () => {
  it('is the compact form, loaded once', async () => {
    const table = await edgeTools.ouiTable();
    expect(table).toBeInstanceOf(CompactOui);
    expect(await edgeTools.ouiTable()).toBe(table);
  });

  it.each<[string, number]>([
    ['MA-L', 6],
    ['MA-M', 7],
    ['MA-S', 9],
  ])('gives every %s assignment the vendor the full table gives', async (registry, width) => {
    const compact = (await edgeTools.ouiTable()) as OuiTable;
    const own = keys.filter((k) => k.length === width);
    expect(own.length).toBeGreaterThan(1000);
    for (const key of own) {
      // the whole MAC under the assignment, and its last digit's neighbour (present or absent in the registry)
      const next = (Number.parseInt(key.slice(-1), 16) ^ 1).toString(16).toUpperCase();
      for (const hex of [key.padEnd(12, '5'), (key.slice(0, -1) + next).padEnd(12, 'a')]) {
        expect(matchAssignment(hex, compact), hex).toEqual(matchAssignment(hex, full));
      }
    }
    const sample = own.filter((_, i) => i % 97 === 0).map((k) => k.padEnd(12, '0'));
    for (const hex of sample) expect(lookupOui(hex, compact), hex).toEqual(lookupOui(hex, full));
    expect(matchAssignment(own[0]!, compact)?.registry).toBe(registry);
  });
});
