import type { AlertEvent, AlertHost, AlertMac } from '../../schema/alert-event.js';
import type { AlertDraft } from './types.js';

/** What the body says about the things an event names, read once for all the batch's events. */
export interface PayloadFacts {
  hosts: ReadonlyMap<number, { ip: string; hostname: string | null; tags: string[]; subnetId: number }>;
  subnets: ReadonlyMap<number, { cidr: string; name: string }>;
  probes: ReadonlyMap<number, { name: string }>;
  /** The dashboard's address (PUBLIC_URL), for links to hosts. */
  publicUrl: string | null;
}

/** A degraded subnet's body lists at most this many hosts (`hostsTotal` says how many there are). */
export const MAX_LISTED_HOSTS = 100;

function hostOf(id: number, facts: PayloadFacts): AlertHost {
  const h = facts.hosts.get(id);
  const base = facts.publicUrl?.replace(/\/+$/, '');
  const url = base && h ? `${base}/#/subnets/${h.subnetId}?host=${id}` : null;
  return { id, ip: h?.ip ?? '', hostname: h?.hostname ?? null, tags: h?.tags ?? [], url };
}

const nameOf = (h: AlertHost) => (h.hostname ? `${h.hostname} (${h.ip})` : h.ip);

function summaryOf(d: AlertDraft, e: AlertEvent['data']): string {
  const where = e.subnet ? `${e.subnet.name || e.subnet.cidr}` : '';
  const list = (hosts: AlertHost[] | undefined, total: number | undefined) => {
    const shown = (hosts ?? []).slice(0, 5).map(nameOf).join(', ');
    const more = (total ?? 0) - Math.min(5, hosts?.length ?? 0);
    return more > 0 ? `${shown} and ${more} more` : shown;
  };
  const ports = (e.services ?? []).map((s) => `${s.port}/${s.protocol}${s.service ? ` (${s.service})` : ''}`).join(', ');
  switch (d.type) {
    case 'host.down':
      return d.reminder ? `${nameOf(e.host!)} is still down` : `${nameOf(e.host!)} is down`;
    case 'host.up':
      return `${nameOf(e.host!)} is up again`;
    case 'port.opened':
      return `${nameOf(e.host!)}: opened ${ports}`;
    case 'port.closed':
      return `${nameOf(e.host!)}: closed ${ports}`;
    case 'service.changed':
      return `${nameOf(e.host!)}: service changed on ${ports}`;
    case 'mac.changed': {
      const m = (x: AlertMac | undefined) => (x ? `${x.mac} (${x.random ? 'randomised' : (x.vendor ?? 'unknown vendor')})` : '?');
      return `${nameOf(e.host!)}: MAC changed from ${m(e.mac?.previous)} to ${m(e.mac?.current)}`;
    }
    case 'talker.unregistered':
      return `${e.ip} talks in ${e.subnet ? (e.subnet.name ? `${e.subnet.name} (${e.subnet.cidr})` : e.subnet.cidr) : 'a deleted subnet'} but has no host record`;
    case 'probe.offline':
      return `Probe ${e.probe?.name ?? d.probeId} is offline: its hosts are unknown until it is back`;
    case 'probe.online':
      return `Probe ${e.probe?.name ?? d.probeId} is back online`;
    case 'subnet.degraded':
      return `Subnet ${where} degraded: ${e.hostsTotal} hosts down at once (${list(e.hosts, e.hostsTotal)})`;
    case 'subnet.recovered':
      return e.hostsTotal ? `Subnet ${where} recovered; still down: ${list(e.hosts, e.hostsTotal)}` : `Subnet ${where} recovered`;
    case 'test':
      return 'Test event from edge-ipam: this endpoint receives its alerts';
  }
}

/** The generic body of one event (schema/alert-event.ts), frozen when it is written to the outbox. */
export function alertPayload(id: string, d: AlertDraft, facts: PayloadFacts): AlertEvent {
  const subnet = d.subnetId !== null ? facts.subnets.get(d.subnetId) : undefined;
  const probe = d.probeId !== null ? facts.probes.get(d.probeId) : undefined;
  const data: AlertEvent['data'] = {
    host: d.hostId !== null ? hostOf(d.hostId, facts) : null,
    subnet: subnet && d.subnetId !== null ? { id: d.subnetId, cidr: subnet.cidr, name: subnet.name } : null,
    probe: probe && d.probeId !== null ? { id: d.probeId, name: probe.name } : null,
    previous: d.previous,
    current: d.current,
    ...(d.services ? { services: d.services } : {}),
    ...(d.mac ? { mac: d.mac } : {}),
    ...(d.talker ? { ip: d.talker.ip, firstSeenAt: new Date(d.talker.firstSeenAt).toISOString() } : {}),
    ...(d.hostIds ? { hosts: d.hostIds.slice(0, MAX_LISTED_HOSTS).map((h) => hostOf(h, facts)), hostsTotal: d.hostIds.length } : {}),
    ...(d.reminder ? { reminder: true } : {}),
    ...(d.heldByMaintenance ? { heldByMaintenance: true } : {}),
    summary: '',
  };
  data.summary = summaryOf(d, data);
  return { id, type: d.type, timestamp: new Date(d.at).toISOString(), data };
}
