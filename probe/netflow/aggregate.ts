/**
 * Flows rolled up per UTC minute (of each flow's end) into the bounded summaries of a `flows` item: totals of every
 * flow, top talkers, top conversations, top service ports, the subnet-to-subnet matrix, the managed addresses heard
 * and the exporters' counters. Pure: no clock, `flush` is told the time.
 */
import {
  MAX_FLOW_CONVERSATIONS,
  MAX_FLOW_MATRIX,
  MAX_FLOW_PORTS,
  MAX_FLOW_SEEN,
  MAX_FLOW_TALKERS,
  MINUTE_MS,
  type FlowConversation,
  type FlowExporter,
  type FlowMatrixCell,
  type FlowPort,
  type FlowsItem,
  type FlowTalker,
} from '../../schema/kinds/flows.js';
import { clampCount, exporterList, exporterState, order } from './item-exporters.js';
import { DAY_MS, SeenTracker } from './seen.js';
import { SubnetIndex } from './subnet-index.js';
import { topN } from './top.js';
import type { ExporterCounters, FlowRecord } from './types.js';

export interface ManagedSubnet {
  id: number;
  cidr: string;
}

export interface AggregatorOptions {
  /** Talkers and conversations per item (ports: at most MAX_FLOW_PORTS). Default 100. */
  top: number;
  subnets: readonly ManagedSubnet[];
  /** Distinct talkers, conversations, ports and matrix cells (each) tracked across all open minutes; beyond, flows count in the totals only. */
  maxEntries?: number;
  /** Minutes open at once; a flow for yet another (late) minute goes to its arrival minute. */
  maxOpenMinutes?: number;
}

export const DEFAULT_TOP = 100;
/** Shared by the open minutes, so late minutes cannot multiply it (16 × 100k per minute was ~1 GB of heap under a hostile exporter). */
export const MAX_MINUTE_ENTRIES = 200_000;
export const MAX_OPEN_MINUTES = 16;
/** A flow ending more than this long before it arrived is counted in its arrival minute. */
export const MAX_PAST_MS = DAY_MS;
/** A flow cannot end after it was exported: beyond this clock skew it is counted in its arrival minute. */
export const MAX_FUTURE_MS = 2 * MINUTE_MS;

/** What the aggregator left out, since it started (the collector logs changes). */
export interface AggregatorStats {
  /** Flow contributions beyond maxEntries, per table (still in the totals). */
  overflow: { talkers: number; conversations: number; ports: number; matrix: number };
  /** Flows counted in their arrival minute: end time too far off, or too many minutes open. */
  rebucketed: number;
  /** Flows without a usable end time and no arrival time: dropped. */
  badTime: number;
  /** Managed addresses not reported as seen because the day's set was full. */
  seenOverflow: number;
}

/** TCP, UDP, SCTP: the protocols whose ports name a service. */
const PORTED = new Uint8Array(256);
PORTED[6] = PORTED[17] = PORTED[132] = 1;
const clamp = clampCount;
const volume = () => ({ bytes: 0, packets: 0, flows: 0 });
const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/** A talker of one minute; the conversations it started hang off it (one Map lookup fewer per flow). */
interface Talker extends FlowTalker {
  peers: Map<string, FlowConversation> | null;
}

class Minute {
  readonly totals = volume();
  readonly talkers = new Map<string, Talker>();
  /** Conversations of sources that are not a talker of the minute (the talkers' bound was reached). */
  readonly conversations = new Map<string, Map<string, FlowConversation>>();
  conversationCount = 0;
  readonly ports = new Map<number, FlowPort>();
  /** from → to, External as 0. */
  readonly matrix = new Map<number, Map<number, FlowMatrixCell>>();
  matrixCount = 0;
  constructor(
    readonly at: number,
    /** When its item is due: the minute's end, or for a minute already sent (late flows) the next minute a flush reaches. */
    readonly dueAt = at + MINUTE_MS,
  ) {}
}

