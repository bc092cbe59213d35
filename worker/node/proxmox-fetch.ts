import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import type { ProxmoxFetch } from '../proxmox/client.js';

/** One dispatcher per pinned fingerprint (connections are few; each keeps its sockets alive between a VM's calls). */
const agents = new Map<string, Agent>();

/**
 * An Agent that accepts exactly the certificate whose SHA-256 fingerprint is `fingerprint` (Proxmox's self-signed
 * `pve-ssl.pem`), checked on every new TLS socket before a byte of the request is written. undici's connector is
 * the only place Node's fetch exposes the peer certificate.
 */
function pinnedAgent(fingerprint: string): Agent {
  let agent = agents.get(fingerprint);
  if (agent) return agent;
  // No TLS session resumption: a resumed socket has no peer certificate to read (getPeerCertificate() is `{}`), so
  // every pooled socket after the first was refused as a mismatch. Each socket makes a full handshake instead.
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  agent = new Agent({
    connect(options, callback) {
      connect(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        const seen = (socket as TLSSocket).getPeerCertificate?.()?.fingerprint256;
        if (seen?.toUpperCase() === fingerprint) return callback(null, socket);
        socket.destroy();
        callback(Object.assign(new Error(`the certificate's SHA-256 fingerprint is ${seen ?? 'unknown'}, not the ${fingerprint} this connection pins`), { code: 'PROXMOX_TLS_MISMATCH' }), null);
      });
    },
  });
  agents.set(fingerprint, agent);
  return agent;
}

/** The Node host's transport: the global validation without a fingerprint, the pinned certificate with one. */
export const nodeProxmoxFetch: ProxmoxFetch = (url, init, fingerprint) =>
  (fingerprint
    ? undiciFetch(url, { ...(init as object), dispatcher: pinnedAgent(fingerprint) })
    : undiciFetch(url, init as never)) as unknown as Promise<Response>;
