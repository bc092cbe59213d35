/**
 * A classic pcap writer (libpcap format 2.4, microsecond timestamps, LINKTYPE_ETHERNET) for generated traffic:
 * Ethernet II + IPv4/IPv6 + TCP/UDP/ICMP/ICMPv6 with correct lengths and checksums. Pure (returns bytes) but for
 * writePcap, which streams a large capture to a file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { parseIp } from '../../schema/ip/cidr.js';

export const PROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;
export const TCP_FLAGS = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

export interface PacketSpec {
  /** Capture time, µs since the epoch. */
  tsUs: number;
  src: string;
  dst: string;
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** Transport payload bytes (zeros). */
  payload: number;
  /** TCP flags (TCP_FLAGS bits); ICMP: type in the high byte, code in the low byte. */
  flags?: number;
}

const ETH_HEADER = 14;
const transportHeader = (protocol: number): number => (protocol === PROTO.tcp ? 20 : protocol === PROTO.udp ? 8 : 8);

/** The IP datagram's length (what a flow exporter counts as bytes): IP header + transport header + payload. */
export function ipLength(p: Pick<PacketSpec, 'src' | 'protocol' | 'payload'>): number {
  return (isIPv4(p.src) ? 20 : 40) + transportHeader(p.protocol) + p.payload;
}

const addressCache = new Map<string, Buffer>();
function addressBytes(ip: string): Buffer {
  const cached = addressCache.get(ip);
  if (cached) return cached;
  const parsed = parseIp(ip);
  const width = parsed.family === 4 ? 4 : 16;
  const out = Buffer.alloc(width);
  let v = parsed.value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (addressCache.size > 100_000) addressCache.clear();
  addressCache.set(ip, out);
  return out;
}

/** Ones'-complement sum of 16-bit words (RFC 1071), not yet folded or inverted. */
function sum16(buf: Buffer, acc = 0): number {
  for (let i = 0; i + 1 < buf.length; i += 2) acc += buf.readUInt16BE(i);
  if (buf.length % 2) acc += buf[buf.length - 1]! << 8;
  return acc;
}
const fold = (acc: number): number => {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
};

function macOf(ip: Buffer): Buffer {
  // locally administered, derived from the address's last four bytes
  return Buffer.concat([Buffer.from([0x02, 0x00]), ip.subarray(ip.length - 4)]);
}

/** One Ethernet frame carrying the packet. */
export function frame(p: PacketSpec): Buffer {
  return Buffer.concat([headers(p), Buffer.alloc(p.payload)]);
}

/** The frame's headers, checksums included: the payload is zeros, which add nothing to a ones'-complement sum. */
function headers(p: PacketSpec): Buffer {
  const src = addressBytes(p.src);
  const dst = addressBytes(p.dst);
  if (src.length !== dst.length) throw new Error(`pcap: mixed families ${p.src} → ${p.dst}`);
  const v4 = src.length === 4;
  const thLen = transportHeader(p.protocol);
  const l4Length = thLen + p.payload;
  const l4 = Buffer.alloc(thLen);
  if (p.protocol === PROTO.tcp) {
    l4.writeUInt16BE(p.srcPort, 0);
    l4.writeUInt16BE(p.dstPort, 2);
    l4.writeUInt32BE(1, 4);
    const flags = p.flags ?? TCP_FLAGS.ack;
    l4.writeUInt32BE(flags & TCP_FLAGS.ack ? 1 : 0, 8);
    l4[12] = 5 << 4;
    l4[13] = flags;
    l4.writeUInt16BE(65_535, 14);
  } else if (p.protocol === PROTO.udp) {
    l4.writeUInt16BE(p.srcPort, 0);
    l4.writeUInt16BE(p.dstPort, 2);
    l4.writeUInt16BE(l4Length, 4);
  } else {
    l4[0] = ((p.flags ?? 0) >> 8) & 0xff;
    l4[1] = (p.flags ?? 0) & 0xff;
    l4.writeUInt16BE(p.srcPort & 0xffff, 4); // identifier
    l4.writeUInt16BE(p.dstPort & 0xffff, 6); // sequence
  }
  // ICMPv4 has no pseudo-header; TCP, UDP and ICMPv6 do
  const pseudo = p.protocol === PROTO.icmp ? Buffer.alloc(0) : v4
    ? Buffer.concat([src, dst, Buffer.from([0, p.protocol, l4Length >> 8, l4Length & 0xff])])
    : Buffer.concat([src, dst, Buffer.from([(l4Length >>> 24) & 0xff, (l4Length >> 16) & 0xff, (l4Length >> 8) & 0xff, l4Length & 0xff, 0, 0, 0, p.protocol])]);
  let ck = fold(sum16(l4, sum16(pseudo)));
  if (p.protocol === PROTO.udp && ck === 0) ck = 0xffff;
  l4.writeUInt16BE(ck, p.protocol === PROTO.tcp ? 16 : p.protocol === PROTO.udp ? 6 : 2);

  let ip: Buffer;
  if (v4) {
    ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + l4Length, 2);
    ip.writeUInt16BE(0x4000, 6); // DF
    ip[8] = 64;
    ip[9] = p.protocol;
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(fold(sum16(ip)), 10);
  } else {
    ip = Buffer.alloc(40);
    ip[0] = 0x60;
    ip.writeUInt16BE(l4Length, 4);
    ip[6] = p.protocol;
    ip[7] = 64;
    src.copy(ip, 8);
    dst.copy(ip, 24);
  }
  const eth = Buffer.alloc(ETH_HEADER);
  macOf(dst).copy(eth, 0);
  macOf(src).copy(eth, 6);
  eth.writeUInt16BE(v4 ? 0x0800 : 0x86dd, 12);
  return Buffer.concat([eth, ip, l4]);
}

/** The pcap global header (magic a1b2c3d4 little-endian, v2.4, snaplen 65535, Ethernet). */
export function pcapHeader(snaplen = 65_535): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

/** One pcap record: 16-byte record header + the frame, cut to `snaplen` bytes captured (orig_len stays whole). */
export function pcapRecord(p: PacketSpec, snaplen = 65_535): Buffer {
  const head = headers(p);
  const length = head.length + p.payload;
  const cap = Math.min(length, snaplen);
  const h = Buffer.alloc(16);
  h.writeUInt32LE(Math.floor(p.tsUs / 1e6), 0);
  h.writeUInt32LE(p.tsUs % 1e6, 4);
  h.writeUInt32LE(cap, 8);
  h.writeUInt32LE(length, 12);
  return Buffer.concat([h, head.subarray(0, cap), Buffer.alloc(Math.max(0, cap - head.length))]);
}

/** A whole pcap file; packets are written in the order given (softflowd expects capture order: sort by tsUs first). */
export function pcapFile(packets: readonly PacketSpec[], snaplen = 65_535): Buffer {
  return Buffer.concat([pcapHeader(snaplen), ...packets.map((p) => pcapRecord(p, snaplen))]);
}

/** Writes a pcap file in chunks (large captures: the bench), `snaplen` bytes of each frame captured. */
export function writePcap(path: string, packets: readonly PacketSpec[], snaplen = 65_535): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, pcapHeader(snaplen));
    for (let i = 0; i < packets.length; i += 4096) writeSync(fd, Buffer.concat(packets.slice(i, i + 4096).map((p) => pcapRecord(p, snaplen))));
  } finally {
    closeSync(fd);
  }
}
