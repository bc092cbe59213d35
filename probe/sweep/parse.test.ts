import { describe, expect, it } from 'vitest';
import { parseNeighbours, parseNmapHosts, parsePingReplies } from './parse.js';

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
      { ip: '198.18.0.1', latencyMs: 0.412 },
      { ip: 'fd00:18::1', latencyMs: null },
    ]);
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
