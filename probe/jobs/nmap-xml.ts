/** nmap's `-oX -` output of a port scan as plain values. Pure: tested with captured output (fixtures/). */
// fast-xml-parser, not node-nmap: node-nmap gives no product/version and no clean timeout or cancel
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface ScannedPort {
  port: number;
  protocol: 'tcp' | 'udp';
  state: 'open' | 'open|filtered';
  service: string | null;
  product: string | null;
  version: string | null;
}

export interface ScannedHost {
  ip: string; // the host's address (addrtype ipv4/ipv6)
  ports: ScannedPort[]; // only ports whose state is open or open|filtered, sorted by protocol then port
  /** Ports that answered at all (open, or closed/refused/reset), from <port> elements and <extraports>. False means nothing answered (e.g. the host is down under -Pn: every port filtered) — the server must not read that as "all ports closed". */
  responsive: boolean;
}

export interface NmapPortScan {
  hosts: ScannedHost[];
  /** The ports scanned per protocol, from <scaninfo services="1,3-4,…">: a stored port outside them was not looked at. */
  scanned: { tcp?: string; udp?: string };
  /** nmap's own error/warning lines if any (runstats/finished errormsg). */
  error: string | null;
}

export const MAX_SERVICE_LENGTH = 64;
export const MAX_PRODUCT_LENGTH = 128;
const MAX_ERROR_LENGTH = 500;
export const UNPARSEABLE = 'unparseable nmap output';
/** The error of a document that stops before nmap finished (a killed scan): its complete hosts are still returned. */
export const ENDED_EARLY = 'nmap output ended before the scan finished';

/** Port states that mean the host itself answered (a SYN-ACK, a reset or refusal, an ICMP port unreachable, a UDP reply). */
const ANSWERED = new Set(['open', 'closed', 'unfiltered']);
const KEPT = new Set(['open', 'open|filtered']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false, // decodeXml reads them as nmap writes them; no DOCTYPE entity is ever expanded
  isArray: (name) => name === 'host' || name === 'scaninfo' || name === 'port' || name === 'extraports' || name === 'address' || name === 'taskprogress',
});

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (n: unknown, key: string): Node | undefined => (isNode(n) && isNode(n[key]) ? n[key] : undefined);
const children = (n: unknown, key: string): Node[] => (isNode(n) && Array.isArray(n[key]) ? n[key].filter(isNode) : []);
const attr = (n: unknown, name: string): string | undefined => {
  const v = isNode(n) ? n[`@_${name}`] : undefined;
  return typeof v === 'string' ? decodeXml(v) : undefined;
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const utf8 = new TextDecoder('utf-8');

/**
 * An attribute value with its references resolved. nmap writes each byte of a control character or of non-ASCII text
 * as its own `&#xNN;` (xml.cc escape()), so a run of them is a UTF-8 sequence, decoded as one (invalid bytes become U+FFFD).
 */
function decodeXml(value: string): string {
  if (!value.includes('&')) return value;
  let out = '';
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += utf8.decode(Uint8Array.from(bytes.splice(0)));
  };
  for (const m of value.matchAll(/&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-z]{2,4}));|[^&]+|&/g)) {
    const code = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? Number(m[2]) : undefined;
    if (code !== undefined && code <= 0xff) {
      bytes.push(code);
      continue;
    }
    flush();
    if (code !== undefined) out += code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    else out += (m[3] !== undefined ? NAMED[m[3]] : undefined) ?? m[0];
  }
  flush();
  return out;
}

/** At most `max` characters, no control characters, null when empty; never cuts a surrogate pair in half. */
function bounded(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  let s = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (s.length > max) s = s.slice(0, /[\ud800-\udbff]/.test(s[max - 1]!) ? max - 1 : max);
  return s === '' ? null : s;
}

function readPort(p: Node): ScannedPort | null {
  const state = attr(child(p, 'state'), 'state');
  const protocol = attr(p, 'protocol');
  const port = Number(attr(p, 'portid'));
  if (!state || !KEPT.has(state) || (protocol !== 'tcp' && protocol !== 'udp')) return null;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  const service = child(p, 'service');
  return {
    port,
    protocol,
    state: state as ScannedPort['state'],
    // with method="table" the name is nmap's guess from the port number: kept as nmap gives it
    service: bounded(attr(service, 'name'), MAX_SERVICE_LENGTH),
    product: bounded(attr(service, 'product'), MAX_PRODUCT_LENGTH),
    version: bounded(attr(service, 'version'), MAX_PRODUCT_LENGTH),
  };
}

