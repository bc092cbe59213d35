/**
 * Builders of NetFlow v5, v9 and IPFIX export packets from plain values, for tests and benches (not used by the
 * probe). They write what the RFCs describe, and also let a test lie (a header count, a set length, a message
 * length) to make hostile packets.
 *
 *   const t = IPFIX_IPV4_MS;
 *   buildIpfix({ exportSecs: 1_700_000_000, sequence: 0, domain: 1 }, [
 *     { kind: 'templates', templates: [t] },
 *     { kind: 'data', template: t, flows: [{ src: '198.18.0.1', dst: '198.18.0.2', bytes: 1500, packets: 1, startMs, endMs }] },
 *   ]);
 *
 * Field values: a number or bigint (big-endian in the field's length), an address string (4 or 16 bytes), a
 * Uint8Array (raw bytes; for a variable-length field, its content), a plain string in a variable-length field (UTF-8).
 */
import ipaddr from 'ipaddr.js';

export interface TestFlow {
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  protocol?: number;
  bytes: number;
  packets: number;
  /** v5, v9 (22/21) and IPFIX flowStart/EndSysUpTime: the exporter's uptime in ms at the flow's first/last packet. */
  first?: number;
  last?: number;
  /** Absolute flow start/end (ms since epoch) for IPFIX 150–157 (seconds, ms, NTP µs/ns). */
  startMs?: number;
  endMs?: number;
  /** IPFIX 160 systemInitTimeMilliseconds, 158/159 delta µs, v9/IPFIX 34 sampling interval, when a template has them. */
  sysInitMs?: number;
  startDeltaUs?: number;
  endDeltaUs?: number;
  samplingInterval?: number;
}

export interface FieldSpec {
  id: number;
  /** 65535: an IPFIX variable-length field. */
  length: number;
  /** IPFIX Private Enterprise Number: sets the enterprise bit and writes the PEN. */
  enterprise?: number;
}

export interface TemplateDef {
  id: number;
  fields: FieldSpec[];
  /** Options templates: how many of the first fields are scope fields. */
  scopeCount?: number;
}

export type Value = number | bigint | string | Uint8Array;

export type SetDef =
  | { kind: 'templates'; templates: TemplateDef[]; options?: boolean; length?: number }
  | { kind: 'data'; template: TemplateDef; flows?: TestFlow[]; records?: Value[][]; pad?: boolean; length?: number }
  /** IPFIX withdrawal records (field count 0): template ids, or 2 / 3 for all (options) templates. */
  | { kind: 'withdraw'; ids: number[]; options?: boolean; length?: number }
  | { kind: 'raw'; setId: number; body: Uint8Array | number[]; length?: number };

export const VARIABLE = 65535;

const f = (id: number, length: number): FieldSpec => ({ id, length });

/** softflowd 0.9's v9 IPv4 layout: addresses, uptime times, 4-byte counters, ports, protocol, TCP flags. */
export const V9_IPV4: TemplateDef = { id: 1024, fields: [f(8, 4), f(12, 4), f(22, 4), f(21, 4), f(1, 4), f(2, 4), f(7, 2), f(11, 2), f(4, 1), f(6, 1)] };
export const V9_IPV6: TemplateDef = { id: 2048, fields: [f(27, 16), f(28, 16), f(22, 4), f(21, 4), f(1, 4), f(2, 4), f(7, 2), f(11, 2), f(4, 1), f(6, 1)] };
/** IPFIX with absolute millisecond times and 8-byte counters. */
export const IPFIX_IPV4_MS: TemplateDef = { id: 256, fields: [f(8, 4), f(12, 4), f(7, 2), f(11, 2), f(4, 1), f(1, 8), f(2, 8), f(152, 8), f(153, 8)] };
export const IPFIX_IPV6_MS: TemplateDef = { id: 257, fields: [f(27, 16), f(28, 16), f(7, 2), f(11, 2), f(4, 1), f(1, 8), f(2, 8), f(152, 8), f(153, 8)] };

