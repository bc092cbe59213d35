/**
 * The `names` kind: reverse DNS (PTR) of a subnet's alive hosts, looked up by the probe through the site's
 * resolver after its sweeps, and each name's forward check. The probe sends only the addresses it looked up (its
 * cache holds a name for the record's TTL, bounded), so most sweeps send none.
 */
import { z } from 'zod';
import { ipText, subnetId } from './common.js';

/** Names one item carries (one batch; the server writes a row per name). */
export const MAX_NAMES_PER_ITEM = 1_000;
/** Bounds on how long a looked-up name is trusted before the probe asks again (seconds). */
export const PTR_MIN_TTL_SECONDS = 300;
export const PTR_MAX_TTL_SECONDS = 86_400;

/** A DNS name as the server stores it: lowercase, no trailing dot. */
export const dnsName = z.string().min(1).max(253);

export const nameLookup = z.object({
  ip: ipText,
  /** The PTR name; null: the address has no PTR record (NXDOMAIN or no answer of that type). */
  name: dnsName.nullable(),
  /** How long the answer is cached (the record's TTL within the bounds above). */
  ttlSeconds: z.number().int().min(0).max(PTR_MAX_TTL_SECONDS),
  /** The forward lookup of `name` (A for IPv4, AAAA for IPv6); null when there is no name or the lookup failed. */
  forward: z.object({ addresses: z.array(ipText).max(32), matches: z.boolean() }).nullable(),
  /** Set when the lookup itself failed (timeout, SERVFAIL): the server keeps what it had. */
  error: z.string().max(200).optional(),
});
export type NameLookup = z.infer<typeof nameLookup>;

export const namesItem = z.object({
  kind: z.literal('names'),
  subnetId,
  /** When the lookups were made (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  names: z.array(nameLookup).min(1).max(MAX_NAMES_PER_ITEM),
});
export type NamesItem = z.infer<typeof namesItem>;

/** Normalises a name from the resolver: lowercase, trailing dot gone. */
export const canonicalName = (name: string) => name.trim().replace(/\.$/, '').toLowerCase();

/** One label: letters, digits, hyphen, and underscore (which real zones use); punycode `xn--` labels are of these too. */
const LABEL = /^[a-z0-9_-]{1,63}$/;

/**
 * A hostname as the probe reports it and the server stores it (lowercase, trailing dot gone), or null when it is not
 * one. A PTR record's text is whatever the reverse zone's owner put there (control characters, spaces, bidi
 * overrides, any byte), so only LDH(+underscore) labels of 1–63 characters, 253 in all, pass.
 */
export function validDnsName(name: string): string | null {
  const n = name.replace(/\.$/, '').toLowerCase();
  if (n.length < 1 || n.length > 253) return null;
  return n.split('.').every((label) => LABEL.test(label)) ? n : null;
}
