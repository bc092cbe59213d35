// @ts-check
/**
 * The subnet view's display list, from the compact /table answer: hosts, collapsed unused runs, and the
 * free addresses of runs the user expanded. Pure: plain values in, plain values out.
 *
 * Host tuple: [id, ip, status, latencyMs, hostname, lastSeenAt s, lastChangeAt s, flags]; run: [first, last, count].
 */
export const RESERVED = 1;

export function isHostRow(row) {
  return typeof row[0] === 'number';
}

export function hostOf(row) {
  const [id, ip, status, latencyMs, hostname, lastSeenAt, lastChangeAt, flags] = row;
  return { id, ip, status, latencyMs, hostname, lastSeenAt, lastChangeAt, reserved: (flags & RESERVED) !== 0 };
}

/** A filter keeps hosts only; with no filter, runs stay and expanded runs show their free addresses. */
export function displayItems(rows, { status = '', text = '' } = {}, expanded = new Map()) {
  const needle = text.trim().toLowerCase();
  const filtering = status !== '' || needle !== '';
  const items = [];
  for (const row of rows) {
    if (isHostRow(row)) {
      const h = hostOf(row);
      if (status && h.status !== status) continue;
      if (needle && !h.ip.toLowerCase().startsWith(needle) && !(h.hostname ?? '').toLowerCase().includes(needle)) continue;
      items.push({ kind: 'host', key: `h${h.id}`, host: h });
    } else if (!filtering) {
      const [first, last, count] = row;
      const open = expanded.get(first);
      items.push({ kind: 'run', key: `r${first}`, first, last, count: String(count), open: !!open });
      if (open) {
        for (const ip of open.addresses) items.push({ kind: 'free', key: `f${ip}`, ip });
        if (open.next) items.push({ kind: 'more', key: `m${first}`, first, next: open.next, last });
      }
    }
  }
  return items;
}

/** "198.18.0.13 – 198.18.0.49 (37 unused)"; counts of IPv6 runs exceed 2^53, so they stay exact as BigInt. */
export function runLabel(first, last, count) {
  const n = BigInt(count);
  return `${first === last ? first : `${first} – ${last}`} (${n.toLocaleString('en')} unused)`;
}
