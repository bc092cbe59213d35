import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hostMac, parseNeighbourJson, parseNeighbours, parseNmapHosts, parsePingReplies } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const NMAP_XML = `<?xml version="1.0" encoding="UTF-8"?>
<nmaprun scanner="nmap" args="nmap -sn -n -oX - 198.18.0.0/30">
<host><status state="up" reason="arp-response" reason_ttl="0"/>
<address addr="198.18.0.1" addrtype="ipv4"/>
<address addr="AA:BB:CC:DD:EE:01" addrtype="mac"/>
<hostnames>
</hostnames>
<times srtt="412" rttvar="5000" to="100000"/>
</host>
<host><status state="down" reason="no-response" reason_ttl="0"/>
<address addr="198.18.0.2" addrtype="ipv4"/>
</host>
<host><status state="up" reason="localhost-response" reason_ttl="0"/>
<address addr="fd00:18::1" addrtype="ipv6"/>
</host>
<runstats><finished time="1" elapsed="0.05"/><hosts up="2" down="1" total="3"/></runstats>
</nmaprun>`;

describe('parseNmapHosts', () => {
  it('keeps hosts that are up, with srtt in ms', () => {
    expect(parseNmapHosts(NMAP_XML)).toEqual([
      { ip: '198.18.0.1', latencyMs: 0.412, mac: 'aa:bb:cc:dd:ee:01' },
      { ip: 'fd00:18::1', latencyMs: null },
    ]);
  });
  // captured from nmap 7.93 across a veth pair between two test namespaces, the far end set to 00:0c:29:ab:cd:ef
  it.each<[string, ReturnType<typeof parseNmapHosts>]>([
    [
      'nmap-mac-v4.xml',
      [
        { ip: '198.18.250.2', latencyMs: 0.051, mac: '00:0c:29:ab:cd:ef' },
        { ip: '198.18.250.1', latencyMs: null },
      ],
    ],
    ['nmap-mac-v6.xml', [{ ip: 'fd00:250::2', latencyMs: 0.068, mac: '00:0c:29:ab:cd:ef' }]],
  ])('reads the MAC of an ARP/ND answer (%s)', (file, expected) => {
    expect(parseNmapHosts(fixture(file))).toEqual(expected);
  });
  it.each<[string, string | undefined]>([
    ['<address addr="01:00:5E:00:00:01" addrtype="mac"/>', undefined],
    ['<address addr="00:00:00:00:00:00" addrtype="mac"/>', undefined],
    ['<address addr="garbage" addrtype="mac"/>', undefined],
    ['<address addr="02:42:AC:11:00:02" addrtype="mac"/>', '02:42:ac:11:00:02'],
  ])('keeps only host MACs: %s', (line, mac) => {
    const xml = `<host><status state="up"/>\n<address addr="198.18.0.9" addrtype="ipv4"/>\n${line}\n</host>`;
    expect(parseNmapHosts(xml)[0]?.mac).toBe(mac);
  });
  it('returns nothing for an empty scan', () => {
    expect(parseNmapHosts('<nmaprun></nmaprun>')).toEqual([]);
  });
});

describe('parsePingReplies', () => {
  it('reads every responder of a multicast echo once', () => {
    const text = `PING ff02::1%s0(ff02::1%s0) from fd00:18::1 s0: 56 data bytes
64 bytes from fd00:18::1: icmp_seq=1 ttl=64 time=0.030 ms
64 bytes from fd00:18::11: icmp_seq=1 ttl=64 time=0.120 ms
64 bytes from fe80::1%s0: icmp_seq=1 ttl=64 time=0.2 ms
64 bytes from fd00:18::11: icmp_seq=2 ttl=64 time=0.090 ms

--- ff02::1%s0 ping statistics ---`;
    expect(parsePingReplies(text)).toEqual([
      { ip: 'fd00:18::1', latencyMs: 0.03 },
      { ip: 'fd00:18::11', latencyMs: 0.12 },
      { ip: 'fe80::1', latencyMs: 0.2 },
    ]);
  });
  it('reads an IPv4 reply', () => {
    expect(parsePingReplies('64 bytes from 198.18.0.10: icmp_seq=1 ttl=64 time=1.05 ms')).toEqual([{ ip: '198.18.0.10', latencyMs: 1.05 }]);
  });
});

