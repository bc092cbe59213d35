/** MAC addresses as the IPAM stores them: lowercase, colon-separated ("00:0c:29:ab:cd:ef"). Pure. */
import { z } from 'zod';

const MAC_PATTERN = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
/** A MAC on the wire (already normalised by the sender). */
export const macText = z.string().regex(MAC_PATTERN, 'a MAC address as 00:0c:29:ab:cd:ef');

/** "00-0C-29-AB-CD-EF", "000c.29ab.cdef", "000C29ABCDEF" → "00:0c:29:ab:cd:ef"; null when it is not a MAC. */
export function normaliseMac(input: string): string | null {
  const hex = input.trim().toLowerCase().replace(/[:.\-\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/**
 * A search prefix ("00:0C:2", "000c29", "00-0c-29-ab") as the stored form's leading characters, or null when
 * it is not hex in groups. Separators may be left out; a group cut short matches as a prefix.
 */
export function macSearchPrefix(input: string): string | null {
  const text = input.trim().toLowerCase();
  if (!text || text.length > 17) return null;
  const hex = text.replace(/[:.\-]/g, '');
  if (!/^[0-9a-f]{1,12}$/.test(hex)) return null;
  return (hex.match(/.{1,2}/g) ?? []).join(':');
}

/** Whether the locally administered bit (0x02 of the first octet) is set: a randomised or assigned-by-software MAC, not a vendor's. */
export function isLocallyAdministered(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

/** Group (multicast) addresses never belong to a host. */
export function isMulticastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 0x01) !== 0;
}

/** The all-zero MAC some tools print for an incomplete neighbour entry. */
export const isZeroMac = (mac: string) => mac === '00:00:00:00:00:00';

/** A MAC worth recording for a host: unicast and not all zeroes. */
export const isHostMac = (mac: string) => !isMulticastMac(mac) && !isZeroMac(mac);