export class FlowAggregator {
  private readonly minutes = new Map<number, Minute>();
  private last: Minute | null = null;
  private index: SubnetIndex;
  private readonly seen = new SeenTracker();
  private readonly top: number;
  private readonly maxEntries: number;
  private readonly maxOpen: number;
  private readonly counts: Omit<AggregatorStats, 'seenOverflow'> = { overflow: { talkers: 0, conversations: 0, ports: 0, matrix: 0 }, rebucketed: 0, badTime: 0 };
  /** Entries held by the open minutes, per table (bounded by maxEntries in all). */
  private readonly open = { talkers: 0, conversations: 0, ports: 0, matrix: 0 };
  /** The latest minute anything was heard in (a flow, or an exporter's packet). */
  private lastActivity = -1;
  /** The exporters' state the last item carried; the minute a flush first found something to say without flows. */
  private lastExporters = '';
  private noticed = -1;
  /** The latest time a flush was given. */
  private flushedBefore = -Infinity;

  constructor(opts: AggregatorOptions) {
    this.top = Math.max(1, Math.min(opts.top, MAX_FLOW_TALKERS, MAX_FLOW_CONVERSATIONS));
    this.maxEntries = opts.maxEntries ?? MAX_MINUTE_ENTRIES;
    this.maxOpen = opts.maxOpenMinutes ?? MAX_OPEN_MINUTES;
    this.index = new SubnetIndex(opts.subnets);
  }

  /** Flows from now on are labelled with these (those already counted keep their labels). */
  setSubnets(subnets: readonly ManagedSubnet[]) {
    this.index = new SubnetIndex(subnets);
  }

  /** Managed subnets in use, and those left out as not a CIDR. */
  get subnets(): { size: number; skipped: readonly string[] } {
    return { size: this.index.size, skipped: this.index.skipped };
  }

  stats(): AggregatorStats {
    return { ...this.counts, overflow: { ...this.counts.overflow }, seenOverflow: this.seen.overflow };
  }

  /** Minutes open (tests, the bench). */
  get openMinutes(): number {
    return this.minutes.size;
  }

  /**
   * One flow, in the minute of its end. With `arrivalMs` (the collector's clock), a flow ending more than a day
   * before it arrived or more than MAX_FUTURE_MS after goes to its arrival minute instead.
   */
  add(flow: FlowRecord, arrivalMs?: number) {
    let end = flow.endMs;
    const usable = Number.isFinite(end) && end >= 0;
    if (arrivalMs !== undefined && (!usable || end < arrivalMs - MAX_PAST_MS || end > arrivalMs + MAX_FUTURE_MS)) {
      if (usable) this.counts.rebucketed++;
      end = arrivalMs;
    } else if (!usable) {
      this.counts.badTime++;
      return;
    }
    const m = this.minute(minuteOf(end), arrivalMs);
    const bytes = flow.bytes > 0 ? flow.bytes : 0;
    const packets = flow.packets > 0 ? flow.packets : 0;
    m.totals.bytes += bytes;
    m.totals.packets += packets;
    m.totals.flows++;

    // a talker of this minute already knows its subnet
    const src = m.talkers.get(flow.src) ?? this.talker(m, flow.src);
    const srcSubnet = src ? src.subnetId : this.index.lookup(flow.src);
    if (src) {
      src.bytesOut += bytes;
      src.packetsOut += packets;
      src.flowsOut++;
    }
    const dst = m.talkers.get(flow.dst) ?? this.talker(m, flow.dst);
    const dstSubnet = dst ? dst.subnetId : this.index.lookup(flow.dst);
    if (dst) {
      dst.bytesIn += bytes;
      dst.packetsIn += packets;
      dst.flowsIn++;
    }

    let peers = src ? src.peers : m.conversations.get(flow.src);
    let c = peers?.get(flow.dst);
    if (!c) {
      if (this.open.conversations < this.maxEntries) {
        if (!peers) {
          peers = new Map();
          if (src) src.peers = peers;
          else m.conversations.set(flow.src, peers);
        }
        c = { src: flow.src, dst: flow.dst, srcSubnetId: srcSubnet, dstSubnetId: dstSubnet, bytes: 0, packets: 0, flows: 0 };
        peers.set(flow.dst, c);
        m.conversationCount++;
        this.open.conversations++;
      } else this.counts.overflow.conversations++;
    }
    if (c) add(c, bytes, packets);

    const protocol = flow.protocol & 255;
    const port = PORTED[protocol] === 1 ? Math.min(flow.srcPort, flow.dstPort) : 0;
    const portKey = protocol * 65_536 + port;
    let p = m.ports.get(portKey);
    if (!p) {
      if (this.open.ports < this.maxEntries) {
        m.ports.set(portKey, (p = { protocol, port, bytes: 0, packets: 0, flows: 0 }));
        this.open.ports++;
      } else this.counts.overflow.ports++;
    }
    if (p) add(p, bytes, packets);

    const from = srcSubnet ?? 0;
    let row = m.matrix.get(from);
    let cell = row?.get(dstSubnet ?? 0);
    if (!cell) {
      if (this.open.matrix < this.maxEntries) {
        if (!row) m.matrix.set(from, (row = new Map()));
        row.set(dstSubnet ?? 0, (cell = { from: srcSubnet, to: dstSubnet, bytes: 0, packets: 0, flows: 0 }));
        m.matrixCount++;
        this.open.matrix++;
      } else this.counts.overflow.matrix++;
    }
    if (cell) add(cell, bytes, packets);
  }

