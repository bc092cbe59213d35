/**
 * POST /api/vms: a VM whose address the IPAM hands out. The request allocates a verified free address in the subnet
 * (worker/services/allocate.ts) and records the VM at its first Proxmox step; the rest (clone or create, cloud-init
 * config, start, following each task) is driven in the background by worker/services/vm-drive.ts.
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { LiveEvent } from '../../schema/live.js';
import { proxmoxConnections, vms, type VmRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { AppError, notFound } from '../errors.js';
import { vmLink } from '../proxmox/params.js';
import { stepStates } from '../proxmox/steps.js';
import { allocate } from './allocate.js';
import type { Principal } from './auth.js';
import { getSubnet } from './subnets.js';

export interface VmRequest {
  /** The Proxmox connection's id. */
  proxmox: number;
  node: string;
  template?: number;
  iso?: string;
  name: string;
  cores: number;
  memoryMb: number;
  diskGb: number;
  bridge: string;
  storage?: string;
  subnetId: number;
  /** Check the address live with the subnet's probe before it is handed out (default). */
  verify: boolean;
}

export const vmEvent = (r: Pick<VmRow, 'id' | 'state' | 'step'>): LiveEvent => ({ type: 'vm', data: { vmId: r.id, state: r.state, step: r.step } });

export function vmView(r: VmRow, connection: { name: string; url: string } | null) {
  return {
    id: r.id,
    connection: { id: r.connectionId, name: connection?.name ?? null },
    node: r.node,
    vmid: r.vmid,
    name: r.name,
    template: r.template,
    iso: r.iso,
    cores: r.cores,
    memoryMb: r.memoryMb,
    diskGb: r.diskGb,
    storage: r.storage,
    bridge: r.bridge,
    subnetId: r.subnetId,
    hostId: r.hostId,
    address: r.address,
    state: r.state,
    step: r.step,
    steps: stepStates(r.step, r.state),
    code: r.code,
    error: r.error,
    link: connection && r.vmid !== null ? vmLink(connection.url, r.vmid) : null,
    requestedBy: r.requestedByName,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
export type VmView = ReturnType<typeof vmView>;

const selectWithConnection = (deps: AppDeps) =>
  deps.db.select({ vm: vms, name: proxmoxConnections.name, url: proxmoxConnections.url }).from(vms).leftJoin(proxmoxConnections, eq(proxmoxConnections.id, vms.connectionId));

const toView = (r: { vm: VmRow; name: string | null; url: string | null }) => vmView(r.vm, r.name !== null && r.url !== null ? { name: r.name, url: r.url } : null);

export async function getVm(deps: AppDeps, id: string): Promise<VmView> {
  const [row] = await selectWithConnection(deps).where(eq(vms.id, id));
  if (!row) throw notFound(`VM ${id}`);
  return toView(row);
}

/** Newest first, a page at a time (`before`: the createdAt of the last one seen). */
export async function listVms(deps: AppDeps, q: { limit: number; before?: string }) {
  const before = q.before === undefined ? null : Date.parse(q.before);
  if (before !== null && Number.isNaN(before)) throw new AppError(400, 'invalid_request', 'before: the `next` of the previous page');
  const rows = await selectWithConnection(deps)
    .where(before === null ? undefined : lt(vms.createdAt, new Date(before)))
    .orderBy(desc(vms.createdAt))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit).map(toView);
  return { vms: page, next: rows.length > q.limit ? page[page.length - 1]!.createdAt : null };
}

/** The host's name: the VM name's first label (the rest is its domain). */
const hostnameOf = (name: string) => name.split('.')[0]!.toLowerCase();

/**
 * Every refusal first (nothing written), then the VM's row (at `allocate`, so a request that dies there is seen and
 * failed by the duty), then the allocation. Its refusal removes the row again and answers as the allocation does
 * (409 subnet_full, 503 probe_offline, …): nothing is written. The VM is then at `create`.
 */
export async function startVm(deps: AppDeps, who: Principal, req: VmRequest): Promise<{ vm: VmView; effects: Effects }> {
  if ((req.template === undefined) === (req.iso === undefined)) {
    throw new AppError(400, 'template_or_iso', 'give either template (a VM id to clone) or iso (a volume such as local:iso/debian-12.iso), not both or neither', { field: 'template' });
  }
  const [conn] = await deps.db.select().from(proxmoxConnections).where(eq(proxmoxConnections.id, req.proxmox));
  if (!conn) throw new AppError(404, 'unknown_connection', `Proxmox connection ${req.proxmox} does not exist`, { field: 'proxmox' });
  if (conn.fingerprint && !deps.proxmoxFetch) {
    throw new AppError(501, 'fingerprint_unsupported', `connection ${conn.name} pins a certificate by its fingerprint, which this host cannot do: give the cluster a certificate a public CA signed and clear the fingerprint`, { field: 'proxmox' });
  }
  const subnet = await getSubnet(deps, req.subnetId);
  if (!subnet.gateway) throw new AppError(409, 'no_gateway', `subnet ${subnet.cidr} has no gateway recorded; cloud-init needs one for the VM's address (edit the subnet)`, { field: 'subnetId' });
  const now = new Date(deps.clock.now());
  const id = crypto.randomUUID();
  const base = {
    id, connectionId: conn.id, node: req.node, name: req.name, template: req.template ?? null, iso: req.iso ?? null, cores: req.cores, memoryMb: req.memoryMb,
    diskGb: req.diskGb, storage: req.storage ?? null, bridge: req.bridge, subnetId: subnet.id, state: 'creating' as const, step: 'allocate' as const,
    requestedBy: who.userId, requestedByName: who.username, createdAt: now, updatedAt: now,
  };
  await deps.db.insert(vms).values(base);
  let answer;
  let allocationEffects: Effects;
  try {
    ({ answer, effects: allocationEffects } = await allocate(deps, subnet.id, {
      count: 1,
      hostname: hostnameOf(req.name),
      description: `Proxmox VM ${req.name} (being created)`,
      tags: ['proxmox-vm'],
      reservedBy: who.username,
      reservedNote: `VM ${req.name} on ${req.node}, through ${conn.name}`,
      verify: req.verify,
    }));
  } catch (e) {
    // refused (subnet_full, no_probe, probe_offline, verify_timeout, …): nothing reserved, so no VM either
    await deps.db.delete(vms).where(and(eq(vms.id, id), eq(vms.step, 'allocate')));
    throw e;
  }
  const got = answer.addresses[0]!;
  const at = new Date(deps.clock.now());
  await deps.db.update(vms).set({ address: got.ip, hostId: got.hostId, step: 'create', updatedAt: at }).where(eq(vms.id, id));
  deps.log.info('VM creation started', { vmId: id, name: req.name, node: req.node, address: got.ip, by: who.username });
  return {
    vm: await getVm(deps, id),
    effects: { ...allocationEffects, live: [...(allocationEffects.live ?? []), vmEvent({ id, state: 'creating', step: 'create' })] },
  };
}
