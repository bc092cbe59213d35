import { z } from '@hono/zod-openapi';
import { VM_STATES, VM_STEPS } from '../../schema/tables/proxmox.js';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { BRIDGE_NAME, ISO_VOLUME, NODE_NAME, STORAGE_ID, VM_NAME } from '../proxmox/params.js';
import { driveVm } from '../services/vm-drive.js';
import { getVm, listVms, startVm } from '../services/vms.js';
import { errors, ErrorSchema, json, jsonBody, router, secured } from './common.js';

/** How long a Worker keeps driving a VM after answering (waitUntil's limit is 30 s); the vm-creation duty goes on from there. */
const EDGE_DRIVE_MS = 25_000;

const StartBody = z
  .object({
    proxmox: z.number().int().positive().openapi({ description: 'the Proxmox connection’s id' }),
    node: z.string().regex(NODE_NAME).openapi({ example: 'pve' }),
    template: z.number().int().min(100).max(999_999_999).optional().openapi({ description: 'a template’s VM id to clone (full clone)' }),
    iso: z.string().regex(ISO_VOLUME).optional().openapi({ description: 'an ISO volume to create from', example: 'local:iso/debian-12.iso' }),
    name: z.string().regex(VM_NAME).openapi({ example: 'web-1' }),
    cores: z.number().int().min(1).max(128).default(1),
    memoryMb: z.number().int().min(64).max(4_194_304).default(1024),
    diskGb: z.number().int().min(1).max(65_536).default(16),
    bridge: z.string().regex(BRIDGE_NAME).default('vmbr0'),
    storage: z.string().regex(STORAGE_ID).optional().openapi({ description: 'where the disk goes (default: the template’s, or local-lvm for an ISO VM)' }),
    subnetId: z.number().int().positive(),
    verify: z.boolean().default(true).openapi({ description: 'the subnet’s probe checks the address is free before it is handed out' }),
  })
  .strict();

const StepSchema = z.object({ step: z.enum(VM_STEPS), state: z.enum(['done', 'running', 'failed', 'pending']) });
export const VmSchema = z
  .object({
    id: z.string(),
    connection: z.object({ id: z.number().int().nullable(), name: z.string().nullable().openapi({ description: 'null once the connection is removed' }) }),
    node: z.string(),
    vmid: z.number().int().nullable(),
    name: z.string(),
    template: z.number().int().nullable(),
    iso: z.string().nullable(),
    cores: z.number().int(),
    memoryMb: z.number().int(),
    diskGb: z.number().int(),
    storage: z.string().nullable(),
    bridge: z.string(),
    subnetId: z.number().int().nullable(),
    hostId: z.number().int().nullable().openapi({ description: 'the reserved host holding its address (null once released by a failure)' }),
    address: z.string().nullable(),
    state: z.enum(VM_STATES),
    step: z.enum(VM_STEPS).openapi({ description: 'where it is, or the step it failed at' }),
    steps: z.array(StepSchema),
    code: z.string().nullable().openapi({ description: 'the failure’s code: proxmox_unauthorized, proxmox_forbidden, proxmox_bad_request, proxmox_error, proxmox_unreachable, proxmox_timeout, connection_removed, allocation_interrupted (the request died while allocating), timeout' }),
    error: z.string().nullable(),
    link: z.string().nullable().openapi({ description: 'the VM in the Proxmox web UI' }),
    requestedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Vm');

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.string().min(1).max(64).optional() });
const VmParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export function vmRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'editor', audit: 'vm.create' }, {
        method: 'post',
        path: '/api/vms',
        tags: ['vms'],
        request: jsonBody(StartBody),
        responses: {
          202: json(VmSchema, 'The address is reserved and the VM is being created; follow GET /api/vms/{id} or the live feed (vm events)'),
          ...errors,
          400: json(ErrorSchema, 'invalid_request, template_or_iso'),
          404: json(ErrorSchema, 'unknown_connection, not_found (subnet)'),
          409: json(ErrorSchema, 'no_gateway, subnet_full, no_probe, unsupported_by_probe'),
          501: json(ErrorSchema, 'fingerprint_unsupported'),
          503: json(ErrorSchema, 'probe_offline, verify_timeout'),
        },
      }),
      async (c) => {
        const { vm, effects } = await startVm(deps, c.get('principal'), c.req.valid('json'));
        await follow(deps, effects);
        let edge: { waitUntil(p: Promise<unknown>): void } | null = null;
        try {
          edge = c.executionCtx;
        } catch {
          edge = null; // Node: no execution context; the promise simply runs on
        }
        const drive = driveVm(deps, vm.id, edge ? deps.clock.now() + EDGE_DRIVE_MS : undefined).catch((e) => deps.log.error('VM driver failed', { vmId: vm.id, error: String(e) }));
        edge?.waitUntil(drive);
        return c.json(vm, 202);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/vms', tags: ['vms'], request: { query: ListQuery }, responses: { 200: json(z.object({ vms: z.array(VmSchema), next: z.string().nullable() }), 'VMs created through the IPAM, newest first'), ...errors } }),
      async (c) => c.json(await listVms(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/vms/{id}', tags: ['vms'], request: { params: VmParams }, responses: { 200: json(VmSchema, 'The VM and its steps'), ...errors } }),
      async (c) => c.json(await getVm(deps, c.req.valid('param').id), 200),
    );
}
