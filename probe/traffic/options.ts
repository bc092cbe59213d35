/** What the traffic runners need from the probe's configuration, and what both do first. */
import { canonicalIp } from '../../schema/ip/cidr.js';
import { specialTarget, unmapIPv4 } from '../../schema/ip/special.js';
import type { PortRange } from '../config.js';
import { deadlineSignal } from '../deadline.js';
import type { JobContext } from '../jobs/types.js';
import { targetAllowed } from '../operations/allow.js';

export interface TrafficOptions {
  iperf3Bin: string;
  /** TRAFFIC_PORTS: where this probe's iperf3 listener may go. */
  ports: readonly PortRange[];
  /** ALLOWED_TARGETS (CIDRs); empty: any. */
  allowedTargets: readonly string[];
}

/** The Debian package iperf3 comes in, named when the binary is missing. */
export const IPERF3_APT = 'iperf3';

/** A run's failure with the stable code the server stores (job_status `code`). */
export class TrafficFailed extends Error {
  constructor(
    readonly code: 'connect_failed' | 'port_in_use' | 'tool_failed' | 'tool_missing' | 'timeout' | 'stopped',
    message: string,
  ) {
    super(message);
  }
}

export const portAllowed = (port: number, ports: readonly PortRange[]) => ports.some((r) => port >= r.from && port <= r.to);

/** Why this probe must not send test traffic to `target`, or null (pure). */
export function targetRefusal(target: string, allowed: readonly string[]): string | null {
  const ip = unmapIPv4(canonicalIp(target) ?? target);
  const special = specialTarget(ip);
  if (special) return `${special}; the probe does not run traffic tests there`;
  return targetAllowed(ip, allowed) ? null : `${ip} is outside this probe's ALLOWED_TARGETS; the probe does not run traffic tests there`;
}

/** The job's own time limit and the probe's stop in one signal. */
export function runSignal(ctx: Pick<JobContext, 'signal'>, timeoutMs: number) {
  const { signal, timedOut } = deadlineSignal(ctx.signal, timeoutMs);
  return { signal, timedOut };
}
