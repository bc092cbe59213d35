import type { Family } from '../../schema/ip/cidr.js';

/** An address block: subnets, or the rows of a subnet import. */
export interface Block<T> {
  family: Family;
  first: bigint;
  last: bigint;
  item: T;
}

const byStart = <T>(a: Block<T>, b: Block<T>) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.last > b.last ? -1 : a.last < b.last ? 1 : 0);

/**
 * Blocks that do not overlap each other (the stored subnets), sorted per family: which one holds an
 * address, or overlaps a range, is a binary search instead of a scan of every block.
 */
export class BlockIndex<T> {
  private readonly sorted: Record<Family, Block<T>[]> = { 4: [], 6: [] };

  constructor(blocks: Iterable<Block<T>>) {
    for (const b of blocks) this.sorted[b.family].push(b);
    this.sorted[4].sort(byStart);
    this.sorted[6].sort(byStart);
  }

  /** The block with the largest start at or before `value`. */
  private before(family: Family, value: bigint): Block<T> | undefined {
    const list = this.sorted[family];
    let lo = 0;
    let hi = list.length - 1;
    let found: Block<T> | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.first <= value) (found = list[mid]), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  }

  /** The block holding the address. */
  find(family: Family, value: bigint): T | undefined {
    const b = this.before(family, value);
    return b && b.last >= value ? b.item : undefined;
  }

  /** A block sharing an address with first..last. The blocks are disjoint, so the last one starting at or before `last` is the only candidate. */
  overlapping(family: Family, first: bigint, last: bigint): T | undefined {
    const b = this.before(family, last);
    return b && b.last >= first ? b.item : undefined;
  }
}

/**
 * Overlaps among blocks that may overlap each other (the rows of one import), as [later, earlier] by
 * `order` (the line): every block that overlaps one before it in the sweep is reported once, against the
 * block reaching furthest so far. Sorting makes it n·log n where comparing every pair was n².
 */
export function overlapsWithin<T>(blocks: ReadonlyArray<Block<T>>, order: (item: T) => number): [T, T][] {
  const out: [T, T][] = [];
  const flagged = new Set<T>();
  for (const family of [4, 6] as const) {
    const sorted = blocks.filter((b) => b.family === family).sort(byStart);
    let cover: Block<T> | undefined;
    for (const b of sorted) {
      if (cover && b.first <= cover.last) {
        const [later, earlier] = order(b.item) > order(cover.item) ? [b.item, cover.item] : [cover.item, b.item];
        if (!flagged.has(later)) (flagged.add(later), out.push([later, earlier]));
      }
      if (!cover || b.last > cover.last) cover = b;
    }
  }
  return out;
}
