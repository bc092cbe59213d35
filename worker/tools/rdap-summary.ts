import { formatIp, parseIp } from '../../schema/ip/cidr.js';

/**
 * The few facts people look an RDAP answer up for (RFC 9083): who holds it, its range, its contacts and its
 * dates. Pure: takes the parsed JSON, reads it defensively (servers differ, and none of it is trusted).
 */

export type RdapType = 'domain' | 'ip' | 'autnum';

export interface RdapContact {
  email: string | null;
  phone: string | null;
}

export interface RdapSummary {
  /** ip network / autnum: `name`; domain: its Unicode name, else its LDH name. */
  name: string | null;
  handle: string | null;
  /** The registrant's organisation (or its name when it has no org). */
  organisation: string | null;
  /** ISO 3166 code: the object's `country`, else the registrant's address. */
  country: string | null;
  /** ip: "198.51.100.0 – 198.51.100.255"; autnum: "AS64496 – AS64511"; domain: null. */
  range: string | null;
  /** The range as CIDRs (ip only: the cidr0 extension, else computed from start and end). */
  cidrs: string[];
  /** autnum: who holds the AS number (the registrant's organisation, else the object's name). */
  asnHolder: string | null;
  abuse: RdapContact | null;
  /** domain: the sponsoring registrar (with its IANA id when given). */
  registrar: string | null;
  created: string | null;
  updated: string | null;
  expires: string | null;
  status: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** One jCard property (RFC 7095): [name, params, type, value, …values]. */
type VcardProp = [string, Json, string, ...unknown[]];

function vcardProps(entity: Json): VcardProp[] {
  const card = list(entity.vcardArray);
  if (card[0] !== 'vcard') return [];
  return list(card[1]).filter((p): p is VcardProp => Array.isArray(p) && typeof p[0] === 'string' && p.length >= 4).map((p) => [p[0].toLowerCase(), isObject(p[1]) ? p[1] : {}, String(p[2]), ...p.slice(3)] as VcardProp);
}

function propText(p: VcardProp | undefined): string | null {
  if (!p) return null;
  const value = p[3];
  if (Array.isArray(value)) return str(value.filter((v) => typeof v === 'string' && v).join(', '));
  return str(value);
}

const prop = (props: VcardProp[], name: string) => props.find((p) => p[0] === name);

/** fn, org, email, phone and country of an entity's vCard. */
export function vcardFacts(entity: Json) {
  const props = vcardProps(entity);
  const kind = propText(prop(props, 'kind'))?.toLowerCase() ?? null;
  const fn = propText(prop(props, 'fn'));
  const org = propText(prop(props, 'org')) ?? (kind === 'org' ? fn : null);
  const email = propText(prop(props, 'email'))?.replace(/^mailto:/i, '') ?? null;
  // a voice number before a fax one
  const tels = props.filter((p) => p[0] === 'tel');
  const telType = (p: VcardProp) => {
    const t = p[1].type;
    return (Array.isArray(t) ? t : t === undefined ? [] : [t]).map((x) => String(x).toLowerCase());
  };
  const tel = tels.find((p) => !telType(p).includes('fax')) ?? tels[0];
  const phone = propText(tel)?.replace(/^tel:/i, '') ?? null;
  const adr = prop(props, 'adr');
  // RFC 8605 cc parameter; else the last component of a structured address, when it is a code
  const cc = str(adr?.[1].cc);
  const adrParts = Array.isArray(adr?.[3]) ? (adr[3] as unknown[]) : [];
  const last = str(adrParts[6]);
  const country = cc?.toUpperCase() ?? (last && /^[A-Za-z]{2}$/.test(last) ? last.toUpperCase() : null);
  return { fn, org, email, phone, country };
}

function entitiesOf(obj: Json): Json[] {
  return list(obj.entities).filter(isObject);
}

const hasRole = (e: Json, role: string) => list(e.roles).some((r) => typeof r === 'string' && r.toLowerCase() === role);

/** The first entity with the role, searched breadth first (a domain's abuse contact sits inside its registrar). */
export function findEntity(root: Json, role: string): Json | null {
  let level = entitiesOf(root);
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const hit = level.find((e) => hasRole(e, role));
    if (hit) return hit;
    level = level.flatMap(entitiesOf);
  }
  return null;
}