  /**
   * Items of the minutes that ended before `beforeMs`, oldest first, each with the exporters' counters. Late flows of
   * a minute already flushed go out again in an item of their minute at the first flush of the next minute. When no
   * minute is open or closed but there is something to say (exporters heard from, addresses waiting to be
   * reported), an item without flows carries it once the minute this was noticed in has ended (at most one a minute).
   */
  flush(beforeMs: number, exporters: readonly ExporterCounters[]): FlowsItem[] {
    const list = exporterList(exporters);
    const state = exporterState(exporters);
    for (const e of exporters) if (Number.isFinite(e.lastSeenMs)) this.noteActivity(minuteOf(e.lastSeenMs));
    if (Number.isFinite(beforeMs) && beforeMs > this.flushedBefore) this.flushedBefore = beforeMs;
    const closed = [...this.minutes.values()].filter((m) => m.dueAt <= beforeMs).sort((a, b) => a.at - b.at);
    const items = closed.map((m) => {
      this.minutes.delete(m.at);
      if (this.last === m) this.last = null;
      this.open.talkers -= m.talkers.size;
      this.open.conversations -= m.conversationCount;
      this.open.ports -= m.ports.size;
      this.open.matrix -= m.matrixCount;
      return this.item(m, list);
    });
    // with a minute open, its item will carry both when it closes
    if (!items.length && !this.minutes.size && (this.seen.queued > 0 || state !== this.lastExporters)) {
      const finite = Number.isFinite(beforeMs);
      if (this.noticed < 0) this.noticed = finite ? minuteOf(beforeMs) : this.lastActivity;
      // once the minute it was noticed in has ended
      if (this.noticed >= 0 && (!finite || minuteOf(beforeMs) > this.noticed)) items.push(this.item(new Minute(this.noticed), list));
    }
    if (items.length) {
      this.lastExporters = state;
      this.noticed = -1;
    }
    return items;
  }

  private noteActivity(at: number) {
    if (at > this.lastActivity) this.lastActivity = at;
  }

  private minute(at: number, arrivalMs: number | undefined): Minute {
    // consecutive flows nearly always share a minute
    if (this.last?.at === at) return this.last;
    let m = this.minutes.get(at);
    if (m) return (this.last = m);
    if (this.minutes.size >= this.maxOpen) {
      // a late minute beyond the bound: its flows join the arrival minute (or the latest open one)
      this.counts.rebucketed++;
      const fallback = arrivalMs !== undefined ? minuteOf(arrivalMs) : Math.max(...this.minutes.keys());
      m = this.minutes.get(fallback);
      if (m) return m;
      at = fallback;
    }
    // a minute a flush has already closed: its late flows wait for the next minute, so they go out once a minute, not once a flush
    m = new Minute(at, at + MINUTE_MS <= this.flushedBefore ? Math.max(at + MINUTE_MS, minuteOf(this.flushedBefore) + MINUTE_MS) : at + MINUTE_MS);
    this.minutes.set(at, m);
    this.noteActivity(at);
    return (this.last = m);
  }