class Writer {
  readonly bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  u8(v: number): void {
    this.bytes.push(v & 255);
  }
  u16(v: number): void {
    this.bytes.push((v >>> 8) & 255, v & 255);
  }
  u32(v: number): void {
    this.bytes.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  uint(v: number | bigint, len: number): void {
    let x = BigInt(v);
    const out = new Array<number>(len);
    for (let i = len - 1; i >= 0; i--) {
      out[i] = Number(x & 255n);
      x >>= 8n;
    }
    this.bytes.push(...out);
  }
  raw(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]! & 255);
  }
  set16(at: number, v: number): void {
    this.bytes[at] = (v >>> 8) & 255;
    this.bytes[at + 1] = v & 255;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function addressBytes(text: string, len: number): number[] {
  const a = ipaddr.parse(text);
  if (len === 16) return a.kind() === 'ipv4' ? (a as ipaddr.IPv4).toIPv4MappedAddress().toByteArray() : a.toByteArray();
  return a.toByteArray();
}

function ntp(ms: number): bigint {
  const seconds = BigInt(Math.floor(ms / 1000) + 2_208_988_800) & 0xffffffffn;
  const fraction = BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32));
  return (seconds << 32n) | fraction;
}

/** The value a flow gives a field of its template (0 / empty for fields a flow has no value for). */
export function flowValue(flow: TestFlow, id: number): Value {
  switch (id) {
    case 8:
    case 27:
      return flow.src;
    case 12:
    case 28:
      return flow.dst;
    case 7:
      return flow.srcPort ?? 0;
    case 11:
      return flow.dstPort ?? 0;
    case 4:
      return flow.protocol ?? 17;
    case 1:
    case 23:
    case 85:
      return flow.bytes;
    case 2:
    case 24:
    case 86:
      return flow.packets;
    case 22:
      return flow.first ?? 0;
    case 21:
      return flow.last ?? 0;
    case 150:
      return Math.floor((flow.startMs ?? 0) / 1000);
    case 151:
      return Math.floor((flow.endMs ?? 0) / 1000);
    case 152:
      return flow.startMs ?? 0;
    case 153:
      return flow.endMs ?? 0;
    case 154:
    case 156:
      return ntp(flow.startMs ?? 0);
    case 155:
    case 157:
      return ntp(flow.endMs ?? 0);
    case 158:
      return flow.startDeltaUs ?? 0;
    case 159:
      return flow.endDeltaUs ?? 0;
    case 160:
      return flow.sysInitMs ?? 0;
    case 34:
      return flow.samplingInterval ?? 0;
    default:
      return 0;
  }
}

function writeValue(w: Writer, spec: FieldSpec, v: Value): void {
  if (spec.length === VARIABLE) {
    const content = typeof v === 'string' ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v : new Uint8Array(0);
    if (content.length < 255) w.u8(content.length);
    else {
      w.u8(255);
      w.u16(content.length);
    }
    w.raw(content);
  } else if (typeof v === 'string') w.raw(addressBytes(v, spec.length));
  else if (v instanceof Uint8Array) w.raw(v);
  else w.uint(v, spec.length);
}

function writeSpecs(w: Writer, fields: FieldSpec[], ipfix: boolean): void {
  for (const s of fields) {
    w.u16(ipfix && s.enterprise !== undefined ? s.id | 0x8000 : s.id);
    w.u16(s.length);
    if (ipfix && s.enterprise !== undefined) w.u32(s.enterprise);
  }
}

