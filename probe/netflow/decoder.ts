/**
 * NetFlow v5, v9 (RFC 3954) and IPFIX (RFC 7011) export packets → flow records, as pure code over bytes: no I/O,
 * no clock (the caller passes each datagram's arrival time, and calls expire() with the time about once a second).
 *
 * Whatever a datagram holds, decode() returns (never throws) and allocates within what the datagram's size allows:
 * malformed input is counted per exporter (ExporterCounters.drops) and dropped. Exporters, template scopes,
 * templates and held data are all bounded (exporter.ts, DecoderOptions).
 */
import { exporterAddress } from './addresses.js';
import { u16 } from './bytes.js';
import { Exporter, MAX_RATE } from './exporter.js';
import { decodeIpfix } from './ipfix.js';
import { newScratch } from './records.js';
import { SetContext } from './sets.js';
import type { ExporterCounters, FlowRecord } from './types.js';
import { decodeV5 } from './v5.js';
import { decodeV9 } from './v9.js';

export interface DecoderOptions {
  /** Templates not refreshed for this long are forgotten (default 30 min). */
  templateLifetimeMs: number;
  /** Data held for a missing template at most this long (default 10 s). */
  pendingMaxAgeMs: number;
  /** Per exporter (default 64); over it: oldest dropped, counted 'pending_overflow'. */
  pendingMaxSets: number;
  /** Per exporter (default 256 KiB). */
  pendingMaxBytes: number;
  /** Exporter address -> rate, wins over options data / v5 header. */
  samplingOverrides: ReadonlyMap<string, number>;
  /** Distinct exporters tracked (default 1024); beyond: packets dropped. */
  maxExporters: number;
}

export const DEFAULT_DECODER_OPTIONS: Readonly<DecoderOptions> = {
  templateLifetimeMs: 30 * 60_000,
  pendingMaxAgeMs: 10_000,
  pendingMaxSets: 64,
  pendingMaxBytes: 256 * 1024,
  samplingOverrides: new Map(),
  maxExporters: 1024,
};

function overrideRate(rate: number | undefined): number {
  return rate !== undefined && Number.isFinite(rate) && rate >= 1 ? Math.min(Math.round(rate), MAX_RATE) : 0;
}

export class FlowDecoder {
  private readonly opts: DecoderOptions;
  private readonly exporters = new Map<string, Exporter>();
  private readonly ctx: SetContext;
  /** Packets from exporters beyond maxExporters (not in any exporter's counters). */
  untrackedPackets = 0;
  /** Packets counted by exporters whose slot expire() freed (their counters restart if they return). */
  retiredPackets = 0;
  /** Exceptions caught inside decode(): always 0 unless the decoder has a bug (the property tests assert it). */
  faults = 0;

  constructor(opts?: Partial<DecoderOptions>) {
    this.opts = { ...DEFAULT_DECODER_OPTIONS, ...opts };
    this.ctx = new SetContext(this.opts, newScratch());
  }

  /** One UDP datagram. Returns the flows it holds plus any held data its templates released. Never throws. */
  decode(packet: Uint8Array, from: { address: string; port: number }, arrivalMs: number): FlowRecord[] {
    const out: FlowRecord[] = [];
    let ex: Exporter | undefined;
    try {
      ex = this.exporter(from.address, arrivalMs);
      if (!ex) {
        this.untrackedPackets++;
        return out;
      }
      ex.packets++;
      ex.lastSeenMs = arrivalMs;
      if (ex.held.length > 0) ex.expireHeld(arrivalMs, this.opts.pendingMaxAgeMs);
      const length = packet.length;
      if (length < 2) {
        ex.drop('truncated');
        return out;
      }
      const c = this.ctx;
      c.ex = ex;
      c.out = out;
      const version = u16(packet, 0);
      if (version === 5) {
        ex.sawVersion(5);
        decodeV5(packet, length, ex, arrivalMs, c.scratch.names, out);
      } else if (version === 9) {
        ex.sawVersion(9);
        decodeV9(packet, length, arrivalMs, c);
      } else if (version === 10) {
        ex.sawVersion(10);
        decodeIpfix(packet, length, from.port, arrivalMs, c);
      } else ex.drop('bad_version');
    } catch {
      this.faults++;
      ex?.drop('bad_record');
    }
    return out;
  }

  /** Forgets expired templates and held data (call about once a second with the clock). */
  expire(nowMs: number): void {
    const { templateLifetimeMs, pendingMaxAgeMs } = this.opts;
    for (const [key, ex] of [...this.exporters]) {
      ex.expireHeld(nowMs, pendingMaxAgeMs);
      ex.expireTemplates(nowMs, templateLifetimeMs);
      // an exporter silent for a template lifetime that holds nothing frees its slot (counters restart if it returns)
      if (ex.domains.size === 0 && ex.held.length === 0 && nowMs - ex.lastSeenMs > templateLifetimeMs) {
        this.retiredPackets += ex.packets;
        this.exporters.delete(key);
      }
    }
  }

  counters(): ExporterCounters[] {
    return [...this.exporters.values()].map((ex) => ex.counters());
  }

  /** Bytes of data held for templates, summed over exporters (tests: bounded by pendingMaxBytes each). */
  heldBytes(): number {
    let n = 0;
    for (const ex of this.exporters.values()) n += ex.heldBytes;
    return n;
  }

  private exporter(raw: string, nowMs: number): Exporter | undefined {
    const address = exporterAddress(raw);
    let ex = this.exporters.get(address);
    if (ex) return ex;
    if (this.exporters.size >= this.opts.maxExporters) return undefined;
    ex = new Exporter(address, overrideRate(this.opts.samplingOverrides.get(address)), nowMs);
    this.exporters.set(address, ex);
    return ex;
  }
}