  /** A talker new to this minute (null beyond maxEntries); a managed address is noted as seen. */
  private talker(m: Minute, ip: string): Talker | null {
    const subnetId = this.index.lookup(ip);
    if (subnetId !== null) this.seen.note(ip, subnetId, m.at);
    if (this.open.talkers >= this.maxEntries) {
      this.counts.overflow.talkers++;
      return null;
    }
    const t: Talker = { ip, subnetId, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, flowsIn: 0, flowsOut: 0, peers: null };
    // its conversations counted while it was not a talker (the bound freed by a flush since) stay one set
    if (m.conversations.size > 0) {
      const held = m.conversations.get(ip);
      if (held) {
        t.peers = held;
        m.conversations.delete(ip);
      }
    }
    m.talkers.set(ip, t);
    this.open.talkers++;
    return t;
  }

  private item(m: Minute, exporters: FlowExporter[]): FlowsItem {
    const talkers = topN(m.talkers.values(), this.top, (a, b) => b.bytesIn + b.bytesOut - (a.bytesIn + a.bytesOut) || order(a.ip, b.ip));
    const conversations = topN(conversationsOf(m), this.top, (a, b) => b.bytes - a.bytes || order(a.src, b.src) || order(a.dst, b.dst));
    const ports = topN(m.ports.values(), Math.min(this.top, MAX_FLOW_PORTS), (a, b) => b.bytes - a.bytes || a.protocol - b.protocol || a.port - b.port);
    const matrix = topN(flat(m.matrix), MAX_FLOW_MATRIX, (a, b) => b.bytes - a.bytes || (a.from ?? 0) - (b.from ?? 0) || (a.to ?? 0) - (b.to ?? 0));
    return {
      kind: 'flows',
      at: m.at,
      totals: volumeOf(m.totals),
      talkers: talkers.map((t) => ({
        ip: t.ip,
        subnetId: t.subnetId,
        bytesIn: clamp(t.bytesIn),
        bytesOut: clamp(t.bytesOut),
        packetsIn: clamp(t.packetsIn),
        packetsOut: clamp(t.packetsOut),
        flowsIn: t.flowsIn,
        flowsOut: t.flowsOut,
      })),
      conversations: conversations.map((c) => ({ src: c.src, dst: c.dst, srcSubnetId: c.srcSubnetId, dstSubnetId: c.dstSubnetId, ...volumeOf(c) })),
      ports: ports.map((p) => ({ protocol: p.protocol, port: p.port, ...volumeOf(p) })),
      matrix: matrix.map((c) => ({ from: c.from, to: c.to, ...volumeOf(c) })),
      seen: this.seen.take(MAX_FLOW_SEEN),
      exporters,
    };
  }
}

function add(v: { bytes: number; packets: number; flows: number }, bytes: number, packets: number) {
  v.bytes += bytes;
  v.packets += packets;
  v.flows++;
}

const volumeOf = (v: { bytes: number; packets: number; flows: number }) => ({ bytes: clamp(v.bytes), packets: clamp(v.packets), flows: v.flows });


function* flat<K, V>(nested: Map<unknown, Map<K, V>>): Generator<V> {
  for (const row of nested.values()) yield* row.values();
}

/** Every conversation of the minute (any order: the item's order is total). */
function conversationsOf(m: Minute): FlowConversation[] {
  const all: FlowConversation[] = [];
  for (const t of m.talkers.values()) if (t.peers) for (const c of t.peers.values()) all.push(c);
  for (const row of m.conversations.values()) for (const c of row.values()) all.push(c);
  return all;
}
