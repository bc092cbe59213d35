/**
 * The Proxmox VE REST API (8.x, `/api2/json`) as the IPAM uses it: one call per method, the `{ data }` envelope
 * unwrapped and checked with zod, form-encoded parameters (what pvesh and the web UI send), and every failure a
 * ProxmoxError with a stable code. The bytes go through the host's ProxmoxFetch (deps.proxmoxFetch): Node's pins a
 * self-signed certificate by its fingerprint; the default (Workers) cannot, and refuses a connection that has one.
 */
import { z } from 'zod';
import { readBoundedText } from '../http/bounded-body.js';
import { authorization } from './params.js';
import { parseUpid } from './upid.js';
import type { TaskStatus } from './steps.js';

export type ProxmoxErrorCode =
  | 'proxmox_unauthorized'
  | 'proxmox_forbidden'
  | 'proxmox_bad_request'
  | 'proxmox_not_found'
  | 'proxmox_error'
  | 'proxmox_unreachable'
  | 'proxmox_timeout'
  | 'proxmox_bad_response'
  | 'proxmox_tls_mismatch'
  | 'fingerprint_unsupported';

/** A call that failed: its code, Proxmox's own words (the status line's reason, or the body's message) and, for a 400, the parameters it named. */
export class ProxmoxError extends Error {
  constructor(
    readonly code: ProxmoxErrorCode,
    message: string,
    readonly httpStatus: number | null = null,
    readonly errors: Record<string, string> | null = null,
  ) {
    super(message);
    this.name = 'ProxmoxError';
  }
}

/** Where and as whom: a stored connection's fields. */
export interface ProxmoxTarget {
  /** https://pve.example.net:8006 */
  origin: string;
  tokenId: string;
  tokenSecret: string;
  /** SHA-256 of the certificate to accept instead of one a public CA signed (`AA:BB:…`); null: the usual validation. */
  fingerprint: string | null;
}

/** The host's transport: a fetch that, given a fingerprint, accepts exactly the certificate that has it. */
export type ProxmoxFetch = (url: string, init: RequestInit, fingerprint: string | null) => Promise<Response>;

/** The global fetch: the runtime's own certificate validation, so a pinned fingerprint cannot be honoured. */
export const defaultProxmoxFetch: ProxmoxFetch = (url, init, fingerprint) => {
  if (fingerprint) {
    return Promise.reject(new ProxmoxError('fingerprint_unsupported', 'this host cannot pin a certificate by its fingerprint (Workers validate against public CAs only): give the cluster a certificate a public CA signed (e.g. ACME) and clear the fingerprint'));
  }
  return fetch(url, init);
};

/** Answers are small (a VM's config, a task's status); a larger one is not the API's. */
export const PROXMOX_MAX_BYTES = 256 * 1024;
export const PROXMOX_CALL_TIMEOUT_MS = 15_000;

const Envelope = z.object({ data: z.unknown(), errors: z.record(z.string(), z.unknown()).nullish(), message: z.string().nullish() }).passthrough();
const Upid = z.string().refine((v) => parseUpid(v) !== null, 'not a UPID');
const Version = z.object({ version: z.string(), release: z.string().optional(), repoid: z.string().optional() }).passthrough();
const Nodes = z.array(z.object({ node: z.string(), status: z.string().optional() }).passthrough());
const Resources = z.array(z.object({ type: z.string(), vmid: z.number().int().optional(), name: z.string().optional(), node: z.string().optional(), template: z.union([z.number(), z.boolean()]).optional() }).passthrough());
const Task = z.object({ status: z.string(), exitstatus: z.string().nullish(), upid: z.string().optional() }).passthrough();
const NextId = z.union([z.string().regex(/^\d{3,9}$/), z.number().int()]).transform(Number);
const Config = z.record(z.string(), z.unknown());

type Params = Record<string, string | number>;

const isTimeout = (e: unknown) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
const errorsOf = (v: unknown): Record<string, string> | null => {
  if (!v || typeof v !== 'object') return null;
  return Object.fromEntries(Object.entries(v).map(([k, m]) => [k, String(m).trim()]));
};

function statusError(status: number, reason: string, errors: Record<string, string> | null): ProxmoxError {
  const detail = errors ? `${reason}: ${Object.entries(errors).map(([k, m]) => `${k}: ${m}`).join('; ')}` : reason;
  if (status === 401) return new ProxmoxError('proxmox_unauthorized', `the API token was refused (${reason}): check the token id and secret`, status);
  if (status === 403) return new ProxmoxError('proxmox_forbidden', `the API token lacks a privilege (${reason})`, status);
  if (status === 400) return new ProxmoxError('proxmox_bad_request', detail, status, errors);
  if (status === 404) return new ProxmoxError('proxmox_not_found', reason, status);
  return new ProxmoxError('proxmox_error', detail, status, errors);
}

/** The calls the IPAM makes; each returns the checked `data` or throws a ProxmoxError. */
export class ProxmoxClient {
  constructor(
    private readonly target: ProxmoxTarget,
    private readonly transport: ProxmoxFetch = defaultProxmoxFetch,
    private readonly timeoutMs = PROXMOX_CALL_TIMEOUT_MS,
  ) {}

