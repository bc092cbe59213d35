/**
 * MAC vendors from the IEEE registries (oui-data: MA-L, MA-M and MA-S in one table keyed by 6, 7 or 9 upper-case
 * hex digits). The matching is schema/oui.ts's; this file loads the table on Node (the probe, and the Node host's
 * lookup tool: worker/node/tools.ts).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { matchVendor, type OuiTable } from '../../schema/oui.js';

export { matchVendor, type OuiTable };

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