/** An event's date (`eventAction` as in the RDAP JSON values registry), as ISO 8601; null when absent or unreadable. */
function eventDate(obj: Json, action: string): string | null {
  const ev = list(obj.events).find((e) => isObject(e) && typeof e.eventAction === 'string' && e.eventAction.toLowerCase() === action);
  const date = isObject(ev) ? str(ev.eventDate) : null;
  if (!date) return null;
  const t = Date.parse(date);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function cidrsOf(obj: Json): string[] {
  const out: string[] = [];
  for (const c of list(obj.cidr0_cidrs)) {
    if (!isObject(c)) continue;
    const prefix = str(c.v4prefix) ?? str(c.v6prefix);
    if (prefix && typeof c.length === 'number') out.push(`${prefix}/${c.length}`);
  }
  return out;
}

const MAX_CIDRS = 32;

/** The fewest CIDRs covering start..end exactly (at most 32; none when the range is not one family or reversed). */
export function rangeToCidrs(start: string, end: string): string[] {
  let a, b;
  try {
    a = parseIp(start);
    b = parseIp(end);
  } catch {
    return [];
  }
  if (a.family !== b.family || a.value > b.value) return [];
  const bits = a.family === 4 ? 32 : 128;
  const out: string[] = [];
  let cur = a.value;
  while (cur <= b.value && out.length < MAX_CIDRS) {
    // the largest block aligned at cur that stays inside the range
    let size = 0;
    while (size < bits && (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n && cur + (1n << BigInt(size + 1)) - 1n <= b.value) size++;
    out.push(`${formatIp(cur, a.family)}/${bits - size}`);
    cur += 1n << BigInt(size);
  }
  return cur > b.value ? out : [];
}

const words = (v: unknown) => list(v).filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter(Boolean);

/** The summary of one RDAP object (ip network, autnum or domain). */
export function summariseRdap(type: RdapType, doc: Json): RdapSummary {
  const registrant = findEntity(doc, 'registrant');
  const holder = registrant ? vcardFacts(registrant) : null;
  const abuseEntity = findEntity(doc, 'abuse');
  const abuseFacts = abuseEntity ? vcardFacts(abuseEntity) : null;
  const abuse = abuseFacts && (abuseFacts.email || abuseFacts.phone) ? { email: abuseFacts.email, phone: abuseFacts.phone } : null;
  const organisation = holder ? (holder.org ?? holder.fn) : null;
  const country = str(doc.country)?.toUpperCase() ?? holder?.country ?? null;

  let name = str(doc.name);
  let range: string | null = null;
  let cidrs: string[] = [];
  let registrar: string | null = null;
  let asnHolder: string | null = null;

  if (type === 'ip') {
    const start = str(doc.startAddress);
    const end = str(doc.endAddress);
    if (start && end) range = `${start} – ${end}`;
    cidrs = cidrsOf(doc);
    if (!cidrs.length && start && end) cidrs = rangeToCidrs(start, end);
  } else if (type === 'autnum') {
    const first = typeof doc.startAutnum === 'number' ? doc.startAutnum : null;
    const last = typeof doc.endAutnum === 'number' ? doc.endAutnum : first;
    if (first !== null) range = first === last ? `AS${first}` : `AS${first} – AS${last}`;
    asnHolder = organisation ?? name;
  } else {
    name = str(doc.unicodeName) ?? str(doc.ldhName)?.toLowerCase() ?? null;
    const reg = findEntity(doc, 'registrar');
    if (reg) {
      const facts = vcardFacts(reg);
      const label = facts.org ?? facts.fn ?? str(reg.handle);
      const ianaId = list(reg.publicIds).find((p) => isObject(p) && typeof p.type === 'string' && /iana registrar id/i.test(p.type));
      const id = isObject(ianaId) ? str(ianaId.identifier) : null;
      registrar = label && id ? `${label} (IANA ${id})` : label;
    }
  }

  return {
    name,
    handle: str(doc.handle),
    organisation,
    country,
    range,
    cidrs,
    asnHolder,
    abuse,
    registrar,
    created: eventDate(doc, 'registration'),
    updated: eventDate(doc, 'last changed'),
    expires: eventDate(doc, 'expiration'),
    status: words(doc.status),
  };
}

/** The objectClassName each query type must answer with (RFC 9083 §5). */
export const OBJECT_CLASS: Record<RdapType, string> = { domain: 'domain', ip: 'ip network', autnum: 'autnum' };
