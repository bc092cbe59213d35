import { BlockList, isIPv4 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectedPairs, generateTraffic, hostAddress } from './flow-traffic.js';
import { frame, ipLength, pcapFile, pcapHeader, pcapRecord, PROTO, TCP_FLAGS, type PacketSpec } from './pcap.js';

/** Ones'-complement sum folded: 0xffff over a region whose checksum is right. */
function verify(buf: Buffer): number {
  let acc = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) acc += buf.readUInt16BE(i);
  if (buf.length % 2) acc += buf[buf.length - 1]! << 8;
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return acc;
}

function pseudo(src: Buffer, dst: Buffer, protocol: number, length: number): Buffer {
  if (src.length === 4) return Buffer.concat([src, dst, Buffer.from([0, protocol, length >> 8, length & 0xff])]);
  const tail = Buffer.alloc(8);
  tail.writeUInt32BE(length, 0);
  tail[7] = protocol;
  return Buffer.concat([src, dst, tail]);
}

const base = { tsUs: 1_700_000_000_123_456, srcPort: 40_000, dstPort: 443, payload: 101 };
const CASES: Array<[string, PacketSpec]> = [
  ['IPv4 TCP SYN', { ...base, src: '198.18.0.1', dst: '198.18.128.2', protocol: PROTO.tcp, payload: 0, flags: TCP_FLAGS.syn }],
  ['IPv4 TCP data', { ...base, src: '198.18.0.1', dst: '198.18.128.2', protocol: PROTO.tcp }],
  ['IPv4 UDP odd payload', { ...base, src: '198.19.255.254', dst: '198.18.0.9', protocol: PROTO.udp, dstPort: 53 }],
  ['IPv4 ICMP echo', { ...base, src: '198.18.0.1', dst: '198.18.0.2', protocol: PROTO.icmp, flags: 0x0800 }],
  ['IPv6 TCP', { ...base, src: 'fd00::c:1', dst: 'fd00::5:2', protocol: PROTO.tcp }],
  ['IPv6 UDP', { ...base, src: 'fd00::c:1', dst: 'fd00::5:2', protocol: PROTO.udp }],
  ['IPv6 ICMPv6 echo', { ...base, src: 'fd00::c:1', dst: 'fd00::5:2', protocol: PROTO.icmpv6, flags: 0x8000 }],
];

describe('pcap frames', () => {
  it.each(CASES)('%s: lengths and checksums are right', (_name, p) => {
    const f = frame(p);
    const v4 = isIPv4(p.src);
    const ipHeader = v4 ? 20 : 40;
    const ip = f.subarray(14);
    expect(f.readUInt16BE(12)).toBe(v4 ? 0x0800 : 0x86dd);
    expect(ip.length).toBe(ipLength(p));
    const l4 = ip.subarray(ipHeader);
    if (v4) {
      expect(ip.readUInt16BE(2)).toBe(ip.length);
      expect(verify(ip.subarray(0, 20))).toBe(0xffff);
    } else expect(ip.readUInt16BE(4)).toBe(l4.length);
    const [src, dst] = v4 ? [ip.subarray(12, 16), ip.subarray(16, 20)] : [ip.subarray(8, 24), ip.subarray(24, 40)];
    const covered = p.protocol === PROTO.icmp ? l4 : Buffer.concat([pseudo(src, dst, p.protocol, l4.length), l4]);
    expect(verify(covered)).toBe(0xffff);
  });

  it('records keep the whole length and capture at most snaplen bytes; the header says Ethernet, µs, v2.4', () => {
    const p = CASES[1]![1];
    const r = pcapRecord(p, 64);
    expect([r.readUInt32LE(0), r.readUInt32LE(4), r.readUInt32LE(8), r.readUInt32LE(12)]).toEqual([1_700_000_000, 123_456, 64, 14 + ipLength(p)]);
    expect(r.length).toBe(16 + 64);
    expect(r.subarray(16)).toEqual(frame(p).subarray(0, 64));
    expect([...pcapHeader().subarray(0, 8)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
    expect(pcapHeader().readUInt32LE(20)).toBe(1);
    expect(pcapFile([p, p]).length).toBe(24 + 2 * (16 + 14 + ipLength(p)));
  });
});

describe('generated traffic', () => {
  const ranges = new BlockList();
  ranges.addSubnet('198.18.0.0', 15, 'ipv4');
  ranges.addSubnet('fd00::', 8, 'ipv6');

  it('is the same for the same seed, in time order, and only between test addresses', () => {
    const a = generateTraffic({ seed: 3, conversations: 200 });
    expect(generateTraffic({ seed: 3, conversations: 200 })).toEqual(a);
    expect(generateTraffic({ seed: 4, conversations: 200 }).packets).not.toEqual(a.packets);
    expect(a.packets.every((p, i) => i === 0 || p.tsUs >= a.packets[i - 1]!.tsUs)).toBe(true);
    for (const p of a.packets) for (const ip of [p.src, p.dst]) expect(ranges.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6'), ip).toBe(true);
  });

  it('the expected pairs add up to every packet and flow', () => {
    const t = generateTraffic({ seed: 5, conversations: 300 });
    const pairs = [...expectedPairs(t.packets).values()];
    expect(pairs.reduce((s, v) => s + v.packets, 0)).toBe(t.packets.length);
    expect(pairs.reduce((s, v) => s + v.flows, 0)).toBe(t.flows);
    expect(pairs.reduce((s, v) => s + v.bytes, 0)).toBe(t.packets.reduce((s, p) => s + ipLength(p), 0));
  });

  it.each([
    [4, 'client', 0, '198.18.0.1'],
    [4, 'server', 253, '198.18.128.254'],
    [4, 'client', 254, '198.18.1.1'],
    [4, 'client', 128 * 254, '198.19.0.1'],
    [4, 'server', 256 * 254 - 1, '198.19.255.254'],
    [6, 'server', 9, 'fd00::5:a'],
  ] as const)('host address %i %s #%i is %s', (family, side, n, ip) => {
    expect(hostAddress(family, side, n)).toBe(ip);
  });

  it('refuses a host number that would leave 198.18.0.0/15', () => {
    expect(() => hostAddress(4, 'client', 256 * 254)).toThrow(/198.18.0.0\/15/);
  });
});
