/**
 * What the decoder keeps per exporter (address) and per template scope within it ("domain": v5 engine, v9 source
 * id, IPFIX observation domain on one UDP port), with every table bounded.
 */
import { Sequence } from './sequence.js';
import type { Template } from './templates.js';
import type { DropReason, ExporterCounters } from './types.js';

/** Template scopes (source ids / observation domains × ports / v5 engines) per exporter. */
export const MAX_DOMAINS = 256;
/** Templates + options templates per exporter. */
export const MAX_TEMPLATES = 512;
/** Sum of the templates' costs (1 + steps of a variable-length template) per exporter. */
export const MAX_TEMPLATE_COST = 16_384;
/** Sampling rates are clamped to what the flows kind accepts. */
export const MAX_RATE = 16_777_216;

/** The export clock of one packet, kept with data held for its template. */
export interface PacketTime {
  /** The exporter's clock when it sent the packet (ms), or the arrival time when the header has none. */
  exportMs: number;
  /** v9: sysUptime at export (ms, 32-bit). */
  uptimeMs: number;
  hasUptime: boolean;
  arrivalMs: number;
}

export const V5 = 5 * 2 ** 48;
export const V9 = 9 * 2 ** 48;
export const IPFIX = 10 * 2 ** 48;

/** A domain's key: version, then (IPFIX) the exporter's port, then the 32-bit source id / domain / engine. */
export function domainKey(version: number, port: number, id: number): number {
  return version + port * 4294967296 + id;
}

export class Domain {
  readonly templates = new Map<number, Template>();
  readonly sequence = new Sequence();
  /** Sampling rate from options data (0: none heard). */
  rate = 0;
  /** systemInitTimeMilliseconds from options data (NaN: none heard). */
  sysInitMs = NaN;

  constructor(
    readonly key: number,
    public lastSeenMs: number,
  ) {}
}

/** A data set whose template was not known when it arrived. */
export interface Held {
  domain: Domain;
  templateId: number;
  bytes: Uint8Array;
  time: PacketTime;
}

export interface HoldLimits {
  pendingMaxSets: number;
  pendingMaxBytes: number;
}

export class Exporter {
  packets = 0;
  flows = 0;
  sequenceGaps = 0;
  lastRate = 1;
  readonly drops: Partial<Record<DropReason, number>> = {};
  private versionSeen = 0;
  templateCount = 0;
  private templateCost = 0;
  readonly domains = new Map<number, Domain>();
  readonly held: Held[] = [];
  heldBytes = 0;
  readonly firstSeenMs: number;

  constructor(
    readonly address: string,
    /** samplingOverrides' rate for this address (0: none). */
    readonly override: number,
    public lastSeenMs: number,
  ) {
    this.firstSeenMs = lastSeenMs;
  }