function writeSets(w: Writer, sets: SetDef[], ipfix: boolean): void {
  for (const set of sets) {
    const start = w.length;
    w.u16(0);
    w.u16(0);
    let setId: number;
    let pad = true;
    switch (set.kind) {
      case 'templates': {
        const options = set.options ?? set.templates.some((t) => t.scopeCount !== undefined);
        setId = ipfix ? (options ? 3 : 2) : options ? 1 : 0;
        for (const t of set.templates) {
          w.u16(t.id);
          if (!options) w.u16(t.fields.length);
          else if (ipfix) {
            w.u16(t.fields.length);
            w.u16(t.scopeCount ?? 0);
          } else {
            w.u16((t.scopeCount ?? 0) * 4);
            w.u16((t.fields.length - (t.scopeCount ?? 0)) * 4);
          }
          writeSpecs(w, t.fields, ipfix);
        }
        break;
      }
      case 'data': {
        setId = set.template.id;
        pad = set.pad ?? true;
        const rows = set.records ?? (set.flows ?? []).map((fl) => set.template.fields.map((s) => flowValue(fl, s.id)));
        for (const row of rows) set.template.fields.forEach((s, i) => writeValue(w, s, row[i] ?? 0));
        break;
      }
      case 'withdraw':
        setId = set.options ? 3 : 2;
        for (const id of set.ids) {
          w.u16(id);
          w.u16(0);
        }
        break;
      case 'raw':
        setId = set.setId;
        pad = false;
        w.raw(set.body);
        break;
    }
    if (pad) while ((w.length - start) % 4 !== 0) w.u8(0);
    w.set16(start, setId);
    w.set16(start + 2, set.length ?? w.length - start);
  }
}

export interface V5Header {
  sysUptime: number;
  unixSecs: number;
  unixNsecs?: number;
  sequence?: number;
  engineType?: number;
  engineId?: number;
  /** Low 14 bits of the header's sampling field; `samplingMode` the top 2. */
  samplingInterval?: number;
  samplingMode?: number;
  /** The header's record count (default: the flows given). */
  count?: number;
}

export function buildV5(h: V5Header, flows: TestFlow[]): Uint8Array {
  const w = new Writer();
  w.u16(5);
  w.u16(h.count ?? flows.length);
  w.u32(h.sysUptime);
  w.u32(h.unixSecs);
  w.u32(h.unixNsecs ?? 0);
  w.u32(h.sequence ?? 0);
  w.u8(h.engineType ?? 0);
  w.u8(h.engineId ?? 0);
  w.u16(((h.samplingMode ?? 0) << 14) | ((h.samplingInterval ?? 0) & 0x3fff));
  for (const fl of flows) {
    w.raw(addressBytes(fl.src, 4));
    w.raw(addressBytes(fl.dst, 4));
    w.u32(0); // nexthop
    w.u16(0); // input
    w.u16(0); // output
    w.u32(fl.packets);
    w.u32(fl.bytes);
    w.u32(fl.first ?? 0);
    w.u32(fl.last ?? 0);
    w.u16(fl.srcPort ?? 0);
    w.u16(fl.dstPort ?? 0);
    w.u8(0); // pad1
    w.u8(0); // tcp_flags
    w.u8(fl.protocol ?? 17);
    w.u8(0); // tos
    w.u32(0); // src_as, dst_as
    w.u8(0); // src_mask
    w.u8(0); // dst_mask
    w.u16(0); // pad2
  }
  return w.done();
}

export interface V9Header {
  sysUptime: number;
  unixSecs: number;
  sequence?: number;
  sourceId?: number;
  /** The header's record count (default: the records and templates given; collectors ignore it). */
  count?: number;
}

export function buildV9(h: V9Header, sets: SetDef[]): Uint8Array {
  const w = new Writer();
  w.u16(9);
  const count =
    h.count ??
    sets.reduce((n, s) => n + (s.kind === 'templates' ? s.templates.length : s.kind === 'data' ? (s.records ?? s.flows ?? []).length : 0), 0);
  w.u16(count);
  w.u32(h.sysUptime);
  w.u32(h.unixSecs);
  w.u32(h.sequence ?? 0);
  w.u32(h.sourceId ?? 0);
  writeSets(w, sets, false);
  return w.done();
}

export interface IpfixHeader {
  exportSecs: number;
  sequence?: number;
  domain?: number;
  /** The header's message length (default: the real one). */
  length?: number;
}

export function buildIpfix(h: IpfixHeader, sets: SetDef[]): Uint8Array {
  const w = new Writer();
  w.u16(10);
  w.u16(0);
  w.u32(h.exportSecs);
  w.u32(h.sequence ?? 0);
  w.u32(h.domain ?? 0);
  writeSets(w, sets, true);
  w.set16(2, h.length ?? w.length);
  return w.done();
}
