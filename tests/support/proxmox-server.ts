/**
 * A local server answering as the documented Proxmox VE 8.x REST API (`/api2/json`) does: the shapes, status codes
 * and reason phrases below are Proxmox's as recorded from pve-manager 8.2, because Proxmox VE cannot run on this
 * machine. https with a self-signed certificate for 127.0.0.1 (made with openssl, as Proxmox's own `pve-ssl.pem` is
 * self-signed) whose SHA-256 fingerprint the client pins; or plain http (`tls: false`). API-token auth, form-encoded
 * parameters checked against each method's schema, tasks that run for `taskMs`. The routes: ./proxmox-api.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakePve, PveError, type FakeVm } from './proxmox-api.js';

export interface ProxmoxRequest {
  method: string;
  /** Without /api2/json, decoded (a task's UPID as it is). */
  path: string;
  /** The query's (GET) or the form body's (POST, PUT) parameters, decoded. */
  params: Record<string, string>;
  authorization: string | null;
  /** The request's content-type (`application/x-www-form-urlencoded` for a body the client form-encoded), null without one. */
  contentType: string | null;
}

export interface ProxmoxServer {
  /** https://127.0.0.1:<port> (or http://) */
  origin: string;
  /** The certificate's SHA-256 fingerprint, `AA:BB:…`; null over http. */
  fingerprint: string | null;
  /** 'ipam@pve!edge' */
  tokenId: string;
  /** A UUID, as Proxmox shows a new token's secret. */
  tokenSecret: string;
  /** Every request that reached HTTP, in order (a refused TLS handshake never gets here). */
  requests: ProxmoxRequest[];
  /** The cluster's VMs by id: the template 9000 `debian-12-cloud` on `pve`, and what tasks created. */
  vms: Map<number, FakeVm>;
  /** Make the next call matching method+path-pattern fail with this recorded error (status, reason phrase, body) once. */
  failNext(method: string, pathPattern: RegExp, failure: { status: number; reason: string; body?: unknown }): void;
  /** Make the task started by the next matching call end with this exitstatus (e.g. "unable to create VM 105 - …"). */
  failTask(type: 'qmclone' | 'qmcreate' | 'qmstart', exitstatus: string): void;
  /** How long tasks run before they read `stopped` (default 300 ms). */
  taskMs: number;
  close(): Promise<void>;
}

const API = '/api2/json';
const MAX_BODY = 1024 * 1024;

function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-pve-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    total += c.length;
    if (total > MAX_BODY) throw new PveError(413, 'Request Entity Too Large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** pveproxy reads a form body (what pvesh and the web UI send) or JSON; every value a string to its schema check. */
function bodyParams(text: string, contentType: string | null): Record<string, string> {
  if (!text) return {};
  if (contentType?.startsWith('application/json')) {
    const v = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'boolean' ? (x ? '1' : '0') : String(x)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, reason, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'max-age=0',
    pragma: 'no-cache',
    expires: new Date().toUTCString(),
    date: new Date().toUTCString(),
    server: 'pve-api-daemon/3.0',
  });
  res.end(text);
}

export async function startProxmoxServer(opts: { tls?: boolean } = {}): Promise<ProxmoxServer> {
  const tls = opts.tls ?? true;
  const pem = tls ? selfSigned() : null;
  const fingerprint = pem ? new X509Certificate(pem.cert).fingerprint256.toUpperCase() : null;
  const tokenId = 'ipam@pve!edge';
  const tokenSecret = randomUUID();
  const pve = new FakePve(tokenId, fingerprint);
  const requests: ProxmoxRequest[] = [];
  const failures: { method: string; pattern: RegExp; failure: { status: number; reason: string; body?: unknown } }[] = [];

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = req.headers.authorization ?? null;
    const contentType = req.headers['content-type'] ?? null;
    const segsRaw = url.pathname.startsWith(`${API}/`) ? url.pathname.slice(API.length + 1).split('/').filter(Boolean) : null;
    let segs: string[] = [];
    let params: Record<string, string> = {};
    try {
      segs = (segsRaw ?? url.pathname.split('/').filter(Boolean)).map((s) => decodeURIComponent(s));
      const text = await readBody(req);
      params = method === 'GET' || method === 'DELETE' ? Object.fromEntries(url.searchParams) : bodyParams(text, contentType);
    } catch (e) {
      requests.push({ method, path: url.pathname, params, authorization, contentType });
      return e instanceof PveError ? send(res, e.status, e.reason, { data: null }) : send(res, 400, 'Parameter verification failed.', { data: null });
    }
    const path = `/${segs.join('/')}`;
    requests.push({ method, path, params, authorization, contentType });
    if (authorization !== `PVEAPIToken=${tokenId}=${tokenSecret}`) return send(res, 401, 'authentication failure', { data: null });
    const f = failures.findIndex((x) => x.method === method && x.pattern.test(path));
    if (f >= 0) {
      const { failure } = failures.splice(f, 1)[0]!;
      return send(res, failure.status, failure.reason, failure.body ?? { data: null });
    }
    if (!segsRaw) return send(res, 501, `Method '${method} ${url.pathname}' not implemented`, { data: null });
    try {
      const a = pve.handle(method, segs, params);
      send(res, a.status, a.reason, { data: a.data });
    } catch (e) {
      if (!(e instanceof PveError)) return send(res, 500, String((e as Error)?.message ?? e).split('\n')[0]!, { data: null });
      send(res, e.status, e.reason, e.errors ? { data: null, errors: e.errors } : { data: null });
    }
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => void handler(req, res);
  const server: Server = pem ? createHttpsServer(pem, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    fingerprint,
    tokenId,
    tokenSecret,
    requests,
    vms: pve.vms,
    failNext: (method, pattern, failure) => void failures.push({ method: method.toUpperCase(), pattern, failure }),
    failTask: (type, exitstatus) => pve.failTask(type, exitstatus),
    get taskMs() {
      return pve.taskMs;
    },
    set taskMs(ms: number) {
      pve.taskMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        pve.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
