import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeNetwork, type ProbeNetwork } from '../schema/protocol.js';
import { NetworkInfo, parseGateways, parseInterfaces, probeNetworkFrom, readNetwork } from './network-info.js';

// captured from iproute2 6.1 (`ip -j …`) on a test machine
const ROUTES4 = '[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]}]\n';
const ROUTES6 = '[{"dst":"default","gateway":"fd00::1","dev":"eth0","metric":1024,"flags":[],"pref":"medium"}]\n';
const ADDRS =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]},' +
  '{"ifindex":2,"ifname":"ifb0","flags":["BROADCAST","NOARP"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","group":"default","txqlen":32,"link_type":"ether","address":"86:4f:14:6a:ac:ee","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[]},' +
  '{"ifindex":4,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1400,"qdisc":"pfifo_fast","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"02:fc:00:00:00:01","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24,"broadcast":"192.0.2.255","scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fd00::2","prefixlen":64,"scope":"global","nodad":true,"valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::fc:ff:fe00:1","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n';

describe('parseGateways', () => {
  it.each<[string, string, 4 | 6, ReturnType<typeof parseGateways>]>([
    ['captured IPv4', ROUTES4, 4, [{ family: 4, address: '192.0.2.1', interface: 'eth0' }]],
    ['captured IPv6', ROUTES6, 6, [{ family: 6, address: 'fd00::1', interface: 'eth0' }]],
    ['none', '[]', 4, []],
    ['a default route without a gateway (a tunnel)', '[{"dst":"default","dev":"wg0","scope":"link","flags":[]}]', 4, []],
    [
      'multipath: each next hop',
      '[{"dst":"default","flags":[],"nexthops":[{"gateway":"198.18.0.1","dev":"s0","weight":1,"flags":[]},{"gateway":"198.18.1.1","dev":"s1","weight":1,"flags":[]}]}]',
      4,
      [
        { family: 4, address: '198.18.0.1', interface: 's0' },
        { family: 4, address: '198.18.1.1', interface: 's1' },
      ],
    ],
    ['a link-local IPv6 router', '[{"dst":"default","gateway":"FE80::1","dev":"s0","protocol":"ra","flags":[]}]', 6, [{ family: 6, address: 'fe80::1', interface: 's0' }]],
    ['the same route twice', '[{"dst":"default","gateway":"198.18.0.1","dev":"s0"},{"dst":"default","gateway":"198.18.0.1","dev":"s0","metric":100}]', 4, [{ family: 4, address: '198.18.0.1', interface: 's0' }]],
    ['not a default route, or the wrong family', '[{"dst":"198.18.0.0/24","gateway":"198.18.0.1","dev":"s0"},{"dst":"default","gateway":"fd00::1","dev":"s0"}]', 4, []],
    ['not JSON', 'Error: ...', 4, []],
  ])('%s', (_name, json, family, expected) => expect(parseGateways(json, family)).toEqual(expected));
});

describe('parseInterfaces', () => {
  it('captured: loopback and a down interface without addresses left out', () => {
    expect(parseInterfaces(ADDRS)).toEqual([{ name: 'eth0', mac: '02:fc:00:00:00:01', addresses: ['192.0.2.2/24', 'fd00::2/64', 'fe80::fc:ff:fe00:1/64'] }]);
  });
  it.each<[string, unknown, ReturnType<typeof parseInterfaces>]>([
    ['a tunnel has no MAC', { ifname: 'wg0', flags: ['UP'], link_type: 'none', addr_info: [{ family: 'inet', local: '198.18.9.1', prefixlen: 32 }] }, [{ name: 'wg0', mac: null, addresses: ['198.18.9.1/32'] }]],
    ['an up interface without addresses', { ifname: 's0', flags: ['UP'], link_type: 'ether', address: '00:0C:29:AB:CD:EF', addr_info: [] }, [{ name: 's0', mac: '00:0c:29:ab:cd:ef', addresses: [] }]],
    ['a down interface with an address', { ifname: 's1', flags: ['BROADCAST'], link_type: 'ether', address: '00:0c:29:00:00:01', addr_info: [{ family: 'inet6', local: 'fd00:18::1', prefixlen: 64 }] }, [{ name: 's1', mac: '00:0c:29:00:00:01', addresses: ['fd00:18::1/64'] }]],
    ['malformed addresses are skipped', { ifname: 's2', flags: ['UP'], link_type: 'ether', address: 'zz', addr_info: [{ family: 'inet', local: 'x', prefixlen: 24 }, { family: 'inet', local: '198.18.0.1', prefixlen: 40 }, { family: 'inet', local: '198.18.0.1' }, null] }, [{ name: 's2', mac: null, addresses: [] }]],
    ['no name', { flags: ['UP'] }, []],
  ])('%s', (_name, row, expected) => expect(parseInterfaces(JSON.stringify([row]))).toEqual(expected));
});

describe('probeNetworkFrom', () => {
  it('the captured machine', () => {
    expect(probeNetworkFrom({ routes4: ROUTES4, routes6: ROUTES6, addrs: ADDRS })).toEqual({
      gateways: [
        { family: 4, address: '192.0.2.1', interface: 'eth0' },
        { family: 6, address: 'fd00::1', interface: 'eth0' },
      ],
      interfaces: [{ name: 'eth0', mac: '02:fc:00:00:00:01', addresses: ['192.0.2.2/24', 'fd00::2/64', 'fe80::fc:ff:fe00:1/64'] }],
    });
  });
  it('a machine with no routes', () => expect(probeNetworkFrom({ routes4: '', routes6: '', addrs: '[]' })).toEqual({ gateways: [], interfaces: [] }));
});

describe('NetworkInfo', () => {
  const net = (gw: string): ProbeNetwork => ({ gateways: [{ family: 4, address: gw, interface: 's0' }], interfaces: [] });
  it('keeps the latest read; a failed or empty read keeps the previous one; reads do not overlap', async () => {
    const answers: (ProbeNetwork | null | Error)[] = [net('198.18.0.1'), null, new Error('ip: not found'), net('198.18.0.2')];
    let calls = 0;
    const info = new NetworkInfo(async () => {
      const a = answers[calls++]!;
      await new Promise((r) => setTimeout(r, 20));
      if (a instanceof Error) throw a;
      return a;
    });
    expect(info.latest).toBeNull();
    const one = info.refresh();
    expect(info.refresh()).toBe(one);
    await one;
    expect(calls).toBe(1);
    expect(info.latest).toEqual(net('198.18.0.1'));
    await info.refresh();
    expect(info.latest).toEqual(net('198.18.0.1'));
    await info.refresh();
    expect(info.latest).toEqual(net('198.18.0.1'));
    await info.refresh();
    expect(info.latest).toEqual(net('198.18.0.2'));
    expect(calls).toBe(4);
  });
});

describe.skipIf(!['/usr/sbin/ip', '/usr/bin/ip', '/sbin/ip', '/bin/ip'].some((p) => existsSync(p)))('readNetwork (this machine\'s iproute2)', () => {
  it('reads without blocking the event loop', async () => {
    let ticks = 0;
    const tick = setInterval(() => ticks++, 1);
    const network = await readNetwork();
    clearInterval(tick);
    expect(network).not.toBeNull();
    expect(probeNetwork.parse(network)).toEqual(network);
    // the timer ran while `ip` did: the read is asynchronous
    expect(ticks).toBeGreaterThan(0);
  });
});
