import { asc, sql } from 'drizzle-orm';
import { hosts, subnets, type HostStatus, type SubnetRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { csvLine, protectCell } from '../domain/csv-cells.js';
import { yieldToEventLoop } from '../yield.js';
import { HOST_COLUMNS, HOST_READONLY_COLUMNS, SUBNET_COLUMNS } from './csv-read.js';

/** Rows read and written per turn of the event loop: a query and a few milliseconds of formatting. */
export const EXPORT_PAGE = 2000;

export const SUBNET_HEADER = [...SUBNET_COLUMNS];
export const HOST_HEADER = [...HOST_COLUMNS, ...HOST_READONLY_COLUMNS];

/** One row of an export: the header's cells in order, text already protected against formulas. */
export type ExportRow = (string | number)[];
/** The next page of an export's rows (possibly empty), or null when there are no more. */
export type NextPage = () => Promise<ExportRow[] | null>;

/** Text cells as a spreadsheet may open them safely (numbers are left alone). */
const safeCells = (row: (string | number)[]) => row.map((v) => (typeof v === 'string' ? protectCell(v) : v));

const subnetCells = (s: SubnetRow) => safeCells([s.cidr, s.name, s.notes, s.probeId ?? '', s.sweepIntervalSeconds, s.groupName, s.vlan ?? '', s.gateway ?? '']);

/** [subnetId, ipKey, ip, hostname, description, tags, notes, reserved 0/1, reservedBy, reservedNote, status, lastSeenAt ms] */
type RawHost = [number, string, string, string | null, string, string[], string, number, string | null, string | null, HostStatus, number | null];
const hostCells = ([, , ip, hostname, description, tags, notes, reserved, reservedBy, reservedNote, status, lastSeenAt]: RawHost) =>
  safeCells([ip, hostname ?? '', description, tags.join(';'), notes, reserved ? 'true' : 'false', reservedBy ?? '', reservedNote ?? '', status, lastSeenAt === null ? '' : new Date(lastSeenAt).toISOString()]);

/**
 * Hosts as JSON built by SQLite, one value per page: far cheaper than a row object per host through the
 * driver (see subnet-table.ts), and a page stays well under D1's 2 MB per value.
 */
async function rawHosts(deps: AppDeps, where: ReturnType<typeof sql>, limit: number): Promise<RawHost[]> {
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(subnet_id, ip_key, ip, hostname, description, json(tags), notes, reserved, reserved_by,
      reserved_note, status, last_seen_at)) AS part
    FROM (SELECT * FROM ${hosts} WHERE ${where} ORDER BY subnet_id, ip_key LIMIT ${limit})`)) as [{ part: string }]; // an aggregate without GROUP BY answers one row
  // json_group_array does not promise the subquery's order: the caller sorts
  return JSON.parse(part) as RawHost[];
}

/**
 * A CSV answer made a page at a time as the client reads it, yielding to the event loop between pages,
 * instead of one string built (and the loop held) for the whole table. `next` returns the next page of
 * lines, or null when there are no more.
 */
function csvStream(header: string[], next: NextPage): ReadableStream<Uint8Array> {
  const text = (lines: ExportRow[]) => lines.map(csvLine).join('');
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(csvLine(header)));
          return;
        }
        // a pull that enqueues nothing is not called again: go on until there is something to send
        for (;;) {
          await yieldToEventLoop();
          const lines = await next();
          if (lines === null) return controller.close();
          if (lines.length) return controller.enqueue(encoder.encode(text(lines)));
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/** Every subnet in address order, paged along the (family, range_start) index. */
export function exportSubnetsCsv(deps: AppDeps): ReadableStream<Uint8Array> {
  return csvStream(SUBNET_HEADER, subnetPages(deps));
}

/** The pages of the subnets export (the CSV's and the workbook's). */
export function subnetPages(deps: AppDeps): NextPage {
  let after: { family: number; rangeStart: string } | null = null;
  let done = false;
  return async () => {
    if (done) return null;
    const page = await deps.db
      .select()
      .from(subnets)
      .where(after ? sql`(${subnets.family}, ${subnets.rangeStart}) > (${after.family}, ${after.rangeStart})` : undefined)
      .orderBy(asc(subnets.family), asc(subnets.rangeStart))
      .limit(EXPORT_PAGE);
    done = page.length < EXPORT_PAGE;
    const last = page.at(-1);
    if (last) after = { family: last.family, rangeStart: last.rangeStart };
    return page.map(subnetCells);
  };
}

type Read = { kind: 'group'; ids: number[] } | { kind: 'large'; id: number };

/**
 * Which reads make the export, in address order: consecutive subnets whose hosts fit in one page are read
 * together; a subnet with more hosts is read a page at a time along the (subnet_id, ip_key) index.
 */
function plannedReads(order: number[], counts: Map<number, number>): Read[] {
  const reads: Read[] = [];
  let group: number[] = [];
  let inGroup = 0;
  const flush = () => {
    if (group.length) reads.push({ kind: 'group', ids: group });
    group = [];
    inGroup = 0;
  };
  for (const id of order) {
    const n = counts.get(id) ?? 0;
    if (!n) continue;
    if (n > EXPORT_PAGE) {
      flush();
      reads.push({ kind: 'large', id });
      continue;
    }
    if (inGroup + n > EXPORT_PAGE) flush();
    group.push(id);
    inGroup += n;
  }
  flush();
  return reads;
}

/**
 * Every host record, by family then address (subnets never overlap, so subnet order then address
 * order within each). Pages, not one snapshot: a host written while the export runs may be missing.
 */
export function exportHostsCsv(deps: AppDeps): ReadableStream<Uint8Array> {
  return csvStream(HOST_HEADER, hostPages(deps));
}

/** The pages of the hosts export (the CSV's and the workbook's). */
export function hostPages(deps: AppDeps): NextPage {
  let reads: Read[] | null = null;
  let afterKey: string | null = null;
  return async () => {
    if (!reads) {
      const order = await deps.db.select({ id: subnets.id }).from(subnets).orderBy(asc(subnets.family), asc(subnets.rangeStart));
      const counts = await deps.db.select({ id: hosts.subnetId, n: sql<number>`count(*)` }).from(hosts).groupBy(hosts.subnetId);
      reads = plannedReads(order.map((s) => s.id), new Map(counts.map((c) => [c.id, Number(c.n)])));
      return [];
    }
    const read = reads[0];
    if (!read) return null;
    if (read.kind === 'group') {
      reads.shift();
      const rows = await rawHosts(deps, sql`subnet_id IN (SELECT value FROM json_each(${JSON.stringify(read.ids)}))`, -1);
      const rank = new Map(read.ids.map((id, i) => [id, i]));
      rows.sort((a, b) => rank.get(a[0])! - rank.get(b[0])! || (a[1] < b[1] ? -1 : 1));
      return rows.map(hostCells);
    }
    // along the (subnet_id, ip_key) index from the last key sent
    const page = await rawHosts(deps, sql`subnet_id = ${read.id} AND ip_key > ${afterKey ?? ''}`, EXPORT_PAGE);
    page.sort((a, b) => (a[1] < b[1] ? -1 : 1));
    afterKey = page.at(-1)?.[1] ?? null;
    if (page.length < EXPORT_PAGE) (reads.shift(), (afterKey = null));
    return page.map(hostCells);
  };
}
