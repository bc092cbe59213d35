import { describe, expect, it } from 'vitest';
import type { OpenPort } from '../../schema/protocol.js';
import { inPortList, planHostPorts, type PortHost, type StoredPort } from './port-plan.js';

const T0 = 1_000_000;
const T1 = 2_000_000;
const port = (n: number, service: string | null, extra: Partial<OpenPort> = {}): OpenPort => ({ port: n, protocol: 'tcp', state: 'open', service, product: null, version: null, ...extra });
const stored = (p: OpenPort, first = T0): StoredPort => ({ ...p, firstSeenAt: first, lastSeenAt: T0 });
const host = (ports: StoredPort[], over: Partial<PortHost> = {}): PortHost => ({ status: 'up', portsScannedAt: T0, ports, ...over });
const summary = (plan: ReturnType<typeof planHostPorts>) => plan.changes.map((c) => `${c.change} ${c.port.port}/${c.port.protocol}${c.previous ? ` from ${c.previous.service}/${c.previous.version}` : ''}`);

describe('planHostPorts', () => {
  it.each<[string, PortHost, Parameters<typeof planHostPorts>[1], Parameters<typeof planHostPorts>[3], string[], number[]]>([
    ['first scan: every port opened', host([], { portsScannedAt: null }), { ip: 'x', ports: [port(22, 'ssh'), port(80, 'http')], responsive: true }, undefined, ['opened 22/tcp', 'opened 80/tcp'], [22, 80]],
    ['nothing changed: no events, last seen moves', host([stored(port(22, 'ssh'))]), { ip: 'x', ports: [port(22, 'ssh')], responsive: true }, undefined, [], [22]],
    ['a port went away: closed', host([stored(port(22, 'ssh')), stored(port(80, 'http'))]), { ip: 'x', ports: [port(22, 'ssh')], responsive: true }, undefined, ['closed 80/tcp'], [22]],
    ['version changed', host([stored(port(22, 'ssh', { product: 'OpenSSH', version: '9.2p1' }))]), { ip: 'x', ports: [port(22, 'ssh', { product: 'OpenSSH', version: '9.6' })], responsive: true }, undefined, ['changed 22/tcp from ssh/9.2p1'], [22]],
    ['host down: nothing answered, ports kept', host([stored(port(22, 'ssh'))]), { ip: 'x', ports: [], responsive: false }, undefined, [], []],
    ['host marked down: no closes even if something answered', host([stored(port(22, 'ssh'))], { status: 'down' }), { ip: 'x', ports: [], responsive: true }, undefined, [], []],
    ['truncated result: no closes', host([stored(port(22, 'ssh'))]), { ip: 'x', ports: [port(80, 'http')], responsive: true, truncated: true }, undefined, ['opened 80/tcp'], [80]],
    ['port not among those scanned: kept', host([stored(port(8443, 'https-alt')), stored(port(80, 'http'))]), { ip: 'x', ports: [], responsive: true }, { tcp: '1-1024' }, ['closed 80/tcp'], []],
    ['udp port kept when only tcp was scanned', host([stored(port(53, 'domain', { protocol: 'udp', state: 'open|filtered' }))]), { ip: 'x', ports: [], responsive: true }, { tcp: '1-65535' }, [], []],
    ['the same port twice in a result counts once', host([], { portsScannedAt: null }), { ip: 'x', ports: [port(22, 'ssh'), port(22, 'ssh')], responsive: true }, undefined, ['opened 22/tcp'], [22]],
  ])('%s', (_name, h, scan, scanned, changes, upserted) => {
    const plan = planHostPorts(h, scan, T1, scanned);
    expect(summary(plan)).toEqual(changes);
    expect(plan.upserts.map((p) => p.port)).toEqual(upserted);
  });

  it('keeps when a port was first seen', () => {
    const plan = planHostPorts(host([stored(port(22, 'ssh'), 42)]), { ip: 'x', ports: [port(22, 'ssh')], responsive: true }, T1);
    expect(plan.upserts[0]).toMatchObject({ firstSeenAt: 42, lastSeenAt: T1 });
  });

  it.each([T0, T0 - 1])('a result not newer than the stored scan (%i) is stale and changes nothing', (at) => {
    const plan = planHostPorts(host([stored(port(22, 'ssh'))]), { ip: 'x', ports: [], responsive: true }, at);
    expect(plan).toEqual({ stale: true, upserts: [], closed: [], changes: [] });
  });
});

describe('inPortList', () => {
  it.each<[string, number, boolean]>([
    ['1,3-4,6-7', 3, true],
    ['1,3-4,6-7', 5, false],
    ['1-65535', 65535, true],
    ['22', 22, true],
    ['22', 23, false],
    ['', 1, false],
  ])('%s has %i: %s', (list, p, expected) => expect(inPortList(list, p)).toBe(expected));
});
