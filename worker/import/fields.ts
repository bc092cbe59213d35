/**
 * What the formats share (pure): reading a cell as an address, a block, a flag, tags, a MAC or a VLAN, checking a
 * record against the API's own field rules, and rating a header row.
 */
import type { z } from 'zod';
import { contains, formatIp, parseCidr, type Ip } from '../../schema/ip/cidr.js';
import { isHostMac, normaliseMac } from '../../schema/mac.js';
import { parseIpFast } from '../domain/ip-text.js';
import { HostFieldsSchema, SubnetFieldsSchema } from '../routes/schemas.js';
import type { FieldSpec, HostRecord, SubnetRecord } from './formats.js';
import { headerKey } from './sheet.js';

export type Cells = Partial<Record<string, string>>;

/** The cell's text, or undefined when it is empty. */
export const opt = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

export function issueText(e: z.ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * How well a header row fits a format: one point per field whose alias is there and one per `signature` header (the
 * format's other columns, which no field reads); 0 when a required field has no column.
 */
export function headerScore(headers: readonly string[], fields: readonly FieldSpec[], signature: readonly string[] = [], requireAll = true): number {
  const keys = new Set(headers.map(headerKey).filter(Boolean));
  const has = (f: FieldSpec) => f.aliases.some((a) => keys.has(headerKey(a)));
  if (requireAll && fields.some((f) => f.required && !has(f))) return 0;
  return fields.filter(has).length + signature.filter((s) => keys.has(headerKey(s))).length;
}

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);

function prefixOf(text: string, family: 4 | 6, what: string): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > bits(family)) throw new Error(`${what} "${text}" is not a prefix length of 0 to ${bits(family)}`);
  return Number(text);
}

/** The network `prefix` bits of `ip` belong to, as CIDR text (198.18.1.5 and 24 → 198.18.1.0/24). */
export function networkOf(ip: Ip, prefix: number): string {
  const host = BigInt(bits(ip.family) - prefix);
  return `${formatIp((ip.value >> host) << host, ip.family)}/${prefix}`;
}

/** An address cell: "198.18.1.5", or "198.18.1.5/24" as NetBox writes it (the block becomes the hint). */
export function addressOf(text: string | undefined, what = 'address'): { ip: Ip; hint?: string } {
  const value = opt(text);
  if (value === undefined) throw new Error(`the ${what} is empty`);
  const slash = value.indexOf('/');
  const ipText = slash < 0 ? value : value.slice(0, slash);
  let ip: Ip;
  try {
    ip = parseIpFast(ipText);
  } catch {
    throw new Error(`"${value}" is not an IPv4 or IPv6 address`);
  }
  if (slash < 0) return { ip };
  return { ip, hint: networkOf(ip, prefixOf(value.slice(slash + 1), ip.family, 'the prefix of')) };
}

/** Whether the text reads as an address (the spreadsheet's address column is found this way when no header names it). */
export function isAddress(text: string): boolean {
  try {
    addressOf(text);
    return true;
  } catch {
    return false;
  }
}

/** A dotted netmask (255.255.255.0) or a length (24) as a length. */
export function maskLength(text: string, family: 4 | 6): number {
  if (/^\d{1,3}$/.test(text)) return prefixOf(text, family, 'mask');
  let mask: Ip;
  try {
    mask = parseIpFast(text);
  } catch {
    throw new Error(`mask "${text}" is neither a prefix length nor a netmask`);
  }
  if (mask.family !== 4 || family !== 4) throw new Error(`mask "${text}" is not a prefix length of 0 to ${bits(family)}`);
  const inverted = ~mask.value & 0xffffffffn;
  // a netmask is ones then zeroes: its inverse plus one is a power of two
  if ((inverted & (inverted + 1n)) !== 0n) throw new Error(`mask "${text}" is not a contiguous netmask`);
  return 32 - inverted.toString(2).replace(/^0+/, '').length;
}

/** A block from a network cell that may carry "/len" and a mask cell that may be a length or dotted. */
export function blockOf(network: string | undefined, mask: string | undefined, what = 'subnet'): string {
  const value = opt(network);
  if (value === undefined) throw new Error(`the ${what} is empty`);
  let text = value;
  if (!value.includes('/')) {
    const m = opt(mask);
    if (m === undefined) throw new Error(`${what} "${value}" has no prefix length: give it as address/len or fill the mask column`);
    let ip: Ip;
    try {
      ip = parseIpFast(value);
    } catch {
      throw new Error(`"${value}" is not an IPv4 or IPv6 address`);
    }
    text = `${ip.text}/${maskLength(m, ip.family)}`;
  }
  return parseCidr(text).cidr;
}

