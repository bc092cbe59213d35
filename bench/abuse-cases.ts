/**
 * The abuse bench's cases (issue 9): each takes the running server and the admin's API and returns what it
 * did, as one line for the table. Setup that is not part of the abuse (connecting a probe, building frames and
 * files) happens in `prepare`, before the measuring starts, and so does a small warm-up of the same kind of
 * request on keys the measured part does not use: the figures are those of a server that has run these paths
 * before, not of their first compilation.
 */
import { Agent } from 'node:http';
import { parseCidr } from '../schema/ip/cidr.js';
import { knownHosts } from './abuse-frames.js';
import { count, hugeLogin, loginFrom, type Api } from './abuse-http.js';

export interface Case {
  name: string;
  /** Unmeasured setup; returns the measured work, which resolves with the outcome's description. */
  prepare(api: Api): Promise<() => Promise<string>>;
  /** What holds the server's event loop in this case, from reading the code (printed when the case misses the target). */
  why?: string;
}

export const n = (x: number) => x.toLocaleString('en-US');
const MB = 1_000_000;
const BODY_BYTES = 100 * MB;
const MIN_SECONDS = 3;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const baseline: Case = {
  name: 'baseline: idle',
  prepare: async () => async () => (await sleep(5000), 'no requests but /health, 5 s'),
};

/** Rounds of 16 bodies at once, repeated until MIN_SECONDS have passed (one round if it takes longer). */
export function bigBodies(declared: boolean): Case {
  return {
    name: declared ? '1a: 16 × 100 MB login bodies (Content-Length)' : '1b: 16 × 100 MB login bodies (chunked)',
    prepare: async (api) => {
      await Promise.all([hugeLogin(api.url, BODY_BYTES, declared), hugeLogin(api.url, BODY_BYTES, declared)]);
      return async () => {
        const outcomes = [];
        const t0 = performance.now();
        let rounds = 0;
        do {
          outcomes.push(...(await Promise.all(Array.from({ length: 16 }, () => hugeLogin(api.url, BODY_BYTES, declared)))));
          rounds++;
        } while (performance.now() - t0 < MIN_SECONDS * 1000);
        const written = outcomes.map((o) => o.written);
        return `16 parallel × ${rounds} rounds: ${count(outcomes.map((o) => o.status ?? o.how))}; written before the answer ≤ ${(Math.max(...written) / MB).toFixed(2)} MB (of 100)`;
      };
    },
  };
}

/** Three wrong logins for a user and from an address the measured part does not use. */
async function warmLogins(url: string) {
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < 3; i++) await loginFrom(url, agent, '127.0.0.9', 'warm-up', 'wrong password');
  agent.destroy();
}

/** 200 wrong passwords for admin, one after another from one address. */
export const wrongLoginsSequential: Case = {
  name: '2a: 200 wrong logins, sequential, one address',
  prepare: async (api) => {
    await warmLogins(api.url);
    const agent = new Agent({ keepAlive: true });
    return async () => {
      const statuses = [];
      for (let i = 0; i < 200; i++) statuses.push(await loginFrom(api.url, agent, '127.0.0.2', 'admin', `wrong-${i}`));
      agent.destroy();
      return `admin from 127.0.0.2: ${count(statuses)}`;
    };
  },
};

/** 200 wrong logins for 200 usernames, 16 at a time, from one address or each from its own (a spray from many). */
export function wrongLoginsParallel(addresses: 'one' | 'many'): Case {
  return {
    name: addresses === 'one' ? '2b: 200 usernames, batches of 16, one address' : '2c: 200 usernames, batches of 16, 200 addresses',
    prepare: async (api) => {
      await warmLogins(api.url);
      const agent = new Agent({ keepAlive: true });
      const from = (i: number) => (addresses === 'one' ? '127.0.0.3' : `127.0.1.${i + 1}`);
      return async () => {
        const statuses: number[] = [];
        for (let b = 0; b < 200; b += 16) {
          const batch = Array.from({ length: Math.min(16, 200 - b) }, (_, k) => b + k);
          statuses.push(...(await Promise.all(batch.map((i) => loginFrom(api.url, agent, from(i), `user-${addresses}-${i}`, 'wrong password')))));
        }
        agent.destroy();
        return `${addresses === 'one' ? 'from 127.0.0.3' : 'from 127.0.1.1–200'}: ${count(statuses)}`;
      };
    },
  };
}

/** A hosts CSV with every column an edit would fill. */
export function hostsCsv(ips: string[], tag: string): string {
  const lines = ['ip,hostname,description,tags,notes,reserved'];
  ips.forEach((ip, i) => lines.push(`${ip},host-${tag}-${i},rack ${i % 40},${tag};bench,notes ${i},${i % 7 === 0}`));
  return `${lines.join('\n')}\n`;
}

export const CSV_CIDR = '198.18.0.0/16';
const CSV_ROWS = 50_000;

/** The warm-up: one row that updates a host of the probe's /16 (so the host count stays as it was). */
async function warmImport(api: Api) {
  const { status } = await api.send('POST', '/api/import/hosts', 'ip,notes\n198.19.253.232,warm-up\n');
  if (status !== 200) throw new Error(`warm-up import: ${status}`);
}

export const csvImport: Case = {
  name: '4: 50,000-row hosts CSV import',
  why: 'the rows are parsed and checked in turns of 1,000 with a yield between turns, but the write is one atomic `db.batch` of 50,000 inserts (JSON parameters of 2,000 rows), which the synchronous libSQL driver runs in SQLite on the main thread in one go',
  prepare: async (api) => {
    await warmImport(api);
    const csv = hostsCsv(knownHosts(parseCidr(CSV_CIDR).first, CSV_ROWS), 'import');
    return async () => {
      const { status, text } = await api.send('POST', '/api/import/hosts', csv);
      return `1 import of ${n(CSV_ROWS)} rows (${(csv.length / MB).toFixed(1)} MB) into the ${CSV_CIDR}: ${status} ${text.slice(0, 80)}`;
    };
  },
};

export const csvExport: Case = {
  name: '5: hosts CSV export × 3',
  why: 'each page of 2,000 hosts is read (SQLite builds the JSON, synchronously), formatted and handed to gzip in one turn',
  prepare: async (api) => {
    await api.send('GET', '/api/export/subnets.csv');
    return async () => {
      const outs = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const { status, text, encoding } = await api.send('GET', '/api/export/hosts.csv');
        outs.push({ status, encoding, rows: text.split('\n').filter(Boolean).length - 1, mb: Buffer.byteLength(text) / MB, s: (performance.now() - t0) / 1000 });
      }
      const each = outs.map((o) => `${n(o.rows)} rows, ${o.mb.toFixed(1)} MB in ${o.s.toFixed(1)} s`).join('; ');
      return `3 downloads one after another (fetch's default Accept-Encoding; sent ${outs[0]!.encoding ?? 'identity'}): ${count(outs.map((o) => o.status))}; ${each}`;
    };
  },
};
