/** One row of a subnet listing: a used address, or a run of unused ones collapsed into a single row. */
export type CollapsedRow<T> =
  | { kind: 'used'; value: bigint; item: T }
  | { kind: 'unused'; first: bigint; last: bigint; count: bigint };

/**
 * Merges the used addresses of a block with the gaps between them, in address order.
 * Gaps are only reported inside `usable` (so an IPv4 network/broadcast address never shows as unused),
 * but a used address outside it (a reserved network address, say) still gets its row.
 * Work is O(used), never O(addresses): a /64 with three hosts gives at most seven rows.
 * `used` must be sorted by value and free of duplicates.
 */
export function collapseUnused<T>(
  usable: { first: bigint; last: bigint },
  used: ReadonlyArray<{ value: bigint; item: T }>,
): CollapsedRow<T>[] {
  const rows: CollapsedRow<T>[] = [];
  let cursor = usable.first;
  const pushGap = (upTo: bigint) => {
    const last = upTo < usable.last ? upTo : usable.last;
    if (cursor <= last) rows.push({ kind: 'unused', first: cursor, last, count: last - cursor + 1n });
  };
  for (const u of used) {
    if (u.value > cursor) pushGap(u.value - 1n);
    rows.push({ kind: 'used', value: u.value, item: u.item });
    if (u.value >= cursor) cursor = u.value + 1n;
  }
  pushGap(usable.last);
  return rows;
}

/** The first `limit` unused addresses of collapsed rows, in order. Work is O(rows + limit). */
export function firstUnused<T>(rows: ReadonlyArray<CollapsedRow<T>>, limit: number): bigint[] {
  const out: bigint[] = [];
  for (const r of rows) {
    if (r.kind !== 'unused') continue;
    for (let v = r.first; v <= r.last && out.length < limit; v++) out.push(v);
    if (out.length >= limit) break;
  }
  return out;
}
