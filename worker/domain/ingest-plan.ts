import { ipKey, type Cidr, type Ip } from '../../schema/ip/cidr.js';
import type { SweepResult } from '../../schema/protocol.js';
import type { HostStatus } from '../../schema/tables/index.js';
import { parseIpFast } from './ip-text.js';
import { nextState, type Observation } from './state.js';
import { sweepSpan, type Span } from './sweep-checks.js';

const HOUR_MS = 3_600_000;

/** The monitoring columns of a host row, as ingest reads and rewrites them. */
export interface TrackedHost {
  ip: string;
  ipKey: string;
  status: HostStatus;
  consecutiveFailures: number;
  latencyMs: number | null;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  lastCheckedAt: number | null;
  lastChangeAt: number | null;
  timesSeen: number;
}

export interface IngestPlan {
  /** Final state of every host the sweeps touched (new ones included), keyed by ip when written. */
  hosts: TrackedHost[];
  /** Every observation in time order, with the host's status after it (the alerting counts answers in a row). */
  samples: { ip: string; at: number; up: boolean; latencyMs: number | null; status: HostStatus }[];
  events: { ip: string; at: number; from: HostStatus; to: HostStatus }[];
  hourly: { ip: string; hour: number; samples: number; upSamples: number; latencySumMs: number }[];
  /** Reported addresses that are not usable addresses of the subnet inside the sweep's range. */
  ignored: string[];
}

/** The address if it is a usable one inside the span (so never an IPv4 network or broadcast address), else null. */
function addressIn(cidr: Cidr, span: Span, text: string): Ip | null {
  try {
    const ip = parseIpFast(text);
    return ip.family === cidr.family && ip.value >= span.first && ip.value <= span.last ? ip : null;
  } catch {
    return null;
  }
}

function newHost(ip: Ip): TrackedHost {
  return {
    ip: ip.text,
    ipKey: ipKey(ip.value, ip.family),
    status: 'unknown',
    consecutiveFailures: 0,
    latencyMs: null,
    firstSeenAt: null,
    lastSeenAt: null,
    lastCheckedAt: null,
    lastChangeAt: null,
    timesSeen: 0,
  };
}

/**
 * Applies sweeps of one subnet, oldest first, to the hosts the database holds for it. `current` must hold
 * every host inside the span of each complete sweep and every address the incomplete ones list; it may hold
 * more. A complete sweep marks silent only the hosts inside its span (its `range`, or the usable range).
 * Only answering addresses create rows; silent addresses without a row stay absent. A sweep whose range is not
 * the subnet's is skipped (ingest refuses it before planning).
 */
export function planIngest(
  cidr: Cidr,
  current: ReadonlyArray<TrackedHost>,
  sweeps: ReadonlyArray<SweepResult>,
  downAfter: number,
): IngestPlan {
  const state = new Map(current.map((h) => [h.ip, { ...h }]));
  const touched = new Set<string>();
  const plan: IngestPlan = { hosts: [], samples: [], events: [], hourly: [], ignored: [] };
  const hourly = new Map<string, IngestPlan['hourly'][number]>();

  const observe = (address: Ip | string, at: number, seen: Observation, latencyMs: number | null) => {
    const ip = typeof address === 'string' ? address : address.text;
    let host = state.get(ip);
    if (!host) {
      if (seen !== 'answered' || typeof address === 'string') return;
      host = newHost(address);
      state.set(ip, host);
    }
    const next = nextState({ ...host, everAnswered: host.timesSeen > 0 }, seen, downAfter);
    if (next.status !== host.status) {
      plan.events.push({ ip, at, from: host.status, to: next.status });
      host.lastChangeAt = at;
    }
    host.status = next.status;
    host.consecutiveFailures = next.consecutiveFailures;
    host.lastCheckedAt = at;
    const up = seen === 'answered';
    if (up) {
      host.latencyMs = latencyMs;
      host.firstSeenAt ??= at;
      host.lastSeenAt = at;
      host.timesSeen += 1;
    }
    touched.add(ip);
    plan.samples.push({ ip, at, up, latencyMs: up ? latencyMs : null, status: host.status });
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
    const key = `${ip}@${hour}`;
    const bucket = hourly.get(key) ?? { ip, hour, samples: 0, upSamples: 0, latencySumMs: 0 };
    bucket.samples += 1;
    if (up) {
      bucket.upSamples += 1;
      bucket.latencySumMs += latencyMs ?? 0;
    }
    hourly.set(key, bucket);
  };

  for (const sweep of [...sweeps].sort((a, b) => a.at - b.at)) {
    const span = sweepSpan(cidr, sweep);
    if (!span) continue;
    const answered = new Map<string, { ip: Ip; latencyMs: number | null }>();
    for (const u of sweep.up) {
      const ip = addressIn(cidr, span, u.ip);
      if (ip) answered.set(ip.text, { ip, latencyMs: u.latencyMs });
      else plan.ignored.push(u.ip);
    }
    for (const { ip, latencyMs } of answered.values()) observe(ip, sweep.at, 'answered', latencyMs);
    const silent = sweep.complete
      ? [...state.values()].filter((h) => h.ipKey >= span.firstKey && h.ipKey <= span.lastKey && !answered.has(h.ip)).map((h) => h.ip)
      : new Set(sweep.down.map((t) => addressIn(cidr, span, t)?.text ?? (plan.ignored.push(t), null)).filter((ip): ip is string => !!ip));
    for (const ip of silent) if (!answered.has(ip)) observe(ip, sweep.at, 'silent', null);
  }

  plan.hosts = [...touched].map((ip) => state.get(ip)!);
  plan.hourly = [...hourly.values()];
  return plan;
}
