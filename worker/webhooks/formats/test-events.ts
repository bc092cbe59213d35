/** Events the format tests render: one per shape a receiver must handle, and a few hostile or oversized ones. */
import type { AlertEvent, AlertHost, AlertService } from '../../../schema/alert-event.js';

const subnet = { id: 3, cidr: '198.18.0.0/24', name: 'Lab' };
const probe = { id: 1, name: 'probe-rack-1' };
const at = '2026-01-15T12:00:00.000Z';

export function testHost(i: number, over: Partial<AlertHost> = {}): AlertHost {
  return { id: i, ip: `198.18.0.${i}`, hostname: `host-${i}`, tags: [], url: `https://ipam.example/#/?host=${i}`, ...over };
}

function event(type: AlertEvent['type'], data: Partial<AlertEvent['data']> & { summary: string }): AlertEvent {
  const base = { host: null, subnet: null, probe: null, previous: null, current: null };
  return { id: `evt_${type.replace('.', '_')}`, type, timestamp: at, data: { ...base, ...data } };
}

const nas = testHost(10, { hostname: 'nas', tags: ['storage', 'homelab'] });
const services: AlertService[] = [
  { port: 22, protocol: 'tcp', service: 'ssh', product: 'OpenSSH', version: '9.6' },
  { port: 80, protocol: 'tcp', service: 'http', product: null, version: null },
  { port: 53, protocol: 'udp', service: null },
];
const forty = Array.from({ length: 40 }, (_, i) => testHost(i + 20));

/** The table every format is checked against. */
export const TEST_EVENTS: Record<string, AlertEvent> = {
  'host.down with a link': event('host.down', {
    host: nas, subnet, probe, previous: 'up', current: 'down',
    summary: 'nas (198.18.0.10) in Lab is down: no answer to 2 sweeps',
  }),
  'host.down without a link, a reminder': event('host.down', {
    host: testHost(11, { hostname: null, url: null }), subnet, probe, previous: 'up', current: 'down', reminder: true,
    summary: '198.18.0.11 in Lab is still down',
  }),
  'host.up': event('host.up', { host: nas, subnet, probe, previous: 'down', current: 'up', summary: 'nas (198.18.0.10) is up again' }),
  'port.opened with 3 services': event('port.opened', {
    host: nas, subnet, probe, previous: 'closed', current: 'open', services,
    summary: '3 ports opened on nas (198.18.0.10): 22/tcp ssh, 80/tcp http, 53/udp',
  }),
  'service.changed': event('service.changed', {
    host: nas, subnet, probe, previous: 'open', current: 'open',
    services: [{ port: 8080, protocol: 'tcp', service: 'http-proxy', previousService: 'http' }],
    summary: 'The service on 8080/tcp of nas changed from http to http-proxy',
  }),
  'mac.changed': event('mac.changed', {
    host: nas, subnet, probe, previous: '00:0c:29:aa:bb:cc', current: '02:11:22:33:44:55',
    mac: { previous: { mac: '00:0c:29:aa:bb:cc', vendor: 'VMware, Inc.', random: false }, current: { mac: '02:11:22:33:44:55', vendor: null, random: true } },
    summary: 'nas (198.18.0.10): MAC changed from 00:0c:29:aa:bb:cc (VMware, Inc.) to 02:11:22:33:44:55 (randomised)',
  }),
  'talker.unregistered': event('talker.unregistered', {
    subnet, probe, ip: '198.18.0.77', firstSeenAt: '2026-01-15T11:58:00.000Z',
    summary: '198.18.0.77 talks in Lab (198.18.0.0/24) but has no host record',
  }),
  'subnet.degraded with 40 hosts': event('subnet.degraded', {
    subnet, probe, previous: 'ok', current: 'degraded', hosts: forty,
    summary: '40 of 50 hosts in Lab (198.18.0.0/24) went down in one sweep',
  }),
  'probe.offline': event('probe.offline', { probe, previous: 'online', current: 'offline', summary: 'probe-rack-1 went silent; its hosts are unknown' }),
  'probe.online': event('probe.online', { probe, previous: 'offline', current: 'online', summary: 'probe-rack-1 is back' }),
  test: event('test', { summary: 'A test from edge-ipam: this endpoint receives alerts' }),
  'hostile text': event('host.down', {
    host: testHost(12, { hostname: '<!channel> @everyone *x* | & <https://evil.example|click>', tags: ['<!here>'] }),
    previous: 'up', current: 'down', heldByMaintenance: true,
    summary: '<!channel> @everyone & <@U123> <https://evil.example|click me> is down',
  }),
  'non-ASCII names': event('host.down', {
    host: testHost(13, { hostname: 'café-🚨-ñandú-東京-' + 'ü'.repeat(60), url: 'https://ipam.example/#/?host=13&x=é|y' }),
    previous: 'up', current: 'down', summary: 'café-🚨 est tombé 😱 — 東京',
  }),
  oversized: event('subnet.degraded', {
    subnet: { ...subnet, name: 'N'.repeat(300) }, probe,
    hosts: Array.from({ length: 1000 }, (_, i) => testHost(i, { hostname: 'h'.repeat(250) + i, tags: ['t'.repeat(100)] })),
    previous: 'ok', current: 'degraded', summary: '😱'.repeat(3000) + 'x'.repeat(5000),
  }),
  'empty summary': event('port.closed', { host: nas, previous: 'open', current: 'closed', services: [services[0]!], summary: '' }),
};
