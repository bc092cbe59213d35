import { ADMIN_PASSWORD } from './app.js';
import { caller } from './http.js';
import { startEdgeServer } from './edge.js';
import { startTestServer } from './server.js';

export type HostName = 'node' | 'edge';
export const HOSTS: HostName[] = ['node', 'edge'];

/** A running control plane on one of its two hosts, reached over real HTTP and WebSocket. */
export interface Target {
  host: HostName;
  url: string;
  /** Runs the periodic duties once (Node: the duty list directly; Workers: the cron handler). */
  cron(): Promise<void>;
  close(): Promise<void>;
}

/** `opts.root`: the source tree the Worker is built from (default: the working directory; Node runs this process's code). */
export async function startTarget(host: HostName, vars: Record<string, string> = {}, opts: { root?: string } = {}): Promise<Target> {
  if (host === 'edge') {
    const edge = await startEdgeServer(vars, opts);
    return { host, url: edge.url, cron: edge.cron, close: edge.close };
  }
  const node = await startTestServer(vars);
  const { runDuties } = await import('../../worker/duties.js');
  return { host, url: node.url, cron: () => runDuties(node.deps), close: node.close };
}

export async function login(url: string, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** JSON (or CSV, for a string body) requests with the session cookie. */
export function client(url: string, cookie: string) {
  return caller((path, init) => fetch(url + path, init), { cookie }, url);
}
