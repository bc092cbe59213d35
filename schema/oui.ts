/**
 * MAC vendors from the IEEE registries (the oui-data table: MA-L, MA-M and MA-S in one object keyed by 6, 7 or 9
 * upper-case hex digits, each value the organisation's name and address on lines; or the Worker's compact form of it,
 * schema/oui-compact.ts). Pure: the table is passed in, so the probe (probe/identity/oui.ts) and the server's lookup
 * tool (worker/tools/oui.ts) on either host share one implementation.
 */
import { isLocallyAdministered, isMulticastMac, macSearchPrefix } from './mac.js';
import { CompactOui } from './oui-compact.js';

/** oui-data's object (the probe's and the Node host's) or the compact registries (the Worker's). */
export type OuiTable = Readonly<Record<string, string>> | CompactOui;
export type OuiRegistry = 'MA-L' | 'MA-M' | 'MA-S';

/** The longest vendor name a sweep answer carries (schema/kinds/sweep.ts). */
const MAX_VENDOR = 128;
/** MA-S (36 bits), MA-M (28), MA-L (24): the longest assignment wins. */
const ASSIGNMENTS: ReadonlyArray<readonly [digits: number, registry: OuiRegistry]> = [
  [9, 'MA-S'],
  [7, 'MA-M'],
  [6, 'MA-L'],
];

export interface OuiAssignment {
  /** The assignment as the IEEE writes it: "00:1B:63" (MA-L), "10:06:48:0" (MA-M), "70:B3:D5:04:2" (MA-S). */
  prefix: string;
  registry: OuiRegistry;
  /** The organisation (the entry's first line, trimmed, at most 128 characters); null when the entry has none. */
  vendor: string | null;
}

/** "70b3d5042" → "70:B3:D5:04:2". */
export const formatAssignment = (hex: string) => (hex.toUpperCase().match(/.{1,2}/g) ?? []).join(':');

/**
 * The longest assignment matching `hex` (the leading hex digits of a MAC, any case, no separators; fewer than six
 * match nothing), whatever the address's bits say. Pure.
 */
export function matchAssignment(hex: string, table: OuiTable): OuiAssignment | null {
  const digits = hex.toUpperCase();
  for (const [length, registry] of ASSIGNMENTS) {
    if (digits.length < length) continue;
    const key = digits.slice(0, length);
    const value = table instanceof CompactOui ? table.get(key) : table[key];
    if (value === undefined) continue;
    const name = value.split('\n', 1)[0]!.trim().slice(0, MAX_VENDOR);
    return { prefix: formatAssignment(key), registry, vendor: name || null };
  }
  return null;
}

/**
 * The vendor of a normalised MAC in `table`: the organisation of the longest matching assignment, or null when none
 * matches or the MAC is locally administered (randomised: never guessed). Pure.
 */
export function matchVendor(mac: string, table: OuiTable): string | null {
  if (isLocallyAdministered(mac)) return null;
  return matchAssignment(mac.replace(/:/g, ''), table)?.vendor ?? null;
}

/** Bare hex, 2-digit groups with ":" or "-" (the last may be cut short), or Cisco's 4-digit groups with ".": "198.18.7.10" is not a MAC. */
export function isMacShaped(text: string): boolean {
  const t = text.trim();
  return /^[0-9a-f]{1,12}$/i.test(t) || /^([0-9a-f]{2}:){0,5}[0-9a-f]{1,2}$/i.test(t) || /^([0-9a-f]{2}-){0,5}[0-9a-f]{1,2}$/i.test(t) || /^([0-9a-f]{4}\.){0,2}[0-9a-f]{1,4}$/i.test(t);
}

export interface OuiLookup {
  /** The whole MAC in the stored form ("00:1b:63:84:45:e6"), or null when the query was a prefix. */
  mac: string | null;
  /** The query's leading digits in the stored form ("00:1b:63"), what the IPAM's hosts are matched against. */
  searchPrefix: string;
  prefix: string | null;
  registry: OuiRegistry | null;
  vendor: string | null;
  locallyAdministered: boolean;
  multicast: boolean;
}

/**
 * What a MAC or the start of one (any usual notation: "00-1B-63", "001b.6384.45e6", "70:B3:D5:04:2") says about its
 * maker. A group (multicast) address is looked up with its group bit cleared: 01:00:5E:… is the IANA's block
 * 00:00:5E. A locally administered address has no vendor (randomised or set by software), as in the sweep. Null
 * when the text is not hex in groups or is shorter than the first octet (the two flag bits are in it). Pure.
 */
export function lookupOui(query: string, table: OuiTable): OuiLookup | null {
  const searchPrefix = isMacShaped(query) ? macSearchPrefix(query) : null;
  if (!searchPrefix || searchPrefix.length < 2) return null;
  const hex = searchPrefix.replace(/:/g, '');
  const mac = hex.length === 12 ? searchPrefix : null;
  const first = hex.slice(0, 2);
  const locallyAdministered = isLocallyAdministered(first);
  const multicast = isMulticastMac(first);
  const unicastHex = multicast ? (Number.parseInt(first, 16) & 0xfe).toString(16).padStart(2, '0') + hex.slice(2) : hex;
  const found = locallyAdministered ? null : matchAssignment(unicastHex, table);
  return {
    mac,
    searchPrefix,
    prefix: found?.prefix ?? null,
    registry: found?.registry ?? null,
    vendor: found?.vendor ?? null,
    locallyAdministered,
    multicast,
  };
}
