/**
 * Export sequence numbers (v5: flows, v9: export packets, IPFIX: data records; 32-bit, wrapping) → units lost.
 * A small step back is a late (reordered) packet: not a loss, and the expected number stays. A big jump either way
 * is an exporter restart (or a counter reset): the tracker starts over instead of counting millions of losses.
 */

/** Forward jumps larger than this are a restart, not a loss. */
export const MAX_GAP = 1_000_000;
/** Steps back up to this are late packets; after LATE_LIMIT of them in a row the exporter has restarted. */
export const REORDER_WINDOW = 1_000;
const LATE_LIMIT = 3;

export class Sequence {
  private next = 0;
  private known = false;
  private late = 0;

  /** Units lost before a packet numbered `seq` (0 for the first one or after a restart); −1: a late packet. */
  check(seq: number): number {
    if (!this.known) return 0;
    const d = (seq - this.next) | 0;
    if (d === 0) {
      this.late = 0;
      return 0;
    }
    if (d > 0 && d <= MAX_GAP) {
      this.late = 0;
      return d;
    }
    if (d < 0 && -d <= REORDER_WINDOW && ++this.late < LATE_LIMIT) return -1;
    this.late = 0;
    return 0;
  }

  /** After a packet numbered `seq` holding `units`; `countable` false when they could not all be counted. */
  advance(seq: number, units: number, countable: boolean): void {
    this.next = (seq + units) >>> 0;
    this.known = countable;
  }
}
