/**
 * Proxmox VE connections: where a cluster's API is and the API token the IPAM uses there. The secret is written and
 * never read back through the API (like a webhook's after its creation); only admins see or change connections.
 */
import { asc, eq } from 'drizzle-orm';
import { proxmoxConnections, type ProxmoxConnectionRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import { ProxmoxClient, ProxmoxError } from '../proxmox/client.js';
import { checkProxmoxUrl, isTokenId, isTokenSecret, normaliseFingerprint } from '../proxmox/params.js';
import type { Principal } from './auth.js';

export interface ConnectionInput {
  name: string;
  url: string;
  tokenId: string;
  tokenSecret: string;
  fingerprint?: string | null;
}

export interface ConnectionView {
  id: number;
  name: string;
  url: string;
  tokenId: string;
  fingerprint: string | null;
  createdAt: string;
  updatedAt: string;
}

export const connectionView = (r: ProxmoxConnectionRow): ConnectionView => ({
  id: r.id,
  name: r.name,
  url: r.url,
  tokenId: r.tokenId,
  fingerprint: r.fingerprint,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The fields as stored, or a 400 naming the one that is wrong. */
function cleanFields(deps: AppDeps, input: Partial<ConnectionInput>): Partial<ConnectionInput> {
  const out: Partial<ConnectionInput> = {};
  if (input.name !== undefined) out.name = input.name.trim();
  if (input.url !== undefined) {
    const v = checkProxmoxUrl(input.url.trim(), deps.config.proxmoxAllowHttp);
    if (!v.ok) throw new AppError(400, 'invalid_url', `url: ${v.reason}`, { field: 'url' });
    out.url = v.origin;
  }
  if (input.tokenId !== undefined) {
    if (!isTokenId(input.tokenId.trim())) throw new AppError(400, 'invalid_token_id', 'tokenId: an API token id is user@realm!tokenname (e.g. ipam@pve!edge)', { field: 'tokenId' });
    out.tokenId = input.tokenId.trim();
  }
  if (input.tokenSecret !== undefined) {
    if (!isTokenSecret(input.tokenSecret.trim())) throw new AppError(400, 'invalid_token_secret', 'tokenSecret: the secret Proxmox showed when the token was made (a UUID)', { field: 'tokenSecret' });
    out.tokenSecret = input.tokenSecret.trim();
  }
  if (input.fingerprint !== undefined) {
    const f = input.fingerprint === null || input.fingerprint.trim() === '' ? null : normaliseFingerprint(input.fingerprint);
    if (f === null && input.fingerprint !== null && input.fingerprint.trim() !== '') {
      throw new AppError(400, 'invalid_fingerprint', 'fingerprint: the certificate’s SHA-256 fingerprint, 32 bytes as AA:BB:… (pvenode cert info shows it)', { field: 'fingerprint' });
    }
    out.fingerprint = f;
  }
  return out;
}

const nameTaken = (name: string) => new AppError(409, 'name_taken', `a Proxmox connection named ${JSON.stringify(name)} exists already`, { field: 'name' });

async function assertNameFree(deps: AppDeps, name: string, except?: number) {
  const [row] = await deps.db.select({ id: proxmoxConnections.id }).from(proxmoxConnections).where(eq(proxmoxConnections.name, name));
  if (row && row.id !== except) throw nameTaken(name);
}

export async function listConnections(deps: AppDeps): Promise<ConnectionView[]> {
  const rows = await deps.db.select().from(proxmoxConnections).orderBy(asc(proxmoxConnections.name));
  return rows.map(connectionView);
}

/** The connections' names only: what the VM form offers an editor. */
export async function connectionNames(deps: AppDeps): Promise<{ id: number; name: string }[]> {
  return deps.db.select({ id: proxmoxConnections.id, name: proxmoxConnections.name }).from(proxmoxConnections).orderBy(asc(proxmoxConnections.name));
}

export async function getConnectionRow(deps: AppDeps, id: number): Promise<ProxmoxConnectionRow> {
  const [row] = await deps.db.select().from(proxmoxConnections).where(eq(proxmoxConnections.id, id));
  if (!row) throw notFound(`Proxmox connection ${id}`);
  return row;
}

export async function createConnection(deps: AppDeps, who: Principal, input: ConnectionInput): Promise<ConnectionView> {
  const f = cleanFields(deps, input) as ConnectionInput;
  await assertNameFree(deps, f.name);
  const now = new Date(deps.clock.now());
  const [row] = await deps.db
    .insert(proxmoxConnections)
    .values({ name: f.name, url: f.url, tokenId: f.tokenId, tokenSecret: f.tokenSecret, fingerprint: f.fingerprint ?? null, createdBy: who.userId, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!row) throw nameTaken(f.name);
  return connectionView(row);
}

/** Changes what is given; the secret only when a new one is given (it is never shown, so it cannot be "kept" by sending it back). */
export async function updateConnection(deps: AppDeps, id: number, input: Partial<ConnectionInput>): Promise<ConnectionView> {
  await getConnectionRow(deps, id);
  const f = cleanFields(deps, input);
  if (f.name !== undefined) await assertNameFree(deps, f.name, id);
  const [row] = await deps.db
    .update(proxmoxConnections)
    .set({ ...f, updatedAt: new Date(deps.clock.now()) })
    .where(eq(proxmoxConnections.id, id))
    .returning();
  return connectionView(row!);
}

/** VMs created through it keep their records (their connection reads as removed). */
export async function deleteConnection(deps: AppDeps, id: number): Promise<void> {
  await getConnectionRow(deps, id);
  await deps.db.delete(proxmoxConnections).where(eq(proxmoxConnections.id, id));
}

export const clientFor = (deps: AppDeps, row: ProxmoxConnectionRow) =>
  new ProxmoxClient({ origin: row.url, tokenId: row.tokenId, tokenSecret: row.tokenSecret, fingerprint: row.fingerprint }, deps.proxmoxFetch);

/** A Proxmox failure as the API answers it: 502 (the cluster said no or could not be reached), its code kept. */
export const proxmoxAppError = (e: ProxmoxError) =>
  new AppError(e.code === 'fingerprint_unsupported' ? 501 : 502, e.code, e.message, e.errors ? { errors: e.errors } : undefined);

/** Reaches the cluster with the stored token: its version and nodes, or the failure with Proxmox's words. */
export async function testConnection(deps: AppDeps, id: number): Promise<{ version: string; nodes: string[] }> {
  const client = clientFor(deps, await getConnectionRow(deps, id));
  try {
    const [version, nodes] = [await client.version(), await client.nodes()];
    return { version: version.version, nodes: nodes.map((n) => n.node).sort() };
  } catch (e) {
    throw e instanceof ProxmoxError ? proxmoxAppError(e) : e;
  }
}

/** What the VM form offers: the cluster's nodes and its templates (read live). */
export async function connectionInventory(deps: AppDeps, id: number): Promise<{ nodes: string[]; templates: { vmid: number; name: string; node: string }[] }> {
  const client = clientFor(deps, await getConnectionRow(deps, id));
  try {
    const [nodes, resources] = [await client.nodes(), await client.vmResources()];
    const templates = resources
      .filter((r) => (r.template === 1 || r.template === true) && r.vmid !== undefined)
      .map((r) => ({ vmid: r.vmid!, name: r.name ?? `VM ${r.vmid}`, node: r.node ?? '' }))
      .sort((a, b) => a.vmid - b.vmid);
    return { nodes: nodes.map((n) => n.node).sort(), templates };
  } catch (e) {
    throw e instanceof ProxmoxError ? proxmoxAppError(e) : e;
  }
}
