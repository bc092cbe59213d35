/**
 * A minimal stub resolver over UDP: one question to a recursive server, the reply decoded with dns-packet.
 * Node's dns.Resolver does not give a PTR record's TTL (resolvePtr has no { ttl } option), and the TTL is how long
 * the probe may keep a name, so the question is asked on the wire here.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { parseIp } from '../../schema/ip/cidr.js';
import { RCODE, type DnsReply } from './dns-wire.js';

export interface DnsServer {
  host: string;
  port: number;
}

/** A host that may carry an IPv6 zone ("fe80::1%eth0", as dns.getServers() prints a link-local server). */
function isIpLiteral(host: string): boolean {
  try {
    parseIp(host.replace(/%[^%]+$/, ''));
    return true;
  } catch {
    return false;
  }
}

/** One server: "198.18.0.53", "198.18.0.53:5353", "fd00::53", "[fd00::53]:5353". null when it is not an address (names are not resolved: no resolver yet). */
export function parseServer(text: string): DnsServer | null {
  const t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  const v4port = /^([\d.]+):(\d+)$/.exec(t);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : v4port ? [v4port[1]!, v4port[2]] : [t, undefined];
  const n = port === undefined ? 53 : Number(port);
  if (!isIpLiteral(host) || !Number.isInteger(n) || n < 1 || n > 65_535) return null;
  return { host, port: n };
}

/** A comma-separated list of servers; throws naming the first entry that is not one. */
export function parseServers(text: string): DnsServer[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const server = parseServer(s);
      if (!server) throw new Error(`"${s}" is not a DNS server address (host or host:port, IPv6 as [addr]:port)`);
      return server;
    });
}

export class DnsTimeout extends Error {
  readonly code = 'dns_timeout';
}

/** A reply with the TC bit: the answer did not fit the datagram, so what it holds is partial and is not read. */
export class DnsTruncated extends Error {
  readonly code = 'dns_truncated';
}

export class DnsAborted extends Error {
  readonly code = 'dns_aborted';
}

export interface DnsClientOptions {
  /** Servers to ask, or a function giving them (the system's, read at each question). */
  servers: DnsServer[] | (() => DnsServer[]);
  timeoutMs?: number;
  /** Questions sent in all (each after the previous timed out or failed), taking the servers in turn. */
  attempts?: number;
}

const sameHost = (a: string, b: string) => {
  try {
    return parseIp(a.replace(/%.*$/, '')).text === parseIp(b.replace(/%.*$/, '')).text;
  } catch {
    return a === b;
  }
};

export class DnsClient {
  constructor(private readonly opts: DnsClientOptions) {}

  /**
   * Asks `name`/`type` (recursion desired). A SERVFAIL or REFUSED goes to the next attempt; the last reply is
   * returned, a silence throws DnsTimeout, a truncated reply DnsTruncated, an abort of `signal` DnsAborted.
   */
  async query(name: string, type: 'PTR' | 'A' | 'AAAA', signal?: AbortSignal): Promise<DnsReply> {
    const servers = typeof this.opts.servers === 'function' ? this.opts.servers() : this.opts.servers;
    if (!servers.length) throw new Error('no DNS server configured');
    const attempts = this.opts.attempts ?? 2;
    let last: DnsReply | null = null;
    for (let i = 0; i < attempts; i++) {
      try {
        last = await this.ask(servers[i % servers.length]!, name, type, signal);
        if (last.rcode !== RCODE.SERVFAIL && last.rcode !== RCODE.REFUSED) return last;
      } catch (e) {
        if (!(e instanceof DnsTimeout) || i === attempts - 1) {
          if (last) return last;
          throw e;
        }
      }
    }
    return last!;
  }

  private ask(server: DnsServer, name: string, type: 'PTR' | 'A' | 'AAAA', signal?: AbortSignal): Promise<DnsReply> {
    if (signal?.aborted) return Promise.reject(new DnsAborted('the lookup was stopped'));
    const id = randomInt(0, 65_536);
    const query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
    const socket = createSocket(server.host.includes(':') ? 'udp6' : 'udp4');
    const timeoutMs = this.opts.timeoutMs ?? 2_000;
    return new Promise<DnsReply>((resolve, reject) => {
      const onAbort = () => done(() => reject(new DnsAborted('the lookup was stopped')));
      let finished = false;
      const done = (fn: () => void) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.close();
        fn();
      };
      const timer = setTimeout(() => done(() => reject(new DnsTimeout(`no answer from ${server.host}:${server.port} within ${timeoutMs} ms`))), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('error', (e) => done(() => reject(e)));
      socket.on('message', (msg, rinfo) => {
        // only the server's reply to this very question counts (a stray or spoofed datagram is dropped)
        if (rinfo.port !== server.port || !sameHost(rinfo.address, server.host)) return;
        let packet;
        try {
          packet = dnsPacket.decode(msg);
        } catch {
          return;
        }
        const q = packet.questions?.[0];
        if (packet.type !== 'response' || packet.id !== id || !q || q.type !== type || q.name.toLowerCase() !== name.toLowerCase()) return;
        const flags = packet.flags ?? 0;
        if (flags & dnsPacket.TRUNCATED_RESPONSE) return done(() => reject(new DnsTruncated(`truncated reply from ${server.host}:${server.port} (TC): the answer did not fit`)));
        done(() => resolve({ rcode: flags & 0xf, answers: packet.answers ?? [], authorities: packet.authorities ?? [] }));
      });
      socket.send(query, server.port, server.host, (e) => e && done(() => reject(e)));
    });
  }
}
