/**
 * The probe's NetFlow/IPFIX collector: a UDP socket, the decoder, the per-minute aggregator and the optional raw
 * flow log. Minutes are emitted as `flows` items once they have ended (plus a grace period for flows exported
 * late); `stop` emits the open minute too.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { FlowsItem } from '../../schema/kinds/flows.js';
import type { Logger } from '../../schema/log.js';
import { FlowAggregator, type AggregatorStats, type ManagedSubnet } from './aggregate.js';
import { FlowDecoder } from './decoder.js';
import { Fifo } from './fifo.js';
import { FlowLog } from './flow-log.js';
import { SubnetIndex } from './subnet-index.js';
import type { ExporterCounters } from './types.js';

export interface CollectorOptions {
  bindHost: string;
  bindPort: number;
  recvBufferBytes: number;
  top: number;
  templateLifetimeMs: number;
  samplingOverrides: ReadonlyMap<string, number>;
  /** CIDRs allowed to export (NETFLOW_EXPORTERS); empty or absent: any sender. */
  allowedExporters?: readonly string[];
  logFile: string | null;
  logMaxBytes: number;
  logFiles: number;
  /** How long after a minute ends its item waits for flows exported late (default 5 s). */
  flushGraceMs: number;
}

/** How often templates expire and closed minutes are emitted. */
const TICK_MS = 1_000;

/**
 * Datagrams are taken off the socket at once and decoded a little later, in slices of DRAIN_SLICE_MS between reads:
 * receiving costs ~9 µs a datagram, decoding and aggregating it ~25 µs, so under a burst the kernel's buffer
 * (capped by net.core.rmem_max) would overflow while the event loop decodes. The queue in between is bounded.
 */
const QUEUE_MAX_BYTES = 64 * 1024 * 1024;
/**
 * A turn of the event loop that read BURST_READS datagrams or more (libuv reads up to 32 a turn) is a burst: nothing
 * is decoded in it, so reading comes first, and the queue is decoded in the turns after. Steady traffic (a few a
 * turn) is decoded as it comes. Past BURST_QUEUE_BYTES waiting (a sustained overload) decoding takes its slices
 * again, and the kernel drops what does not fit its buffer.
 */
const BURST_READS = 8;
const BURST_QUEUE_BYTES = 16 * 1024 * 1024;
const DRAIN_SLICE_MS = 2;

interface Received {
  msg: Buffer;
  address: string;
  port: number;
  arrival: number;
}

/** Refused senders named in the log (each once); the rest are only counted. */
const REFUSED_NAMED = 64;

const MAPPED = '::ffff:';
/** dgram on a dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d. */
const plainAddress = (a: string) => (a.startsWith(MAPPED) && a.includes('.') ? a.slice(MAPPED.length) : a);