describe('parseNeighbours', () => {
  it('keeps reachable and stale entries with a link-layer address', () => {
    const text = `fd00:18::11 dev s0 lladdr aa:bb:cc:dd:ee:11 REACHABLE
fd00:18::12 dev s0 lladdr aa:bb:cc:dd:ee:12 STALE
fd00:18::13 dev s0 FAILED
fd00:18::14 dev s0 INCOMPLETE
fe80::1 dev s0 lladdr aa:bb:cc:dd:ee:01 router DELAY`;
    expect(parseNeighbours(text)).toEqual(['fd00:18::11', 'fd00:18::12', 'fe80::1']);
  });
});

describe('parseNeighbourJson', () => {
  it('reads captured `ip -j -4/-6 neigh show` output', () => {
    expect(parseNeighbourJson('[{"dst":"198.18.250.2","dev":"h12x","lladdr":"00:0c:29:ab:cd:ef","state":["REACHABLE"]}]\n')).toEqual([
      { ip: '198.18.250.2', mac: '00:0c:29:ab:cd:ef', dev: 'h12x' },
    ]);
    expect(parseNeighbourJson('[{"dst":"fd00::1","dev":"eth0","state":["FAILED"]}]')).toEqual([]);
  });
  it.each<[string, unknown, string | null]>([
    ['reachable', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0C:29:00:00:05', state: ['REACHABLE'] }, '00:0c:29:00:00:05'],
    ['stale', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0c:29:00:00:05', state: ['STALE'] }, '00:0c:29:00:00:05'],
    ['delay', { dst: 'fd00::5', dev: 's0', lladdr: '00:0c:29:00:00:05', router: null, state: ['DELAY'] }, '00:0c:29:00:00:05'],
    ['probe', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0c:29:00:00:05', state: ['PROBE'] }, '00:0c:29:00:00:05'],
    ['permanent', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0c:29:00:00:05', state: ['PERMANENT'] }, '00:0c:29:00:00:05'],
    ['failed with an old lladdr', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0c:29:00:00:05', state: ['FAILED'] }, null],
    ['incomplete', { dst: '198.18.0.5', dev: 's0', state: ['INCOMPLETE'] }, null],
    ['noarp', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0c:29:00:00:05', state: ['NOARP'] }, null],
    ['no state', { dst: '198.18.0.5', dev: 's0', lladdr: '00:0c:29:00:00:05' }, null],
    ['zero MAC', { dst: '198.18.0.5', dev: 's0', lladdr: '00:00:00:00:00:00', state: ['REACHABLE'] }, null],
    ['multicast MAC', { dst: '198.18.0.5', dev: 's0', lladdr: '33:33:00:00:00:01', state: ['PERMANENT'] }, null],
    ['not a MAC (a tunnel)', { dst: '198.18.0.5', dev: 'gre0', lladdr: '198.18.0.1', state: ['REACHABLE'] }, null],
  ])('%s', (_name, row, mac) => {
    expect(parseNeighbourJson(JSON.stringify([row])).map((n) => n.mac)).toEqual(mac ? [mac] : []);
  });
  it.each(['', 'not json', '{}', 'null', '[null, 3]'])('tolerates %j', (text) => {
    expect(parseNeighbourJson(text)).toEqual([]);
  });
});

describe('hostMac', () => {
  it.each<[string | undefined, string | null]>([
    ['00-0C-29-AB-CD-EF', '00:0c:29:ab:cd:ef'],
    ['ff:ff:ff:ff:ff:ff', null],
    [undefined, null],
    ['', null],
  ])('%j → %j', (text, mac) => expect(hostMac(text)).toBe(mac));
});
