import { lookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import { refusedResolvedAddress } from '../webhooks/url-policy.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The Node host's fetch for webhooks: a name is resolved once, at connect time, and refused if any address it
 * resolves to is loopback, link-local or the metadata service — so neither a name pointing at 127.0.0.1 nor a
 * DNS answer that changes after the URL was saved reaches them (the URL's literal addresses are checked when
 * it is saved). undici's Agent is the only way to own the lookup of Node's fetch. RDAP passes a stricter `refused`
 * (refusedNonPublicAddress: LAN ranges too).
 */
export function guardedWebhookFetch(refused: (address: string) => string | null = refusedResolvedAddress): typeof fetch {
  const agent = new Agent({
    connect: {
      lookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) {
        lookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
          if (err) return callback(err, []);
          for (const a of addresses) {
            const reason = refused(a.address);
            if (reason) return callback(Object.assign(new Error(`${hostname} resolves to ${a.address}: ${reason}`), { code: 'ADDRESS_REFUSED' }), []);
          }
          if (options.all) return callback(null, addresses);
          callback(null, addresses[0]!.address, addresses[0]!.family);
        });
      },
    } as never,
  });
  return ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
}