const TRUE = new Set(['1', 'true', 'yes', 'y', 'x']);
const FALSE = new Set(['0', 'false', 'no', 'n']);

/** yes/no, true/false, 1/0 (any case); undefined when empty. */
export function flagOf(text: string | undefined, what: string): boolean | undefined {
  const value = opt(text)?.toLowerCase();
  if (value === undefined) return undefined;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new Error(`${what} must be yes or no (true/false, 1/0), not "${text}"`);
}

/** Tags split on `;` or `,`, trimmed, empty ones and repeats dropped; undefined when the cell is empty. */
export function tagsOf(text: string | undefined): string[] | undefined {
  const value = opt(text);
  if (value === undefined) return undefined;
  return [...new Set(value.split(/[;,]/).map((t) => t.trim()).filter(Boolean))];
}

/** A MAC in any usual notation, stored as 00:0c:29:ab:cd:ef; undefined when empty. */
export function macOf(text: string | undefined): string | undefined {
  const value = opt(text);
  if (value === undefined) return undefined;
  const mac = normaliseMac(value);
  if (!mac) throw new Error(`"${value}" is not a MAC address`);
  if (!isHostMac(mac)) throw new Error(`${mac} is not a device's MAC (multicast or all zeroes)`);
  return mac;
}

const NO_VLAN = new Set(['na', 'n/a', 'none', '-', '0']);

/** A VLAN id (1–4094) from "100", or "Servers (100)" as NetBox shows a VLAN; undefined when empty or "NA". */
export function vlanOf(text: string | undefined): number | undefined {
  const value = opt(text);
  if (value === undefined || NO_VLAN.has(value.toLowerCase())) return undefined;
  const vid = /^\d+$/.test(value) ? value : /\((\d+)\)\s*$/.exec(value)?.[1];
  if (vid === undefined || Number(vid) < 1 || Number(vid) > 4094) throw new Error(`vlan "${value}" is not a VLAN id from 1 to 4094 (or "name (id)")`);
  return Number(vid);
}

/** Notes from several cells: the note itself, then "label: value" lines for the others (phpIPAM's owner and device). */
export function notesOf(note: string | undefined, extra: readonly [label: string, value: string | undefined][]): string | undefined {
  const lines = [opt(note), ...extra.filter(([, v]) => opt(v) !== undefined).map(([label, v]) => `${label}: ${v}`)].filter((l) => l !== undefined);
  return lines.length ? lines.join('\n') : undefined;
}

/** Drops the keys whose value is undefined, so a record only names what its row fills. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A host record, checked with the API's own rules (lengths, no control characters, tags). */
export function hostRecord(r: HostRecord): HostRecord {
  const parsed = HostFieldsSchema.safeParse({
    hostname: r.hostname,
    description: r.description,
    tags: r.tags,
    notes: r.notes,
    reserved: r.reserved,
    reservedBy: r.reservedBy,
    reservedNote: r.reservedNote,
  });
  if (!parsed.success) throw new Error(issueText(parsed.error));
  const f = parsed.data;
  return defined({ ...r, hostname: f.hostname || undefined, description: f.description, tags: f.tags, notes: f.notes, reservedBy: f.reservedBy || undefined, reservedNote: f.reservedNote || undefined });
}

const SubnetTextSchema = SubnetFieldsSchema.pick({ name: true, notes: true, groupName: true, vlan: true });

/** A subnet record, checked with the API's rules; the gateway must lie inside the block. */
export function subnetRecord(r: SubnetRecord): SubnetRecord {
  const parsed = SubnetTextSchema.safeParse({ name: r.name, notes: r.notes, groupName: r.groupName, vlan: r.vlan });
  if (!parsed.success) throw new Error(issueText(parsed.error));
  let gateway: string | undefined;
  if (r.gateway !== undefined) {
    const block = parseCidr(r.cidr);
    const { ip } = addressOf(r.gateway, 'gateway');
    if (!contains(block, ip)) throw new Error(`gateway ${ip.text} is not inside ${block.cidr}`);
    gateway = ip.text;
  }
  return defined({ ...r, name: parsed.data.name || undefined, notes: parsed.data.notes || undefined, groupName: parsed.data.groupName || undefined, gateway });
}
