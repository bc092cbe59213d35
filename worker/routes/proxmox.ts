import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { connectionInventory, connectionNames, createConnection, deleteConnection, listConnections, testConnection, updateConnection } from '../services/proxmox-connections.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';

const ConnectionSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    url: z.string().openapi({ example: 'https://pve.example.net:8006' }),
    tokenId: z.string().openapi({ example: 'ipam@pve!edge' }),
    fingerprint: z.string().nullable().openapi({ description: 'the pinned certificate’s SHA-256 (Node host only); the token secret is never shown' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ProxmoxConnection');

const fields = {
  name: z.string().trim().min(1).max(80),
  url: z.string().trim().min(1).max(300).openapi({ description: 'the API’s origin, https only (PROXMOX_ALLOW_HTTP=1 allows http)' }),
  tokenId: z.string().trim().min(1).max(200).openapi({ description: 'user@realm!tokenname' }),
  tokenSecret: z.string().trim().min(1).max(200).openapi({ description: 'written, never read back' }),
  fingerprint: z.string().trim().max(200).nullable().optional().openapi({ description: 'SHA-256 of a self-signed certificate to accept (AA:BB:…)' }),
};
const CreateBody = z.object(fields).strict();
const UpdateBody = z.object(fields).partial().strict();

const admin = (audit?: string) => ({ role: 'admin' as const, ...(audit ? { audit } : {}) });

export function proxmoxRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, admin(), { method: 'get', path: '/api/proxmox/connections', tags: ['vms'], responses: { 200: json(z.object({ connections: z.array(ConnectionSchema) }), 'Every connection, secrets left out'), ...errors } }),
      async (c) => c.json({ connections: await listConnections(deps) }, 200),
    )
    .openapi(
      secured(deps, admin('proxmox.create'), {
        method: 'post',
        path: '/api/proxmox/connections',
        tags: ['vms'],
        request: jsonBody(CreateBody),
        responses: { 201: json(ConnectionSchema, 'Stored; the secret is never shown again'), ...errors, 400: json(ErrorSchema, 'invalid_url, invalid_token_id, invalid_token_secret, invalid_fingerprint'), 409: json(ErrorSchema, 'name_taken') },
      }),
      async (c) => c.json(await createConnection(deps, c.get('principal'), c.req.valid('json')), 201),
    )
    .openapi(
      secured(deps, admin('proxmox.update'), {
        method: 'patch',
        path: '/api/proxmox/connections/{id}',
        tags: ['vms'],
        request: { params: IdParams, ...jsonBody(UpdateBody) },
        responses: { 200: json(ConnectionSchema, 'Changed (the secret only when a new one was given)'), ...errors, 409: json(ErrorSchema, 'name_taken') },
      }),
      async (c) => c.json(await updateConnection(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      secured(deps, admin('proxmox.delete'), { method: 'delete', path: '/api/proxmox/connections/{id}', tags: ['vms'], request: { params: IdParams }, responses: { 204: { description: 'Removed; VMs made through it keep their records' }, ...errors } }),
      async (c) => {
        await deleteConnection(deps, c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      secured(deps, admin(), {
        method: 'post',
        path: '/api/proxmox/connections/{id}/test',
        tags: ['vms'],
        request: { params: IdParams },
        responses: {
          200: json(z.object({ version: z.string(), nodes: z.array(z.string()) }), 'The cluster answered with the stored token'),
          ...errors,
          501: json(ErrorSchema, 'fingerprint_unsupported'),
          502: json(ErrorSchema, 'proxmox_unauthorized, proxmox_forbidden, proxmox_unreachable, proxmox_timeout, proxmox_tls_mismatch, proxmox_bad_response, proxmox_error'),
        },
      }),
      async (c) => c.json(await testConnection(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, { role: 'editor' }, { method: 'get', path: '/api/proxmox/targets', tags: ['vms'], responses: { 200: json(z.object({ connections: z.array(z.object({ id: z.number().int(), name: z.string() })) }), 'The connections a VM can be created through (names only)'), ...errors } }),
      async (c) => c.json({ connections: await connectionNames(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'editor' }, {
        method: 'get',
        path: '/api/proxmox/connections/{id}/inventory',
        tags: ['vms'],
        request: { params: IdParams },
        responses: {
          200: json(z.object({ nodes: z.array(z.string()), templates: z.array(z.object({ vmid: z.number().int(), name: z.string(), node: z.string() })) }), 'The cluster’s nodes and templates, read live'),
          ...errors,
          502: json(ErrorSchema, 'the cluster’s failure (proxmox_*)'),
        },
      }),
      async (c) => c.json(await connectionInventory(deps, c.req.valid('param').id), 200),
    );
}
