/**
 * The Workers host's reference data for the lookup tools: the IEEE OUI table, bundled (oui-data's JSON, ~1.8 MB of the
 * Worker's gzip size; see docs/BENCHMARKS.md) and evaluated on first use only. No offline ASN data: its files (~32 MB)
 * do not fit a Worker, so /api/tools/asn answers 501 here.
 */
import type { OuiTable } from '../../schema/oui.js';
import type { ToolData } from '../deps.js';

let table: Promise<OuiTable> | null = null;

export const edgeTools: ToolData = {
  ouiTable: () => (table ??= import('oui-data', { with: { type: 'json' } }).then((m) => m.default as OuiTable)),
  dataFile: async () => null,
};
