/**
 * What an import would write (pure): its records against plain snapshots of what is stored. Rows are added one at a
 * time (the service yields to the event loop between turns); `finish` gives the creates, updates, new subnets, the
 * watch list and every row's error with its line.
 */
import { parseCidr, type Cidr, type Family, type Ip } from '../../schema/ip/cidr.js';
import { BlockIndex, overlapsWithin, type Block } from '../domain/block-index.js';
import { parseIpFast } from '../domain/ip-text.js';
import type { HostRecord, ImportTarget, SubnetRecord } from './formats.js';

export interface RowError {
  line: number;
  message: string;
}

export type ImportAction = 'create' | 'update' | 'watch';

export interface SubnetSnapshot {
  id: number;
  cidr: string;
  probeId: number | null;
}

export interface HostSnapshot {
  id: number;
  mac: string | null;
}

export type OutsideRule = 'refuse' | 'watch';

export interface PlanContext {
  target: ImportTarget;
  /** Every stored subnet. */
  subnets: readonly SubnetSnapshot[];
  /** The stored hosts at the file's addresses, by canonical address. */
  hosts: ReadonlyMap<string, HostSnapshot>;
  outside: OutsideRule;
  /** Required when `outside` is watch. */
  watch?: { name: string; probeId: number | null };
  /** The probe new subnets of a subnet file get. */
  defaultProbeId: number | null;
}

/** A stored subnet by id, or one this import creates, by CIDR. */
export type SubnetRef = { id: number } | { cidr: string };

export interface PlannedHost {
  line: number;
  action: ImportAction;
  ip: Ip;
  subnet: SubnetRef;
  /** The stored host it updates; null: a new host. */
  hostId: number | null;
  record: HostRecord;
  /** The record's MAC goes into hosts.mac (the host has none) with a host_devices row. */
  setMac: boolean;
}

export interface NewSubnet {
  line: number;
  action: ImportAction;
  cidr: Cidr;
  name: string;
  notes: string;
  groupName: string;
  vlan: number | null;
  gateway: string | null;
  probeId: number | null;
}

/** A stored subnet's fields the file sets; undefined keeps the stored value. */
export interface SubnetUpdate {
  line: number;
  id: number;
  name?: string;
  notes?: string;
  groupName?: string;
  vlan?: number;
  gateway?: string;
}

export interface ImportPlan {
  hosts: { create: PlannedHost[]; update: PlannedHost[] };
  subnets: { create: NewSubnet[]; update: SubnetUpdate[] };
  /** Addresses imported as single-address subnets (in hosts.create with action watch). */
  watch: number;
  /** Sorted by line. */
  errors: RowError[];
  /** The first SAMPLE_SIZE planned rows, by line. */
  sample: { line: number; action: ImportAction; record: HostRecord | SubnetRecord }[];
  /** Stored subnets that get hosts or a gateway from the file. */
  touched: number[];
}

export const SAMPLE_SIZE = 20;

const blockOf = <T>(c: { family: Family; first: bigint; last: bigint }, item: T): Block<T> => ({ family: c.family, first: c.first, last: c.last, item });
const inside = (c: Cidr, ip: Ip) => c.family === ip.family && ip.value >= c.first && ip.value <= c.last;

export class ImportPlanner {
  private readonly index: BlockIndex<{ id: number; cidr: Cidr }>;
  private readonly errors: RowError[] = [];
  private readonly seen = new Map<string, number>();
  private readonly hostCreates: PlannedHost[] = [];
  private readonly hostUpdates: PlannedHost[] = [];
  private readonly subnetCreates: NewSubnet[] = [];
  private readonly subnetUpdates = new Map<number, SubnetUpdate>();
  /** Stored subnet id → the gateway row that set it. */
  private readonly gateways = new Map<number, { line: number; ip: string }>();
  private readonly touched = new Set<number>();
  /** The records planned, by line (of a host file: the first SAMPLE_SIZE only). */
  private readonly records = new Map<number, HostRecord | SubnetRecord>();

  constructor(private readonly ctx: PlanContext) {
    if (ctx.outside === 'watch' && !ctx.watch?.name) throw new Error('a watch list needs a name');
    this.index = new BlockIndex(ctx.subnets.map((s) => { const c = parseCidr(s.cidr); return blockOf(c, { id: s.id, cidr: c }); }));
  }

  /** A row that could not be read as a record. */
  reject(line: number, message: string): void {
    this.errors.push({ line, message });
  }

  add(line: number, record: HostRecord | SubnetRecord): void {
    try {
      if (this.ctx.target === 'hosts') this.addHost(line, record as HostRecord);
      else this.addSubnet(line, record as SubnetRecord);
    } catch (e) {
      this.reject(line, (e as Error).message);
    }
  }

  private firstSeen(key: string, line: number): void {
    const earlier = this.seen.get(key);
    if (earlier !== undefined) throw new Error(`${key} appears twice in the file (line ${earlier})`);
    this.seen.set(key, line);
  }

