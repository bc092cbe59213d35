/** A host's device history as the API shows it (the IP Manager model). Pure. */

export interface DeviceRow {
  mac: string;
  vendor: string | null;
  macRandom: boolean;
  hostname: string | null;
  /** ms since epoch */
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface DeviceView {
  mac: string;
  vendor: string | null;
  macRandom: boolean;
  hostname: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  current: boolean;
}

/**
 * The devices newest last seen first. The current device (the host's MAC now) is brought up to the host's own last
 * answer: its row is only written when the MAC changes, so until then the host's `lastSeenAt` is the newer one.
 * Ties go to the device first seen later.
 */
export function deviceHistory(rows: readonly DeviceRow[], host: { mac: string | null; lastSeenAt: number | null }): DeviceView[] {
  return rows
    .map((d) => {
      const current = host.mac !== null && d.mac === host.mac;
      const lastSeenAt = current && host.lastSeenAt !== null ? Math.max(d.lastSeenAt, host.lastSeenAt) : d.lastSeenAt;
      return { ...d, lastSeenAt, current };
    })
    .sort((a, b) => b.lastSeenAt - a.lastSeenAt || b.firstSeenAt - a.firstSeenAt || (a.mac < b.mac ? -1 : 1))
    .map((d) => ({ ...d, firstSeenAt: new Date(d.firstSeenAt).toISOString(), lastSeenAt: new Date(d.lastSeenAt).toISOString() }));
}