  private async call(method: 'GET' | 'POST' | 'PUT', path: string, params?: Params): Promise<unknown> {
    const url = new URL(`/api2/json${path}`, this.target.origin);
    const headers: Record<string, string> = { authorization: authorization(this.target.tokenId, this.target.tokenSecret), accept: 'application/json' };
    let body: string | undefined;
    if (params && method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    else if (params) {
      body = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    let res: Response;
    try {
      res = await this.transport(url.href, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) }, this.target.fingerprint);
    } catch (e) {
      if (e instanceof ProxmoxError) throw e;
      if (isTimeout(e)) throw new ProxmoxError('proxmox_timeout', `${method} ${path} got no answer within ${this.timeoutMs / 1000} s`);
      const code = (e as { code?: string })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
      if (code === 'PROXMOX_TLS_MISMATCH') throw new ProxmoxError('proxmox_tls_mismatch', String((e as { cause?: Error }).cause?.message ?? (e as Error).message));
      throw new ProxmoxError('proxmox_unreachable', `${this.target.origin} could not be reached: ${String((e as { cause?: Error }).cause?.message ?? (e as Error).message)}`);
    }
    let text: string | null;
    try {
      text = await readBoundedText(res, PROXMOX_MAX_BYTES);
    } catch (e) {
      if (isTimeout(e)) throw new ProxmoxError('proxmox_timeout', `${method} ${path}: the answer did not finish within ${this.timeoutMs / 1000} s`);
      throw new ProxmoxError('proxmox_unreachable', `${method} ${path}: the answer broke off: ${String(e)}`);
    }
    if (text === null) throw new ProxmoxError('proxmox_bad_response', `${method} ${path} answered with more than ${PROXMOX_MAX_BYTES} bytes`, res.status);
    let parsed: z.infer<typeof Envelope> | null = null;
    try {
      const r = Envelope.safeParse(JSON.parse(text));
      if (r.success) parsed = r.data;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      // Proxmox puts its message in the status line's reason ("Parameter verification failed.") and sometimes in the body
      const reason = (parsed?.message ?? res.statusText ?? '').trim() || `HTTP ${res.status}`;
      throw statusError(res.status, reason, errorsOf(parsed?.errors));
    }
    if (!parsed) throw new ProxmoxError('proxmox_bad_response', `${method} ${path} answered ${res.status} with something that is not the API's JSON envelope`, res.status);
    return parsed.data;
  }

  private async checked<T>(schema: z.ZodType<T>, what: string, data: Promise<unknown>): Promise<T> {
    const r = schema.safeParse(await data);
    if (!r.success) throw new ProxmoxError('proxmox_bad_response', `${what}: the answer is not what Proxmox VE 8 sends (${r.error.issues[0]?.message ?? 'invalid'})`);
    return r.data;
  }

  version() {
    return this.checked(Version, 'GET /version', this.call('GET', '/version'));
  }

  nodes() {
    return this.checked(Nodes, 'GET /nodes', this.call('GET', '/nodes'));
  }

  /** The cluster's VMs (templates among them: `template: 1`). */
  vmResources() {
    return this.checked(Resources, 'GET /cluster/resources', this.call('GET', '/cluster/resources', { type: 'vm' }));
  }

  /** The next free VM id. The clone or create naming it fails if another took it meanwhile (the driver then asks again). */
  nextId() {
    return this.checked(NextId, 'GET /cluster/nextid', this.call('GET', '/cluster/nextid'));
  }

  clone(node: string, template: number, params: Params) {
    return this.checked(Upid, 'POST clone', this.call('POST', `/nodes/${encodeURIComponent(node)}/qemu/${template}/clone`, params));
  }

  create(node: string, params: Params) {
    return this.checked(Upid, 'POST qemu', this.call('POST', `/nodes/${encodeURIComponent(node)}/qemu`, params));
  }

  config(node: string, vmid: number) {
    return this.checked(Config, 'GET config', this.call('GET', `/nodes/${encodeURIComponent(node)}/qemu/${vmid}/config`));
  }

  /** PUT …/config is synchronous: it answers null once the change is written. */
  async setConfig(node: string, vmid: number, params: Params): Promise<void> {
    await this.call('PUT', `/nodes/${encodeURIComponent(node)}/qemu/${vmid}/config`, params);
  }

  /** Grows a disk to `size` (`32G`); Proxmox 8 answers a task's UPID, 7 answered null once done. */
  async resize(node: string, vmid: number, disk: string, size: string): Promise<string | null> {
    const data = await this.call('PUT', `/nodes/${encodeURIComponent(node)}/qemu/${vmid}/resize`, { disk, size });
    return typeof data === 'string' && parseUpid(data) ? data : null;
  }

  start(node: string, vmid: number) {
    return this.checked(Upid, 'POST status/start', this.call('POST', `/nodes/${encodeURIComponent(node)}/qemu/${vmid}/status/start`));
  }

  taskStatus(node: string, upid: string): Promise<TaskStatus> {
    return this.checked(Task, 'GET task status', this.call('GET', `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`));
  }
}
