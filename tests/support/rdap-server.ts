import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';

const FIXTURES = join(process.cwd(), 'tests/fixtures/rdap');
const RDAP_JSON = 'application/rdap+json';

export interface RdapServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** What RDAP_BOOTSTRAP_URL is set to: the fake IANA directory (dns.json, ipv4.json, ipv6.json, asn.json). */
  bootstrapUrl: string;
  /** Every path asked for, in order (query strings kept). */
  requests: string[];
  /** How many requests asked for exactly this path. */
  count(path: string): number;
  close(): Promise<void>;
}

type Handler = (res: ServerResponse, base: string) => void;

const fixture = (name: string, base: string) => readFileSync(join(FIXTURES, name), 'utf8').replaceAll('{{base}}', base);

const send = (status: number, name: string, headers: Record<string, string> = {}): Handler => (res, base) => {
  res.writeHead(status, { 'content-type': RDAP_JSON, ...headers });
  res.end(fixture(name, base));
};

/**
 * The answers, by path: each registry's recorded documents and its error cases. Registry A holds 198.51.100.0/24,
 * 192.0.2.0/24 (which it sends on to registry B, as RIRs redirect for each other's space) and AS64496–AS64511;
 * registry B 2001:db8::/32 and 198.0.0.0/8; the DNS registry .com/.net/.example. `.test` has no service at all.
 */
const ROUTES: Record<string, Handler> = {
  '/registry-a/ip/198.51.100.7': send(200, 'ip-198.51.100.0.json'),
  '/registry-a/ip/198.51.100.0/24': send(200, 'ip-198.51.100.0.json'),
  '/registry-a/ip/192.0.2.1': (res) => {
    res.writeHead(301, { location: '/registry-b/ip/192.0.2.1' });
    res.end();
  },
  '/registry-b/ip/192.0.2.1': send(200, 'ip-198.51.100.0.json'),
  // a registry sending the query on to a literal loopback address (an SSRF attempt when it is reached by name)
  '/registry-a/ip/192.0.2.66': (res, base) => {
    res.writeHead(302, { location: `http://127.0.0.1:${new URL(base).port}/registry-b/ip/192.0.2.1` });
    res.end();
  },
  // a redirect loop
  '/registry-a/autnum/64504': (res) => {
    res.writeHead(307, { location: '/registry-a/autnum/64504' });
    res.end();
  },
  '/registry-b/ip/2001:db8::1': send(200, 'ip-2001-db8.json'),
  '/registry-a/ip/203.0.113.9': send(429, 'rate-limited.json', { 'retry-after': '120' }),
  '/registry-a/autnum/64496': send(200, 'autnum-64496.json'),
  // the server takes the request and never answers (the client's RDAP_TIMEOUT_MS ends it)
  '/registry-a/autnum/64497': () => {},
  '/registry-a/autnum/64498': send(429, 'rate-limited.json', { 'retry-after': '7' }),
  '/registry-a/autnum/64499': (res) => {
    res.writeHead(200, { 'content-type': RDAP_JSON });
    res.end('{"objectClassName": "autnum", "handle": "AS64499", "entities": [');
  },
  '/registry-a/autnum/64500': send(404, 'not-found.json'),
  '/registry-a/autnum/64501': (res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Maintenance</title><p>Back soon.</p>');
  },
  // more than the 1 MiB the client accepts, streamed without a Content-Length
  '/registry-a/autnum/64502': (res) => {
    res.writeHead(200, { 'content-type': RDAP_JSON });
    res.write('{"objectClassName":"autnum","remarks":[');
    const chunk = JSON.stringify({ description: ['x'.repeat(64 * 1024)] });
    for (let i = 0; i < 20; i++) res.write(`${i ? ',' : ''}${chunk}`);
    res.end(']}');
  },
  // an answer of the wrong kind of object
  '/registry-a/autnum/64503': send(200, 'domain-example.com.json'),
  '/registry-dns/domain/example.com': send(200, 'domain-example.com.json'),
  '/registry-dns/domain/nothing.example.net': send(404, 'not-found.json'),
};

/**
 * A local HTTP server answering as IANA's bootstrap registry (RFC 9224) and three RDAP servers (RFC 9083) do.
 * `name`: the servers are named by that host name in the bootstrap files (reach it with `loopbackNamesFetch`).
 */
export async function startRdapServer(opts: { name?: string } = {}): Promise<RdapServer> {
  const requests: string[] = [];
  const held = new Set<ServerResponse>();
  let base = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(req.url ?? '/');
    requests.push(path);
    const boot = /^\/iana\/(dns|ipv4|ipv6|asn)\.json$/.exec(path);
    if (boot) return send(200, `bootstrap/${boot[1]}.json`, { 'content-type': 'application/json' })(res, base);
    const route = ROUTES[path];
    if (!route) return send(404, 'not-found.json')(res, base);
    held.add(res);
    res.on('close', () => held.delete(res));
    route(res, base);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://${opts.name ?? '127.0.0.1'}:${(server.address() as { port: number }).port}`;
  return {
    url: base,
    bootstrapUrl: `${base}/iana/`,
    requests,
    count: (p) => requests.filter((r) => r === p).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fetch (for deps.rdapFetch) that resolves the given names to 127.0.0.1 and trusts `ca`: the tests' stand-in
 * for public registries reached by name, so the checks of where a redirect goes can be seen refusing.
 */
export function loopbackNamesFetch(names: string[], ca?: string): typeof fetch {
  const agent = new Agent({
    connect: {
      ca,
      lookup(hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: unknown, family?: number) => void) {
        if (!names.includes(hostname)) return callback(Object.assign(new Error(`${hostname}: not a test name`), { code: 'ENOTFOUND' }), []);
        if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
        callback(null, '127.0.0.1', 4);
      },
    } as never,
  });
  return ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
}

export interface HttpsRdapServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Its certificate (self-signed, for 127.0.0.1), to trust in `loopbackNamesFetch`. */
  ca: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * An https bootstrap registry on 127.0.0.1 (a self-signed certificate made with openssl) whose asn.json names
 * itself for AS64496 and `httpBase/registry-a/` (plain http) for AS64500; its AS64496 answer is a 302 down to
 * `httpBase` (plain http).
 */
export async function startHttpsRdapServer(httpBase: string): Promise<HttpsRdapServer> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-rdap-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const pem = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  const requests: string[] = [];
  let base = '';
  const server = createHttpsServer(pem, (req, res) => {
    const path = decodeURIComponent(req.url ?? '/');
    requests.push(path);
    if (path === '/iana/asn.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ version: '1.0', services: [[['64496'], [`${base}/tls/`]], [['64500'], [`${httpBase}/registry-a/`]]] }));
    }
    if (path === '/tls/autnum/64496') {
      res.writeHead(302, { location: `${httpBase}/registry-a/autnum/64496` });
      return res.end();
    }
    res.writeHead(404, { 'content-type': RDAP_JSON });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: base,
    ca: pem.cert,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