/** The message start() rejects with: what went wrong and what to change. */
export function bindErrorMessage(host: string, port: number, e: NodeJS.ErrnoException): string {
  const where = `NetFlow collector cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return `${where}: the port is in use (another collector?); set NETFLOW_BIND_PORT to a free port, or NETFLOW_ENABLED=0`;
    case 'EACCES':
      return `${where}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); use the default 2055`;
    case 'EADDRNOTAVAIL':
      return `${where}: no interface of this machine has that address; set NETFLOW_BIND_HOST to one of its addresses, 0.0.0.0 or ::`;
    case 'EAFNOSUPPORT':
      return `${where}: this machine has no IPv6; set NETFLOW_BIND_HOST=0.0.0.0`;
    default:
      return `${where}: ${e.message}`;
  }
}

export class FlowCollector {
  private readonly decoder: FlowDecoder;
  private readonly aggregator: FlowAggregator;
  private readonly flowLog: FlowLog | null;
  private readonly listeners: ((items: FlowsItem[]) => void)[] = [];
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reported = '';
  /** NETFLOW_EXPORTERS as a prefix index (null: any sender); datagrams from others are counted and dropped undecoded. */
  private readonly allowed: SubnetIndex | null;
  private readonly refusedNamed = new Set<string>();
  /** Datagrams dropped because their sender is not in NETFLOW_EXPORTERS. */
  refused = 0;
  private readonly queue = new Fifo<Received>();
  private queuedBytes = 0;
  private draining: NodeJS.Immediate | null = null;
  /** Datagrams read since the last drain slice ran. */
  private readsThisTurn = 0;
  /** Datagrams dropped because QUEUE_MAX_BYTES were waiting to be decoded. */
  queueDrops = 0;
  private readonly onMessage = (msg: Buffer, rinfo: RemoteInfo) => this.receive(msg, rinfo);

  constructor(
    private readonly opts: CollectorOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.decoder = new FlowDecoder({ templateLifetimeMs: opts.templateLifetimeMs, samplingOverrides: opts.samplingOverrides });
    this.aggregator = new FlowAggregator({ top: opts.top, subnets: [] });
    this.allowed = opts.allowedExporters?.length ? new SubnetIndex(opts.allowedExporters.map((cidr, i) => ({ id: i + 1, cidr }))) : null;
    this.flowLog = opts.logFile ? new FlowLog({ file: opts.logFile, maxBytes: opts.logMaxBytes, files: opts.logFiles }, log) : null;
  }

  /** Binds the socket (port 0: a free one) and starts the timers; rejects with a message naming the fix. */
  start(): Promise<{ address: string; port: number }> {
    const { bindHost, bindPort } = this.opts;
    const v6 = bindHost.includes(':');
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: false, reuseAddr: false });
    return new Promise((resolve, reject) => {
      const failed = (e: NodeJS.ErrnoException) => {
        socket.close();
        reject(new Error(bindErrorMessage(bindHost, bindPort, e)));
      };
      socket.once('error', failed);
      socket.once('listening', () => {
        socket.off('error', failed);
        socket.on('error', (e) => this.log.warn('NetFlow socket error', { error: e.message }));
        socket.on('message', this.onMessage);
        this.socket = socket;
        const bound = socket.address();
        // `exporters: any` is a hint: on a reachable address anyone may send it flows (and take the exporter table's slots)
        const exporters = this.opts.allowedExporters?.length ? this.opts.allowedExporters : 'any (set NETFLOW_EXPORTERS to limit them)';
        this.log.info('NetFlow collector listening', { address: bound.address, port: bound.port, recvBuffer: this.setRecvBuffer(socket), exporters });
        this.timer = setInterval(() => this.tick(), TICK_MS);
        this.timer.unref();
        resolve({ address: bound.address, port: bound.port });
      });
      socket.bind({ address: bindHost, port: bindPort, exclusive: true });
    });
  }

  setSubnets(subnets: readonly ManagedSubnet[]) {
    this.aggregator.setSubnets(subnets);
    const { skipped } = this.aggregator.subnets;
    if (skipped.length) this.log.warn('managed subnets that are not a CIDR are left out of flow labels', { skipped: skipped.slice(0, 5), count: skipped.length });
  }

  onItems(cb: (items: FlowsItem[]) => void) {
    this.listeners.push(cb);
  }

  /** Every minute, the open one included (stop, tests); also returned to onItems listeners. Decodes what is queued first. */
  flushAll(): FlowsItem[] {
    this.drain(Infinity);
    return this.emit(this.aggregator.flush(Infinity, this.decoder.counters()));
  }

  counters(): ExporterCounters[] {
    return this.decoder.counters();
  }

  /** What was left out since start: by the aggregator, the flow log, and the decoder (exporters beyond its bound; its own faults). */
  stats(): AggregatorStats & { logDropped: number; untrackedPackets: number; decoderFaults: number; queueDrops: number } {
    return {
      ...this.aggregator.stats(),
      logDropped: this.flowLog?.dropped ?? 0,
      untrackedPackets: this.decoder.untrackedPackets,
      decoderFaults: this.decoder.faults,
      queueDrops: this.queueDrops,
    };
  }

  /** Closes the socket, emits what is left (the open minute too) and closes the flow log. */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.off('message', this.onMessage);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
    if (this.draining) clearImmediate(this.draining);
    this.draining = null;
    this.flushAll();
    await this.flowLog?.close();
  }

  private receive(msg: Buffer, rinfo: RemoteInfo) {
    const address = plainAddress(rinfo.address);
    if (this.allowed && this.allowed.lookup(address) === null) return this.refuse(address);
    if (this.queuedBytes + msg.length > QUEUE_MAX_BYTES) {
      this.queueDrops++;
      return;
    }
    this.queue.push({ msg, address, port: rinfo.port, arrival: this.now() });
    this.queuedBytes += msg.length;
    this.readsThisTurn++;
    this.draining ??= setImmediate(this.drainSlice);
  }

  private readonly drainSlice = () => {
    this.draining = null;
    const burst = this.readsThisTurn >= BURST_READS && this.queuedBytes < BURST_QUEUE_BYTES;
    this.readsThisTurn = 0;
    if (!burst) this.drain(DRAIN_SLICE_MS);
    if (this.queue.size) this.draining = setImmediate(this.drainSlice);
  };

  /** Decodes and aggregates queued datagrams, oldest first, for about `sliceMs` (Infinity: all of them). */
  private drain(sliceMs: number) {
    const until = performance.now() + sliceMs;
    let n = 0;
    for (let r = this.queue.shift(); r; r = this.queue.shift()) {
      this.queuedBytes -= r.msg.length;
      const flows = this.decoder.decode(r.msg, { address: r.address, port: r.port }, r.arrival);
      for (let i = 0; i < flows.length; i++) this.aggregator.add(flows[i]!, r.arrival);
      if (this.flowLog) this.flowLog.write(flows);
      if ((++n & 3) === 0 && performance.now() >= until) break;
    }
  }

  private refuse(address: string) {
    this.refused++;
    if (this.refusedNamed.size >= REFUSED_NAMED || this.refusedNamed.has(address)) return;
    this.refusedNamed.add(address);
    this.log.warn('NetFlow: datagrams from an exporter not in NETFLOW_EXPORTERS are dropped', { exporter: address, refusedSoFar: this.refused });
  }

  private tick() {
    const now = this.now();
    this.decoder.expire(now);
    this.emit(this.aggregator.flush(now - this.opts.flushGraceMs, this.decoder.counters()));
  }

  private emit(items: FlowsItem[]): FlowsItem[] {
    if (items.length) {
      this.reportLosses();
      for (const cb of this.listeners) {
        try {
          cb(items);
        } catch (e) {
          this.log.error('flows items listener failed', { error: (e as Error).message });
        }
      }
    }
    return items;
  }

  /** What the aggregator or the flow log left out, logged when it grows. */
  private reportLosses() {
    const s = this.stats();
    const key = JSON.stringify(s);
    if (key === this.reported) return;
    this.reported = key;
    if (s.rebucketed || s.badTime || s.seenOverflow || s.logDropped || s.untrackedPackets || s.decoderFaults || s.queueDrops || Object.values(s.overflow).some((n) => n > 0)) {
      this.log.warn('NetFlow: flows counted in the totals only, moved to their arrival minute, not logged, or packets not decoded (since start)', { ...s });
    }
  }

  private setRecvBuffer(socket: Socket): number | null {
    try {
      socket.setRecvBufferSize(this.opts.recvBufferBytes);
    } catch (e) {
      this.log.warn('NetFlow: cannot set the receive buffer', { wanted: this.opts.recvBufferBytes, error: (e as Error).message });
    }
    try {
      const got = socket.getRecvBufferSize();
      // Linux caps the request at net.core.rmem_max and reports twice what it grants (the rest is its bookkeeping)
      if (got < this.opts.recvBufferBytes * (process.platform === 'linux' ? 2 : 1)) {
        this.log.warn('NetFlow: the kernel gave a smaller receive buffer than NETFLOW_RECV_BUFFER; bursts may be lost (raise it with sysctl -w net.core.rmem_max=…)', {
          wanted: this.opts.recvBufferBytes,
          got,
        });
      }
      return got;
    } catch {
      return null;
    }
  }
}