  private addHost(line: number, r: HostRecord): void {
    const ip = parseIpFast(r.ip);
    if (r.subnetHint !== undefined && !inside(parseCidr(r.subnetHint), ip)) throw new Error(`${ip.text} is not inside ${r.subnetHint}, the subnet the file gives it`);
    this.firstSeen(ip.text, line);
    const stored = this.index.find(ip.family, ip.value);
    if (stored) {
      if (r.gateway) {
        const other = this.gateways.get(stored.id);
        if (other) throw new Error(`${ip.text} is a second gateway of ${stored.cidr.cidr} (line ${other.line} gives ${other.ip})`);
        this.gateways.set(stored.id, { line, ip: ip.text });
        this.updateSubnet(line, stored.id, { gateway: ip.text });
      }
      const host = this.ctx.hosts.get(ip.text);
      const planned: PlannedHost = { line, action: host ? 'update' : 'create', ip, subnet: { id: stored.id }, hostId: host?.id ?? null, record: r, setMac: !!r.mac && !host?.mac };
      (host ? this.hostUpdates : this.hostCreates).push(planned);
      this.touched.add(stored.id);
      this.sampleHost(line, r);
      return;
    }
    if (this.ctx.outside === 'refuse') throw new Error(`${ip.text} is not inside any subnet; add the subnet first, or import it as a watch list`);
    const cidr = parseCidr(`${ip.text}/${ip.family === 4 ? 32 : 128}`);
    this.subnetCreates.push({
      line,
      action: 'watch',
      cidr,
      name: (r.hostname ?? ip.text).slice(0, 200),
      notes: '',
      groupName: this.ctx.watch!.name,
      vlan: null,
      gateway: r.gateway ? ip.text : null,
      probeId: this.ctx.watch!.probeId,
    });
    this.hostCreates.push({ line, action: 'watch', ip, subnet: { cidr: cidr.cidr }, hostId: null, record: r, setMac: !!r.mac });
    this.sampleHost(line, r);
  }

  /** A planned host row is never refused later, so the sample's first rows are all the hosts need kept. */
  private sampleHost(line: number, r: HostRecord): void {
    if (this.records.size < SAMPLE_SIZE) this.records.set(line, r);
  }

  private updateSubnet(line: number, id: number, fields: Omit<SubnetUpdate, 'line' | 'id'>): void {
    const update = this.subnetUpdates.get(id) ?? { line, id };
    this.subnetUpdates.set(id, { ...update, ...fields });
  }

  private addSubnet(line: number, r: SubnetRecord): void {
    const c = parseCidr(r.cidr);
    this.firstSeen(c.cidr, line);
    const clash = this.index.overlapping(c.family, c.first, c.last);
    if (clash && clash.cidr.cidr !== c.cidr) throw new Error(`${c.cidr} overlaps existing subnet ${clash.cidr.cidr}`);
    if (clash) {
      this.updateSubnet(line, clash.id, { name: r.name, notes: r.notes, groupName: r.groupName, vlan: r.vlan, gateway: r.gateway });
    } else {
      this.subnetCreates.push({
        line,
        action: 'create',
        cidr: c,
        name: r.name ?? '',
        notes: r.notes ?? '',
        groupName: r.groupName ?? '',
        vlan: r.vlan ?? null,
        gateway: r.gateway ?? null,
        probeId: this.ctx.defaultProbeId,
      });
    }
    this.records.set(line, r);
  }

  finish(): ImportPlan {
    let subnetCreates = this.subnetCreates;
    if (this.ctx.target === 'subnets') {
      const overlaps = overlapsWithin(subnetCreates.map((s) => blockOf(s.cidr, s)), (s) => s.line);
      for (const [later, earlier] of overlaps) this.reject(later.line, `${later.cidr.cidr} overlaps ${earlier.cidr.cidr} (line ${earlier.line})`);
      const refused = new Set(overlaps.map(([later]) => later));
      subnetCreates = subnetCreates.filter((s) => !refused.has(s));
      for (const s of refused) this.records.delete(s.line);
    }
    const subnetUpdates = [...this.subnetUpdates.values()];
    const actions = new Map<number, ImportAction>();
    if (this.ctx.target === 'hosts') {
      for (const hosts of [this.hostCreates, this.hostUpdates]) for (const h of hosts) if (this.records.has(h.line)) actions.set(h.line, h.action);
    }
    else {
      for (const s of subnetCreates) actions.set(s.line, s.action);
      for (const s of subnetUpdates) actions.set(s.line, 'update');
    }
    const sample: ImportPlan['sample'] = [];
    // rows are added in line order, and a Map keeps insertion order
    for (const [line, record] of this.records) {
      if (sample.length === SAMPLE_SIZE) break;
      sample.push({ line, action: actions.get(line)!, record });
    }
    return {
      hosts: { create: this.hostCreates, update: this.hostUpdates },
      subnets: { create: subnetCreates, update: subnetUpdates },
      watch: this.hostCreates.filter((h) => h.action === 'watch').length,
      errors: this.errors.sort((a, b) => a.line - b.line),
      sample,
      touched: [...this.touched],
    };
  }
}
