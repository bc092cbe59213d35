/** The exporters' counters as a flows item carries them (pure). */
import { MAX_FLOW_EXPORTERS, type FlowExporter } from '../../schema/kinds/flows.js';
import type { ExporterCounters } from './types.js';

const SAFE = Number.MAX_SAFE_INTEGER;
/** A count as the schema takes it: a whole number, 0 to Number.MAX_SAFE_INTEGER. */
export const clampCount = (v: number) => (v >= SAFE ? SAFE : v > 0 ? Math.floor(v) : 0);
const clamp = clampCount;

export const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The exporters as an item carries them: at most MAX_FLOW_EXPORTERS, the most recently heard first. */
export function exporterList(exporters: readonly ExporterCounters[]): FlowExporter[] {
  return [...exporters]
    .sort((a, b) => b.lastSeenMs - a.lastSeenMs || order(a.address, b.address))
    .slice(0, MAX_FLOW_EXPORTERS)
    .map((e) => ({
      address: e.address,
      packets: clamp(e.packets),
      flows: clamp(e.flows),
      drops: Object.fromEntries(Object.entries(e.drops).map(([k, v]) => [k, clamp(v ?? 0)])),
      templates: clamp(e.templates),
      sequenceGaps: clamp(e.sequenceGaps),
      pending: clamp(e.pending),
      samplingRate: Math.min(16_777_216, Math.max(1, Math.floor(e.samplingRate) || 1)),
      versions: [...new Set(e.versions)].filter((v): v is 5 | 9 | 10 => v === 5 || v === 9 || v === 10).sort((a, b) => a - b),
      firstSeenAt: clamp(e.firstSeenMs),
      lastSeenAt: clamp(e.lastSeenMs),
    }));
}

/** Changes whenever an exporter is heard from: an item then carries the new counters even without flows. */
export const exporterState = (exporters: readonly ExporterCounters[]) => exporters.map((e) => `${e.address}:${e.packets}:${e.lastSeenMs}`).join(',');
