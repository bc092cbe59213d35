import { stepHostAlert, type HostStep } from './host-alerts.js';
import type { AlertDraft, AlertPolicy, HostAlert, MuteCheck, SubnetAlert } from './types.js';

export interface SubnetBatch {
  subnetId: number;
  probeId: number;
  policy: AlertPolicy;
  mute: MuteCheck;
  hosts: { hostId: number; prev: HostAlert | null; steps: HostStep[] }[];
  /** Alert states of the incident's hosts that are not in the batch (so recovery counts them too). */
  others: ReadonlyMap<number, HostAlert>;
  /** Hosts a later part of the same sweep will observe (probe/split.ts): while one of the incident's is still down, recovery waits for its part. */
  pending?: ReadonlySet<number>;
  subnet: SubnetAlert | null;
}

export interface SubnetDecision {
  /** New alert states of the hosts that have one. */
  hosts: Map<number, HostAlert>;
  /** Null: unchanged. */
  subnet: SubnetAlert | null;
  drafts: AlertDraft[];
}

/**
 * Turns one batch of a subnet's observations into events. More than `degradedShare` of its up hosts (and at
 * least `degradedMinHosts`) going down together is one "subnet degraded" listing them; while the subnet is
 * degraded, its hosts going down or coming back are part of that incident, not events of their own; it
 * recovers once too few of them are still down to count as degraded (listing those, who then get their own
 * "up" later). Muted flips are recorded muted and left for the window's end (`notified` stays as it was).
 */
export function decideSubnet(b: SubnetBatch): SubnetDecision {
  const { policy } = b;
  const hosts = new Map<number, HostAlert>();
  const flips: { hostId: number; at: number; to: 'up' | 'down'; mutedBy: number | null }[] = [];
  let upBefore = 0;
  for (const h of b.hosts) {
    if (h.prev?.state === 'up') upBefore++;
    const { next, flips: f } = stepHostAlert(h.prev, h.steps, policy);
    if (next) hosts.set(h.hostId, next);
    for (const x of f) flips.push({ hostId: h.hostId, ...x, mutedBy: b.mute({ hostId: h.hostId, subnetId: b.subnetId }, x.at) });
  }
  const drafts: AlertDraft[] = [];
  const base = { subnetId: b.subnetId, probeId: b.probeId };
  const covered = new Set<(typeof flips)[number]>();
  const lastAt = flips.reduce((m, f) => Math.max(m, f.at), 0);
  let subnet: SubnetAlert | null = null;
  let incident = b.subnet?.state === 'degraded' ? [...b.subnet.hostIds] : null;

  if (!incident) {
    const downs = flips.filter((f) => f.to === 'down' && f.mutedBy === null && hosts.get(f.hostId)?.state === 'down');
    const ids = [...new Set(downs.map((f) => f.hostId))];
    if (ids.length >= policy.degradedMinHosts && ids.length > policy.degradedShare * upBefore) {
      for (const f of downs) covered.add(f);
      incident = ids;
      subnet = { state: 'degraded', notified: 'degraded', since: lastAt, hostIds: ids };
      const mutedBy = b.mute({ hostId: null, subnetId: b.subnetId }, lastAt);
      drafts.push({ type: 'subnet.degraded', at: lastAt, hostId: null, ...base, previous: 'ok', current: 'degraded', mutedBy, hostIds: ids });
    }
  } else {
    const members = new Set(incident);
    for (const f of flips) {
      // a muted down does not join the incident; the members' own flips, muted or not, are the incident's
      if (f.to === 'down' && f.mutedBy === null && !members.has(f.hostId)) members.add(f.hostId);
      if (members.has(f.hostId)) covered.add(f);
    }
    incident = [...members];
    const stateOf = (id: number) => hosts.get(id) ?? b.others.get(id);
    const stillDown = incident.filter((id) => stateOf(id)?.state === 'down');
    const waiting = stillDown.some((id) => b.pending?.has(id));
    if (!waiting && (stillDown.length < policy.degradedMinHosts || stillDown.length <= policy.degradedShare * incident.length)) {
      const at = lastAt || Math.max(...b.hosts.flatMap((h) => h.steps.map((s) => s.at)), 0);
      const mutedBy = b.mute({ hostId: null, subnetId: b.subnetId }, at);
      // a muted recovery is owed (the catch-up sends it when the window ends), with the hosts still down
      const owed = mutedBy !== null && policy.sendResolved;
      subnet = { state: 'ok', notified: owed ? 'degraded' : 'ok', since: lastAt, hostIds: owed ? stillDown : [] };
      if (policy.sendResolved) drafts.push({ type: 'subnet.recovered', at, hostId: null, ...base, previous: 'degraded', current: 'ok', mutedBy, hostIds: stillDown, members: incident });
    } else if (incident.length !== b.subnet!.hostIds.length) {
      subnet = { ...b.subnet!, hostIds: incident };
    }
  }

  for (const f of flips) {
    const h = hosts.get(f.hostId)!;
    if (covered.has(f)) {
      hosts.set(f.hostId, { ...h, notified: f.to });
      continue;
    }
    // the "down" was never told (a window held it and ended before the catch-up sent it): its "up" is no news
    if (f.to === 'up' && f.mutedBy === null && h.notified !== 'down') {
      hosts.set(f.hostId, { ...h, notified: 'up' });
      continue;
    }
    if (f.mutedBy === null) hosts.set(f.hostId, { ...h, notified: f.to, lastSentAt: f.at });
    if (f.to === 'up' && !policy.sendResolved) {
      hosts.set(f.hostId, { ...hosts.get(f.hostId)!, notified: 'up' });
      continue;
    }
    const [previous, current] = f.to === 'down' ? ['up', 'down'] : ['down', 'up'];
    drafts.push({ type: `host.${f.to}`, at: f.at, hostId: f.hostId, ...base, previous, current, mutedBy: f.mutedBy });
  }
  return { hosts, subnet, drafts };
}
