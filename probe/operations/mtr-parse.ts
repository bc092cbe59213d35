/** mtr's `--json` report as an operation result (pure). */
import { canonicalIp } from '../../schema/ip/cidr.js';
import { MAX_OPERATION_HOPS, type MtrHop, type MtrResult } from '../../schema/kinds/operation.js';

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) / 1000 : null;
};

/** Throws when the text is not an mtr JSON report. A hop that never answered ("???") has no address and null times. */
export function parseMtrJson(text: string): MtrResult {
  const report = (JSON.parse(text) as { report?: { mtr?: { tests?: unknown }; hubs?: unknown } }).report;
  if (!report || !Array.isArray(report.hubs)) throw new Error('not an mtr JSON report');
  const hops: MtrHop[] = [];
  for (const raw of report.hubs as Record<string, unknown>[]) {
    const hop = num(raw.count);
    if (hop === null || hop < 1 || hop > MAX_OPERATION_HOPS) continue;
    const address = typeof raw.host === 'string' ? canonicalIp(raw.host) : null;
    const sent = num(raw.Snt) ?? 0;
    const loss = Math.min(1, Math.max(0, (num(raw['Loss%']) ?? 100) / 100));
    const answered = address !== null && loss < 1;
    hops.push({
      hop,
      address,
      name: null,
      loss: Math.round(loss * 10_000) / 10_000,
      sent: Math.min(10_000, Math.round(sent)),
      lastMs: answered ? num(raw.Last) : null,
      avgMs: answered ? num(raw.Avg) : null,
      bestMs: answered ? num(raw.Best) : null,
      worstMs: answered ? num(raw.Wrst) : null,
      stdevMs: answered ? num(raw.StDev) : null,
    });
  }
  return { tool: 'mtr', cycles: Math.min(100, num(report.mtr?.tests) ?? 0), hops };
}
