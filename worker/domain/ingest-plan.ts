import { contains, ipKey, parseIp, type Cidr } from '../../schema/ip/cidr.js';
import type { SweepResult } from '../../schema/protocol.js';
import type { HostStatus } from '../../schema/tables/index.js';
import { nextState, type Observation } from './state.js';

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
  samples: { ip: string; at: number; up: boolean; latencyMs: number | null }[];
  events: { ip: string; at: number; from: HostStatus; to: HostStatus }[];
  hourly: { ip: string; hour: number; samples: number; upSamples: number; latencySumMs: number }[];
  /** Reported addresses that are not valid addresses of the subnet. */
  ignored: string[];
}

function canonicalIn(cidr: Cidr, text: string): string | null {
  try {
    const ip = parseIp(text);
    return contains(cidr, ip) ? ip.text : null;
  } catch {
    return null;
  }
}

function newHost(ip: string, cidr: Cidr): TrackedHost {
  return {
    ip,
    ipKey: ipKey(parseIp(ip).value, cidr.family),
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
 * Applies sweeps of one subnet, oldest first, to the hosts the database holds for it.
 * Only answering addresses create rows; silent addresses without a row stay absent.
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

  const observe = (ip: string, at: number, seen: Observation, latencyMs: number | null) => {
    let host = state.get(ip);
    if (!host) {
      if (seen !== 'answered') return;
      host = newHost(ip, cidr);
      state.set(ip, host);
    }
    const next = nextState(host, seen, downAfter);
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
    plan.samples.push({ ip, at, up, latencyMs: up ? latencyMs : null });
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
    const answered = new Map<string, number | null>();
    for (const u of sweep.up) {
      const ip = canonicalIn(cidr, u.ip);
      if (ip) answered.set(ip, u.latencyMs);
      else plan.ignored.push(u.ip);
    }
    for (const [ip, latency] of answered) observe(ip, sweep.at, 'answered', latency);
    const silent = sweep.complete
      ? [...state.keys()].filter((ip) => !answered.has(ip))
      : sweep.down.map((t) => canonicalIn(cidr, t) ?? (plan.ignored.push(t), null)).filter((ip): ip is string => !!ip);
    for (const ip of silent) if (!answered.has(ip)) observe(ip, sweep.at, 'silent', null);
  }

  plan.hosts = [...touched].map((ip) => state.get(ip)!);
  plan.hourly = [...hourly.values()];
  return plan;
}
