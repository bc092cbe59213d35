import { canonicalName, validDnsName, type NameLookup } from '../../schema/kinds/names.js';
import type { HostRow } from '../../schema/tables/index.js';

/** What a PTR lookup is judged against: the host's name, where it came from, and its last lookup. */
export interface NamedHost {
  hostname: string | null;
  hostnameSource: HostRow['hostnameSource'];
  ptrCheckedAt: number | null;
}

/** What one lookup writes: only the time it was made (a failed lookup), or the PTR columns and the hostname. */
export type NameWrite =
  | { kind: 'checked' }
  | {
      kind: 'found';
      ptrName: string | null;
      ptrForward: { addresses: string[]; matches: boolean } | null;
      hostname: string | null;
      hostnameSource: HostRow['hostnameSource'];
      /** Whether hostname or its source differ from the stored ones. */
      renamed: boolean;
    };

/**
 * Whether a lookup may set the hostname: a name typed in is never overwritten ('manual', and a name without a
 * source, from before sources were kept); an imported name is kept (the import is the admin's word) unless the
 * host has none; a name from an earlier lookup follows the new one.
 */
export const lookupOwnsName = (h: Pick<NamedHost, 'hostname' | 'hostnameSource'>) => h.hostname === null || h.hostnameSource === 'ptr' || h.hostnameSource === 'probe';

/**
 * One lookup applied to a host, or null when the host holds a newer lookup (results can arrive out of order).
 * A failed lookup keeps everything but the time; no PTR record clears the PTR name and a name it had given.
 */
export function planName(host: NamedHost, lookup: NameLookup, at: number): NameWrite | null {
  if (host.ptrCheckedAt !== null && at < host.ptrCheckedAt) return null;
  // a name that is not a hostname (control characters, spaces, …: the reverse zone's owner writes it) is as good as a failed lookup
  const valid = lookup.name === null ? null : validDnsName(canonicalName(lookup.name));
  if (lookup.error !== undefined || (lookup.name !== null && valid === null)) return { kind: 'checked' };
  const ptrName = valid;
  const owns = lookupOwnsName(host);
  const hostname = owns ? ptrName : host.hostname;
  const hostnameSource = owns ? (ptrName === null ? null : 'ptr') : host.hostnameSource;
  return {
    kind: 'found',
    ptrName,
    ptrForward: ptrName === null ? null : lookup.forward,
    hostname,
    hostnameSource,
    renamed: hostname !== host.hostname || hostnameSource !== host.hostnameSource,
  };
}
