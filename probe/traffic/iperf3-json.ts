/** iperf3's `-J` report → the `traffic` result (schema/kinds/traffic.ts), or the failure it reports. Pure. */
import { MAX_TRAFFIC_RAW_CHARS, MAX_TRAFFIC_SECONDS, trafficResult, type TrafficResult } from '../../schema/kinds/traffic.js';

export type TrafficFailureCode = 'connect_failed' | 'tool_failed';

export type Iperf3Parsed =
  | { ok: true; result: TrafficResult }
  /** `refused`: the far end answered "Connection refused" (its listener may not be up yet: worth another try). */
  | { ok: false; code: TrafficFailureCode; message: string; refused: boolean };

type Sum = { bytes?: unknown; bits_per_second?: unknown; seconds?: unknown; retransmits?: unknown; jitter_ms?: unknown; lost_packets?: unknown; packets?: unknown; lost_percent?: unknown };
interface Report {
  start?: { version?: unknown; test_start?: { protocol?: unknown } };
  intervals?: { streams?: unknown; sum?: Sum }[];
  end?: { sum_sent?: Sum; sum_received?: Sum; sum?: Sum; cpu_utilization_percent?: { host_total?: unknown; remote_total?: unknown } };
  error?: unknown;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const whole = (v: unknown): number | null => {
  const n = num(v);
  return n === null ? null : Math.max(0, Math.round(n));
};
const fail = (code: TrafficFailureCode, message: string, refused = false): Iperf3Parsed => ({ ok: false, code, message, refused });

/** iperf3's connect failures (refused, no route, unreachable, timed out) are `connect_failed`; anything else `tool_failed`. */
export function iperf3Failure(error: string): Iperf3Parsed {
  const message = error.slice(0, 500);
  if (/unable to connect|connection refused|no route to host|network is unreachable|connection timed out|connect timeout/i.test(error)) {
    return fail('connect_failed', message, /connection refused/i.test(error));
  }
  return fail('tool_failed', message);
}

/** The report with the per-stream interval entries dropped; null when even that is over MAX_TRAFFIC_RAW_CHARS. */
export function trimRaw(report: unknown): string | null {
  const r = report as Report;
  const trimmed = Array.isArray(r.intervals) ? { ...r, intervals: r.intervals.map(({ streams: _s, ...rest }) => rest) } : r;
  const text = JSON.stringify(trimmed);
  return text.length <= MAX_TRAFFIC_RAW_CHARS ? text : null;
}

/** `text`: iperf3's whole stdout with -J (one JSON document, also when it failed). */
export function parseIperf3Json(text: string): Iperf3Parsed {
  let report: Report;
  try {
    report = JSON.parse(text) as Report;
  } catch {
    return fail('tool_failed', `iperf3 did not write a JSON report: ${text.trim().slice(0, 200) || 'no output'}`);
  }
  if (typeof report !== 'object' || report === null) return fail('tool_failed', 'iperf3 wrote JSON that is not a report');
  if (typeof report.error === 'string' && report.error) return iperf3Failure(report.error);
  const end = report.end ?? {};
  const udp = String(report.start?.test_start?.protocol ?? '').toUpperCase() === 'UDP';
  // TCP: sender and receiver sums; UDP: `sum` holds the receiver's jitter and loss (sum_sent/sum_received where present)
  const sent = end.sum_sent ?? end.sum;
  const received = end.sum_received ?? end.sum;
  const sentBps = num(sent?.bits_per_second);
  const receivedBps = num(received?.bits_per_second);
  if (!sent || !received || sentBps === null || receivedBps === null) return fail('tool_failed', 'iperf3 report has no end summary (sum_sent/sum_received)');
  const loss = udp ? end.sum : undefined;
  const cpu = end.cpu_utilization_percent;
  const intervals = (report.intervals ?? [])
    .map((i) => num(i.sum?.bits_per_second))
    .filter((b): b is number => b !== null)
    .slice(0, MAX_TRAFFIC_SECONDS + 5);
  const candidate = {
    protocol: udp ? 'udp' : 'tcp',
    sentBps,
    receivedBps,
    sentBytes: num(sent.bytes) ?? 0,
    receivedBytes: num(received.bytes) ?? 0,
    seconds: num(sent.seconds) ?? num(received.seconds) ?? 0,
    retransmits: udp ? null : whole(end.sum_sent?.retransmits),
    jitterMs: loss ? num(loss.jitter_ms) : null,
    lostPackets: loss ? whole(loss.lost_packets) : null,
    packets: loss ? whole(loss.packets) : null,
    lossPercent: loss ? num(loss.lost_percent) : null,
    cpuLocalPercent: num(cpu?.host_total),
    cpuRemotePercent: num(cpu?.remote_total),
    intervals,
    version: typeof report.start?.version === 'string' ? report.start.version.slice(0, 100) : null,
    raw: trimRaw(report),
  };
  const checked = trafficResult.safeParse(candidate);
  if (!checked.success) return fail('tool_failed', `iperf3 report out of bounds: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message ?? ''}`);
  return { ok: true, result: checked.data };
}
