/**
 * MAC vendors from the IEEE registries (oui-data: MA-L, MA-M and MA-S in one table keyed by 6, 7 or 9 upper-case
 * hex digits). The table lives on the probe only; the server stores the vendor the probe sends.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isLocallyAdministered } from '../../schema/mac.js';

export type OuiTable = Readonly<Record<string, string>>;

/** The longest vendor name a sweep answer carries (schema/kinds/sweep.ts). */
const MAX_VENDOR = 128;
/** MA-S (36 bits), MA-M (28), MA-L (24): the longest assignment wins. */
const PREFIX_DIGITS = [9, 7, 6];

/**
 * The vendor of a normalised MAC in `table`: the first line (the organisation) of the longest matching
 * assignment, or null when none matches or the MAC is locally administered (randomised: never guessed). Pure.
 */
export function matchVendor(mac: string, table: OuiTable): string | null {
  if (isLocallyAdministered(mac)) return null;
  const hex = mac.replace(/:/g, '').toUpperCase();
  for (const digits of PREFIX_DIGITS) {
    const value = table[hex.slice(0, digits)];
    if (value === undefined) continue;
    const name = value.split('\n', 1)[0]!.trim().slice(0, MAX_VENDOR);
    return name || null;
  }
  return null;
}

let table: OuiTable | null = null;
let loading: Promise<void> | null = null;
// createRequire: a JSON import attribute is not yet accepted the same way by every loader we run under (tsx, vitest)
const require = createRequire(import.meta.url);

/** The IEEE table, loaded on first use (5.6 MB of JSON; a probe that never sees a MAC never loads it). */
export function ouiTable(): OuiTable {
  table ??= require('oui-data') as OuiTable;
  return table;
}

/**
 * Loads the table with the file read off the event loop (the Node host's built-in probe shares it with the server):
 * only the parse, ~50–90 ms once, is synchronous, where `ouiTable()` alone also reads 5.6 MB synchronously.
 */
export function ouiTableReady(): Promise<void> {
  loading ??= readFile(require.resolve('oui-data'), 'utf8').then(
    (text) => void (table ??= JSON.parse(text) as OuiTable),
    () => void ouiTable(),
  );
  return loading;
}

/** The vendor of a normalised MAC from the IEEE registries. */
export const vendorOf = (mac: string): string | null => matchVendor(mac, ouiTable());
