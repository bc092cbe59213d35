/**
 * The abuse bench's HTTP clients: oversized login bodies written as a real client writes them, logins from a
 * chosen loopback address, and an API caller with the admin's session cookie.
 */
import { Agent, request } from 'node:http';

export interface BodyOutcome {
  status: number | null;
  /** Bytes the client's socket had written when the server answered or closed. */
  written: number;
  how: 'answered' | 'closed' | 'sent_all' | string;
}

const FILLER = Buffer.alloc(64 * 1024, 0x20); // spaces: JSON whitespace, as a padded body would be

/**
 * POSTs `bytes` of body to the login route, writing as fast as the socket accepts, until the server answers
 * or closes. `declared`: with Content-Length (else chunked, so only the streaming count can stop it).
 */
export function hugeLogin(url: string, bytes: number, declared: boolean): Promise<BodyOutcome> {
  const u = new URL('/api/auth/login', url);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(declared ? { 'content-length': String(bytes) } : {}) };
  const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers, agent: false });
  return new Promise((resolve) => {
    let done = false;
    let queued = 0;
    let status: number | null = null;
    const finish = (how: string) => {
      if (done) return;
      done = true;
      const written = req.socket?.bytesWritten ?? queued;
      req.destroy();
      resolve({ status, written, how });
    };
    req.on('response', (res) => {
      status = res.statusCode ?? null;
      res.resume();
      finish('answered');
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    req.on('close', () => finish('closed'));
    const pump = () => {
      while (!done && queued < bytes) {
        const n = Math.min(FILLER.length, bytes - queued);
        queued += n;
        if (!req.write(n === FILLER.length ? FILLER : FILLER.subarray(0, n))) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

/** One login attempt from `localAddress` (any 127.0.0.0/8 address: still loopback); resolves with the status. */
export function loginFrom(url: string, agent: Agent, localAddress: string, username: string, password: string): Promise<number> {
  const u = new URL('/api/auth/login', url);
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const count = (statuses: Iterable<number | string | null>) => {
  const out = new Map<string, number>();
  for (const s of statuses) out.set(String(s), (out.get(String(s)) ?? 0) + 1);
  return [...out].sort().map(([s, n]) => `${n.toLocaleString('en-US')}× ${s}`).join(', ');
};

export interface Api {
  url: string;
  cookie: string;
  call<T = any>(method: string, path: string, body?: unknown, type?: string): Promise<T>;
  /** As a client sees it (gzip decoded): status, body, and the encoding it came in. */
  send(method: string, path: string, body?: string, type?: string): Promise<{ status: number; text: string; encoding: string | null }>;
}

/** Logs in as admin once; every later call carries the cookie (and the Origin cookie-authenticated changes need). */
export async function adminApi(url: string, password: string): Promise<Api> {
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (!login.ok) throw new Error(`admin login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return {
    url,
    cookie,
    async send(method, path, body, type = 'text/csv') {
      const res = await fetch(url + path, { method, headers: { cookie, origin: url, 'content-type': type }, body });
      return { status: res.status, text: await res.text(), encoding: res.headers.get('content-encoding') };
    },
    async call(method, path, body, type = 'application/json') {
      const res = await fetch(url + path, {
        method,
        headers: { cookie, origin: url, 'content-type': type },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
      return text ? JSON.parse(text) : null;
    },
  };
}
