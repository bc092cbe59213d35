/** The words and facts every chat format shows for an event, so that they all say the same thing. */
import type { AlertEvent, AlertEventType, AlertHost, AlertMac, AlertService } from '../../../schema/alert-event.js';

export type Tone = 'bad' | 'good' | 'info';

export const EVENT_LABELS: Record<AlertEventType, string> = {
  'host.down': 'Host down',
  'host.up': 'Host up',
  'port.opened': 'Ports opened',
  'port.closed': 'Ports closed',
  'service.changed': 'Service changed',
  'mac.changed': 'MAC changed',
  'talker.unregistered': 'Unregistered talker',
  'probe.offline': 'Probe offline',
  'probe.online': 'Probe online',
  'subnet.degraded': 'Subnet degraded',
  'subnet.recovered': 'Subnet recovered',
  test: 'Test event',
};

/** Red for down, offline, degraded and closed; green for up, online, recovered and opened; neutral otherwise. */
export const EVENT_TONES: Record<AlertEventType, Tone> = {
  'host.down': 'bad',
  'host.up': 'good',
  'port.opened': 'good',
  'port.closed': 'bad',
  'service.changed': 'info',
  'mac.changed': 'info',
  'talker.unregistered': 'info',
  'probe.offline': 'bad',
  'probe.online': 'good',
  'subnet.degraded': 'bad',
  'subnet.recovered': 'good',
  test: 'info',
};

/** At most this many hosts or ports are named in one message; the rest are counted. */
export const LIST_LIMIT = 20;
const ELLIPSIS = '…';

/** `text` cut to at most `max` UTF-16 units, ending in "…" when cut, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let end = max - ELLIPSIS.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

export function hostLabel(host: AlertHost): string {
  return host.hostname ? `${host.hostname} (${host.ip})` : host.ip;
}

export function serviceLabel(s: AlertService): string {
  let text = `${s.port}/${s.protocol}`;
  if (s.service) text += ` ${s.service}`;
  const product = [s.product, s.version].filter(Boolean).join(' ');
  if (product) text += ` (${product})`;
  if (s.previousService !== undefined && s.previousService !== s.service) text += `, was ${s.previousService ?? 'unknown'}`;
  return text;
}

/** "00:0c:29:ab:cd:ef (VMware)"; a randomised MAC says so instead of a vendor. */
export function macLabel(m: AlertMac): string {
  return `${m.mac} (${m.random ? 'randomised' : (m.vendor ?? 'unknown vendor')})`;
}

/** Up to LIST_LIMIT items, then "and N more". */
export function listText(items: readonly string[], limit = LIST_LIMIT): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

/** What the event is about: the host (or the address without one), else the subnet, else the probe. */
export function subjectOf(event: AlertEvent): string | null {
  const { host, subnet, probe, ip } = event.data;
  if (host) return hostLabel(host);
  if (ip) return ip;
  if (subnet) return `${subnet.name} (${subnet.cidr})`;
  if (probe) return probe.name;
  return null;
}

export function titleOf(event: AlertEvent): string {
  const label = event.type === 'host.down' && event.data.reminder ? 'Host still down' : EVENT_LABELS[event.type];
  const subject = subjectOf(event);
  return subject ? `${label}: ${subject}` : label;
}

export interface Fact {
  name: string;
  value: string;
}

/** The event's details as name/value pairs, lists already shortened to LIST_LIMIT items. */
export function factsOf(event: AlertEvent): Fact[] {
  const { host, subnet, probe, previous, current, services, hosts, mac, ip, firstSeenAt } = event.data;
  const facts: Fact[] = [];
  if (host) facts.push({ name: 'Host', value: hostLabel(host) });
  else if (ip) facts.push({ name: 'Address', value: ip });
  if (subnet) facts.push({ name: 'Subnet', value: `${subnet.name} (${subnet.cidr})` });
  if (probe) facts.push({ name: 'Probe', value: probe.name });
  if (mac) facts.push({ name: 'MAC', value: `${macLabel(mac.previous)} → ${macLabel(mac.current)}` });
  else if (previous !== null || current !== null) {
    facts.push({ name: 'State', value: previous && current ? `${previous} → ${current}` : (current ?? `was ${previous}`) });
  }
  if (services?.length) facts.push({ name: `Ports (${services.length})`, value: listText(services.map(serviceLabel)) });
  if (hosts?.length) facts.push({ name: `Hosts (${hosts.length})`, value: listText(hosts.map(hostLabel)) });
  if (firstSeenAt) facts.push({ name: 'First seen', value: utcText(firstSeenAt) });
  if (host?.tags.length) facts.push({ name: 'Tags', value: listText(host.tags) });
  if (event.data.heldByMaintenance) facts.push({ name: 'Note', value: 'held back by a maintenance window' });
  return facts;
}

/** "2026-01-15 12:00:00 UTC" from the event's ISO 8601 time (the text as given when it does not parse). */
export function utcText(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** The host's dashboard link when it is an http(s) URL, normalised (so it is ASCII), else null. */
export function linkOf(event: AlertEvent): string | null {
  const raw = event.data.host?.url;
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
