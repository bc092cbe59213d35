/**
 * What a login costs in workerd: the Worker under `wrangler dev` (tests/support/edge.ts, local D1), 30 right-password
 * logins and 30 `GET /api/auth/me` with the cookie, alternated, one at a time, nothing else running. workerd
 * freezes the clock while code runs (Date.now and performance.now move only on I/O), so the Worker cannot time
 * itself: the client's wall time is the measure, and login − me is the login's own work, which is the PBKDF2 hash.
 */
import { PBKDF2_ITERATIONS } from '../worker/auth/passwords.js';
import { ADMIN_PASSWORD } from '../tests/support/app.js';
import { startEdgeServer } from '../tests/support/edge.js';

const RUNS = 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(f: () => Promise<Response>): Promise<{ ms: number; res: Response; text: string }> {
  const t0 = performance.now();
  const res = await f();
  const text = await res.text();
  return { ms: performance.now() - t0, res, text };
}

export interface EdgeLoginCost {
  loginP50: number;
  meP50: number;
  loginMax: number;
  meMax: number;
  /** PBKDF2-SHA256 at the same cost through Node's Web Crypto in the bench process, for comparison. */
  nodeHashP50: number;
  runs: number;
}

export async function edgeLoginCost(): Promise<EdgeLoginCost> {
  // first, with nothing else running
  const hashes: number[] = [];
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(ADMIN_PASSWORD), 'PBKDF2', false, ['deriveBits']);
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: PBKDF2_ITERATIONS }, key, 256);
    hashes.push(performance.now() - t0);
  }
  const edge = await startEdgeServer();
  try {
    await new Promise((r) => setTimeout(r, 3000)); // let wrangler's start-up work finish
    const login = () =>
      timed(() => fetch(`${edge.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) }));
    // warm-up: the first request creates the admin user and compiles the Worker
    for (let i = 0; i < 3; i++) await login();
    const logins: number[] = [];
    const mes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const l = await login();
      if (l.res.status !== 200) throw new Error(`login on workerd: ${l.res.status} ${l.text}`);
      logins.push(l.ms);
      const cookie = l.res.headers.get('set-cookie')!.split(';')[0]!;
      const m = await timed(() => fetch(`${edge.url}/api/auth/me`, { headers: { cookie } }));
      if (m.res.status !== 200) throw new Error(`me on workerd: ${m.res.status} ${m.text}`);
      mes.push(m.ms);
    }
    return { loginP50: median(logins), meP50: median(mes), loginMax: Math.max(...logins), meMax: Math.max(...mes), nodeHashP50: median(hashes), runs: RUNS };
  } finally {
    await edge.close();
  }
}