  drop(reason: DropReason, n = 1): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + n;
  }

  sawVersion(v: 5 | 9 | 10): void {
    this.versionSeen |= v === 5 ? 1 : v === 9 ? 2 : 4;
  }

  /** The domain for `key`, created if room is left (evicting the idlest one that holds nothing); null when full. */
  domain(key: number, nowMs: number): Domain | null {
    let d = this.domains.get(key);
    if (d) {
      d.lastSeenMs = nowMs;
      return d;
    }
    if (this.domains.size >= MAX_DOMAINS) {
      let idlest: Domain | null = null;
      for (const c of this.domains.values()) if (c.templates.size === 0 && !this.holds(c) && (!idlest || c.lastSeenMs < idlest.lastSeenMs)) idlest = c;
      if (!idlest) return null;
      this.domains.delete(idlest.key);
    }
    d = new Domain(key, nowMs);
    this.domains.set(key, d);
    return d;
  }

  holds(d: Domain): boolean {
    for (const h of this.held) if (h.domain === d) return true;
    return false;
  }

  /** Learns or replaces a template; false (nothing changed) when the exporter's template bounds are reached. */
  learn(d: Domain, t: Template): boolean {
    const old = d.templates.get(t.id);
    const cost = this.templateCost - (old ? old.cost : 0) + t.cost;
    if ((!old && this.templateCount >= MAX_TEMPLATES) || cost > MAX_TEMPLATE_COST) return false;
    if (!old) this.templateCount++;
    this.templateCost = cost;
    d.templates.set(t.id, t);
    return true;
  }

  forget(d: Domain, id: number): void {
    const old = d.templates.get(id);
    if (!old) return;
    d.templates.delete(id);
    this.templateCount--;
    this.templateCost -= old.cost;
  }

  /** IPFIX "all templates" / "all options templates" withdrawal. */
  forgetAll(d: Domain, options: boolean): void {
    for (const t of [...d.templates.values()]) if (t.options === options) this.forget(d, t.id);
  }

  /** The template `id` of `d` if it was refreshed within `lifetimeMs`; an expired one is forgotten. */
  template(d: Domain, id: number, nowMs: number, lifetimeMs: number): Template | undefined {
    const t = d.templates.get(id);
    if (t && nowMs - t.refreshedMs > lifetimeMs) {
      this.forget(d, id);
      return undefined;
    }
    return t;
  }

  /** Holds a copy of a data set for its template, dropping the oldest held sets to stay within the limits. */
  hold(d: Domain, templateId: number, b: Uint8Array, start: number, end: number, time: PacketTime, limits: HoldLimits): void {
    const size = end - start;
    if (size > limits.pendingMaxBytes || limits.pendingMaxSets < 1) {
      this.drop('pending_overflow');
      return;
    }
    while (this.held.length > 0 && (this.held.length >= limits.pendingMaxSets || this.heldBytes + size > limits.pendingMaxBytes)) {
      this.heldBytes -= this.held.shift()!.bytes.length;
      this.drop('pending_overflow');
    }
    // a copy of its own: a Buffer's slice() is a view that would keep the whole datagram (or its pool) alive
    const bytes = new Uint8Array(size);
    bytes.set(b.subarray(start, end));
    this.held.push({ domain: d, templateId, bytes, time });
    this.heldBytes += size;
  }

  /** Takes the sets held for template `id` of `d`, oldest first; those held longer than `maxAgeMs` are dropped. */
  release(d: Domain, id: number, nowMs: number, maxAgeMs: number): Held[] {
    const out: Held[] = [];
    for (let i = 0; i < this.held.length; ) {
      const h = this.held[i]!;
      if (h.domain !== d || h.templateId !== id) {
        i++;
        continue;
      }
      this.held.splice(i, 1);
      this.heldBytes -= h.bytes.length;
      if (nowMs - h.time.arrivalMs > maxAgeMs) this.drop('no_template');
      else out.push(h);
    }
    return out;
  }

  /** Drops (as no_template) the sets held longer than `maxAgeMs`. */
  expireHeld(nowMs: number, maxAgeMs: number): void {
    while (this.held.length > 0 && nowMs - this.held[0]!.time.arrivalMs > maxAgeMs) {
      this.heldBytes -= this.held.shift()!.bytes.length;
      this.drop('no_template');
    }
  }

  /** Forgets templates not refreshed within `lifetimeMs` and domains idle that long that hold nothing. */
  expireTemplates(nowMs: number, lifetimeMs: number): void {
    for (const d of [...this.domains.values()]) {
      for (const t of [...d.templates.values()]) if (nowMs - t.refreshedMs > lifetimeMs) this.forget(d, t.id);
      if (d.templates.size === 0 && nowMs - d.lastSeenMs > lifetimeMs && !this.holds(d)) this.domains.delete(d.key);
    }
  }

  counters(): ExporterCounters {
    const versions: number[] = [];
    if (this.versionSeen & 1) versions.push(5);
    if (this.versionSeen & 2) versions.push(9);
    if (this.versionSeen & 4) versions.push(10);
    return {
      address: this.address,
      packets: this.packets,
      flows: this.flows,
      drops: { ...this.drops },
      templates: this.templateCount,
      sequenceGaps: this.sequenceGaps,
      pending: this.held.length,
      samplingRate: this.lastRate,
      versions,
      firstSeenMs: this.firstSeenMs,
      lastSeenMs: this.lastSeenMs,
    };
  }
}
