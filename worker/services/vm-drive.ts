/**
 * Drives a VM's creation through its Proxmox steps (worker/proxmox/steps.ts decides the order and what a task's
 * status means). Whoever drives a VM holds it by its `updated_at`: every write is compare-and-set on the value it
 * last wrote, and each poll refreshes it, so a driver that died (a Worker's waitUntil cut short, a Node restart)
 * lets it lapse and the `vm-creation` duty takes over after VM_LEASE_MS; a driver overtaken stops at its next write.
 */
import { and, eq, lt } from 'drizzle-orm';
import { parseCidr } from '../../schema/ip/cidr.js';
import { hosts, proxmoxConnections, subnets, vms, type VmRow, type VmStep } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { hostsEdited } from '../live/announce.js';
import { ProxmoxError, type ProxmoxClient } from '../proxmox/client.js';
import { bootDisk, cloneParams, configParams, createParams, diskSizeGb, ipConfig, pollDelayMs, resizeTo, vmLink, type VmShape } from '../proxmox/params.js';
import { isTaskStep, nextStep, taskVerdict } from '../proxmox/steps.js';
import { subnetProbe } from './subnets.js';
import { clientFor } from './proxmox-connections.js';
import { vmEvent } from './vms.js';

/** A VM not written for this long is free to be taken over. */
export const VM_LEASE_MS = 30_000;
/** Clone or create tries again with the next free id when another took the one it was given meanwhile. */
const ID_ATTEMPTS = 3;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const shapeOf = (r: VmRow): VmShape => ({ name: r.name, cores: r.cores, memoryMb: r.memoryMb, diskGb: r.diskGb, bridge: r.bridge, storage: r.storage });
/** Reading a task's status again is harmless; sending a clone or a start again is not. */
const transient = (e: unknown) => e instanceof ProxmoxError && (e.code === 'proxmox_unreachable' || e.code === 'proxmox_timeout');

class Overtaken extends Error {}

/** One driver's hold on one VM. */
class Drive {
  constructor(
    readonly deps: AppDeps,
    public row: VmRow,
    readonly client: ProxmoxClient,
    readonly origin: string,
  ) {}

  /** Writes `set` if the VM is still this driver's; Overtaken otherwise. */
  async save(set: Partial<VmRow>): Promise<void> {
    const updatedAt = new Date(Math.max(this.deps.clock.now(), this.row.updatedAt.getTime() + 1));
    const [row] = await this.deps.db
      .update(vms)
      .set({ ...set, updatedAt })
      .where(and(eq(vms.id, this.row.id), eq(vms.state, 'creating'), eq(vms.updatedAt, this.row.updatedAt)))
      .returning();
    if (!row) throw new Overtaken();
    const moved = row.step !== this.row.step || row.state !== this.row.state;
    this.row = row;
    if (moved) await follow(this.deps, { live: [vmEvent(row)] });
  }

  /** Waits for a task to stop, refreshing the hold; its failure is the step's. */
  async waitForTask(upid: string, until: number): Promise<'done' | 'later'> {
    for (let attempt = 0; ; attempt++) {
      let status;
      try {
        status = await this.client.taskStatus(this.row.node, upid);
      } catch (e) {
        if (!transient(e)) throw e;
        status = null;
      }
      const verdict = status ? taskVerdict(status) : { done: false as const };
      if (verdict.done) {
        if (!verdict.ok) throw new ProxmoxError('proxmox_error', verdict.message);
        return 'done';
      }
      if (this.deps.clock.now() + pollDelayMs(attempt) > until) return 'later';
      await sleep(pollDelayMs(attempt));
      await this.save({});
    }
  }

  async create(): Promise<void> {
    const r = this.row;
    for (let attempt = 1; ; attempt++) {
      const vmid = await this.client.nextId();
      try {
        const upid = r.template !== null ? await this.client.clone(r.node, r.template, cloneParams(vmid, shapeOf(r))) : await this.client.create(r.node, createParams(vmid, shapeOf(r), r.iso!));
        return this.save({ step: 'wait-create', vmid, upid });
      } catch (e) {
        if (!(e instanceof ProxmoxError && /already exists/i.test(e.message)) || attempt >= ID_ATTEMPTS) throw e;
      }
    }
  }