function readHost(h: Node): ScannedHost | null {
  const address = children(h, 'address').find((a) => attr(a, 'addrtype') === 'ipv4' || attr(a, 'addrtype') === 'ipv6');
  const ip = attr(address, 'addr');
  if (!ip || ip.length > 45 || !/^[0-9a-fA-F:.]+$/.test(ip)) return null;
  const portsNode = child(h, 'ports');
  const portNodes = children(portsNode, 'port');
  const ports = portNodes.map(readPort).filter((p): p is ScannedPort => p !== null);
  ports.sort((a, b) => (a.protocol === b.protocol ? a.port - b.port : a.protocol < b.protocol ? -1 : 1));
  const responsive =
    portNodes.some((p) => ANSWERED.has(attr(child(p, 'state'), 'state') ?? '')) ||
    children(portsNode, 'extraports').some((e) => ANSWERED.has(attr(e, 'state') ?? '') && Number(attr(e, 'count')) > 0);
  return { ip, ports, responsive };
}

const MAX_SERVICES_LENGTH = 20_000;

/** <scaninfo protocol="tcp" services="…"> per protocol (ranges of digits only; a longer list than the bound is left out). */
function scannedPorts(root: Node): NmapPortScan['scanned'] {
  const out: NmapPortScan['scanned'] = {};
  for (const info of children(root, 'scaninfo')) {
    const protocol = attr(info, 'protocol');
    const services = attr(info, 'services');
    if ((protocol !== 'tcp' && protocol !== 'udp') || !services || services.length > MAX_SERVICES_LENGTH || !/^[\d,-]+$/.test(services)) continue;
    out[protocol] = out[protocol] ? `${out[protocol]},${services}` : services;
  }
  return out;
}

/** The <nmaprun> element of a well-formed document, or null. */
function parseDocument(doc: string): Node | null {
  if (XMLValidator.validate(doc) !== true) return null;
  try {
    const root = (parser.parse(doc) as Node | undefined)?.nmaprun;
    return isNode(root) ? root : root === '' ? {} : null;
  } catch {
    return null;
  }
}

/**
 * The hosts of nmap's XML, each with its open (and open|filtered) ports. A document cut short (a killed scan) gives the
 * hosts nmap finished writing and error ENDED_EARLY; anything that is not nmap's XML gives no host and error UNPARSEABLE.
 */
export function parseNmapPortScan(xml: string): NmapPortScan {
  if (typeof xml !== 'string') return { hosts: [], scanned: {}, error: UNPARSEABLE };
  let root = parseDocument(xml);
  let ended = true;
  if (!root) {
    // a killed scan: keep every host nmap finished writing, and close the root element after the last one
    const start = xml.search(/<nmaprun\s[^<>]*>/);
    if (start < 0) return { hosts: [], scanned: {}, error: UNPARSEABLE };
    const end = xml.lastIndexOf('</host>');
    if (end < start) return { hosts: [], scanned: {}, error: ENDED_EARLY };
    root = parseDocument(`${xml.slice(start, end + '</host>'.length)}</nmaprun>`);
    if (!root) return { hosts: [], scanned: {}, error: UNPARSEABLE };
    ended = false;
  }
  const hosts = children(root, 'host').map(readHost).filter((h): h is ScannedHost => h !== null);
  const finished = child(child(root, 'runstats'), 'finished');
  const message = attr(finished, 'errormsg') ?? (attr(finished, 'exit') === 'error' ? 'nmap exited with an error' : undefined);
  return { hosts, scanned: scannedPorts(root), error: bounded(message, MAX_ERROR_LENGTH) ?? (ended ? null : ENDED_EARLY) };
}

/** Progress from `--stats-every` <taskprogress percent="…"> elements seen so far in a partial XML stream: the highest percent, or null. */
export function lastProgressPercent(partialXml: string): number | null {
  let best: number | null = null;
  // only whole elements (ending in />), so a percent cut by a chunk boundary is never read
  for (const m of partialXml.matchAll(/<taskprogress\b[^<>]*?\spercent="(\d{1,3}(?:\.\d+)?)"[^<>]*\/>/g)) {
    const p = Math.min(100, Number(m[1]));
    if (best === null || p > best) best = p;
  }
  return best;
}
