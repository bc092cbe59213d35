/**
 * The Workers host's reference data for the lookup tools: the IEEE OUI table in its compact form (the organisation
 * names, one sorted string per registry: schema/oui-compact.ts), generated from oui-data on `npm install`
 * (scripts/oui-compact.ts) and bundled. Imported statically: its strings are compiled once with the script and nothing
 * is built from them, so the first lookup costs what any other does (docs/BENCHMARKS.md). No offline ASN data: its
 * files (~32 MB) do not fit a Worker, so /api/tools/asn answers 501 here.
 */
import { CompactOui } from '../../schema/oui-compact.js';
import type { ToolData } from '../deps.js';
import { ouiLines } from './generated/oui.js';

const table = new CompactOui(ouiLines);

export const edgeTools: ToolData = {
  ouiTable: async () => table,
  dataFile: async () => null,
};