  async configureWith(): Promise<'done' | 'later'> {
    const r = this.row;
    const net = await subnetOf(this.deps, r.subnetId);
    if (!net || !r.address) throw new ProxmoxError('proxmox_error', 'the subnet or the address is gone; the VM cannot be given its address');
    const c = parseCidr(net.cidr);
    await this.client.setConfig(r.node, r.vmid!, configParams(shapeOf(r), ipConfig(c.family, r.address, c.prefix, net.gateway)));
    if (r.template !== null) {
      const config = await this.client.config(r.node, r.vmid!);
      const disk = bootDisk(config);
      const size = disk ? resizeTo(diskSizeGb(config[disk]), r.diskGb) : null;
      if (disk && size) {
        const upid = await this.client.resize(r.node, r.vmid!, disk, size);
        // followed to the end, as a second resize must not be sent; yet never past the VM's own time limit
        if (upid && (await this.waitForTask(upid, deadlineOf(this.deps, r))) === 'later') return 'later';
      }
    }
    return 'done';
  }
}

/** When the VM counts as timed out (VM_CREATE_TIMEOUT_MINUTES after it was asked for). */
const deadlineOf = (deps: AppDeps, r: VmRow) => r.createdAt.getTime() + deps.config.vmCreateTimeoutMinutes * 60_000;

async function subnetOf(deps: AppDeps, id: number | null): Promise<{ cidr: string; gateway: string } | null> {
  if (id === null) return null;
  const [s] = await deps.db.select({ cidr: subnets.cidr, gateway: subnets.gateway }).from(subnets).where(eq(subnets.id, id));
  return s?.gateway ? { cidr: s.cidr, gateway: s.gateway } : null;
}

/** The VM failed at its step: recorded with Proxmox's words, and its address released (the reserved host removed). */
async function fail(deps: AppDeps, row: VmRow, code: string, message: string): Promise<void> {
  const at = new Date(deps.clock.now());
  const left = row.vmid !== null ? ` (VM ${row.vmid} may be left on ${row.node}; the IPAM deletes nothing in Proxmox)` : '';
  const [failed] = await deps.db
    .update(vms)
    .set({ state: 'failed', code, error: `${row.step}: ${message}${left}`, hostId: null, updatedAt: at, finishedAt: at })
    .where(and(eq(vms.id, row.id), eq(vms.state, 'creating'), eq(vms.updatedAt, row.updatedAt)))
    .returning();
  if (!failed) return;
  deps.log.warn('VM creation failed', { vmId: row.id, step: row.step, code, message });
  const live = [vmEvent(failed)];
  const assignments: (number | null | undefined)[] = [];
  if (row.hostId !== null) {
    const [host] = await deps.db.delete(hosts).where(and(eq(hosts.id, row.hostId), eq(hosts.reserved, true))).returning({ subnetId: hosts.subnetId });
    if (host) {
      live.push(hostsEdited([host.subnetId]));
      assignments.push(await subnetProbe(deps, host.subnetId));
    }
  }
  await follow(deps, { live, assignments });
}

/** The VM is up: its host record names it (VM id, node, link in the Proxmox UI). */
async function finish(d: Drive): Promise<void> {
  const r = d.row;
  await d.save({ state: 'done', upid: null, finishedAt: new Date(d.deps.clock.now()) }).catch((e) => {
    if (!(e instanceof Overtaken)) throw e;
  });
  if (r.hostId === null) return;
  const [host] = await d.deps.db
    .update(hosts)
    .set({ description: `Proxmox VM ${r.vmid} on ${r.node}`, reservedNote: `VM ${r.name} (${r.vmid}) on ${r.node}: ${vmLink(d.origin, r.vmid!)}`, updatedAt: new Date(d.deps.clock.now()) })
    .where(eq(hosts.id, r.hostId))
    .returning({ subnetId: hosts.subnetId });
  if (host) await follow(d.deps, { live: [hostsEdited([host.subnetId])] });
}

/** Runs one step; 'later': its task is still running at `until`. */
async function step(d: Drive, until: number): Promise<'next' | 'later'> {
  const r = d.row;
  const s: VmStep = r.step;
  if (s === 'create') await d.create();
  else if (s === 'start') await d.save({ step: 'wait-start', upid: await d.client.start(r.node, r.vmid!) });
  else if (s === 'configure') {
    if ((await d.configureWith()) === 'later') return 'later';
    await d.save({ step: 'start' });
  } else if (isTaskStep(s)) {
    if ((await d.waitForTask(r.upid!, until)) === 'later') return 'later';
    const next = nextStep(s);
    if (next === null) await finish(d);
    else await d.save({ step: next, upid: null });
  }
  return 'next';
}

/**
 * Drives the VM until it is done or failed, or `until` (ms since epoch) comes with a task still running (the hold
 * then lapses and the duty goes on). A step's failure fails the VM; a database error leaves it to the duty.
 */
export async function driveVm(deps: AppDeps, id: string, until = Number.POSITIVE_INFINITY): Promise<void> {
  const [start] = await deps.db.select().from(vms).where(eq(vms.id, id));
  if (!start || start.state !== 'creating') return;
  if (start.step === 'allocate') {
    // the request is allocating (the probe's check takes up to ALLOCATE_VERIFY_TIMEOUT_MS), or it died doing so
    if (deps.clock.now() - start.createdAt.getTime() < VM_LEASE_MS + deps.config.allocateVerifyTimeoutMs) return;
    return fail(deps, start, 'allocation_interrupted', 'the request stopped before an address was allocated; nothing was reserved, and nothing was asked of Proxmox');
  }
  const [conn] = start.connectionId === null ? [] : await deps.db.select().from(proxmoxConnections).where(eq(proxmoxConnections.id, start.connectionId));
  if (!conn) return fail(deps, start, 'connection_removed', 'its Proxmox connection was removed');
  const d = new Drive(deps, start, clientFor(deps, conn), conn.url);
  const deadline = deadlineOf(deps, start);
  try {
    while (d.row.state === 'creating') {
      if (deps.clock.now() > deadline) return await fail(deps, d.row, 'timeout', `not done after ${deps.config.vmCreateTimeoutMinutes} minutes`);
      if ((await step(d, Math.min(until, deadline))) === 'later') return;
    }
  } catch (e) {
    if (e instanceof Overtaken) return;
    if (e instanceof ProxmoxError) return fail(deps, d.row, e.code, e.message);
    deps.log.warn('VM creation interrupted; the vm-creation duty resumes it', { vmId: id, step: d.row.step, error: String(e) });
  }
}

/** The duty: VMs whose driver stopped (their hold lapsed) are taken over, each for about `budgetMs`. */
export async function resumeVms(deps: AppDeps, budgetMs: number): Promise<void> {
  const now = deps.clock.now();
  const lapsed = await deps.db
    .select({ id: vms.id, updatedAt: vms.updatedAt })
    .from(vms)
    .where(and(eq(vms.state, 'creating'), lt(vms.updatedAt, new Date(now - VM_LEASE_MS))))
    .limit(20);
  const until = now + budgetMs;
  for (const v of lapsed) {
    if (deps.clock.now() > until) break;
    // take the hold: only one duty run (or a late driver) wins it
    const [won] = await deps.db
      .update(vms)
      .set({ updatedAt: new Date(deps.clock.now()) })
      .where(and(eq(vms.id, v.id), eq(vms.state, 'creating'), eq(vms.updatedAt, v.updatedAt)))
      .returning({ id: vms.id });
    if (won) await driveVm(deps, v.id, until);
  }
}
