import { readFileSync } from 'node:fs';

const CAP_NET_RAW = 13n;

/** Whether a `CapEff:` line of /proc/<pid>/status grants CAP_NET_RAW. */
export function capEffHasNetRaw(status: string): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  return hex !== undefined && ((BigInt(`0x${hex}`) >> CAP_NET_RAW) & 1n) === 1n;
}

/**
 * Whether nmap may open raw sockets (a SYN scan needs them): this process has CAP_NET_RAW, or nmap was granted it
 * itself and told so (the container: `setcap` on the binary and NMAP_PRIVILEGED=1); root elsewhere.
 */
export function hasRawSockets(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NMAP_PRIVILEGED === '1') return true;
  try {
    return capEffHasNetRaw(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return process.getuid?.() === 0;
  }
}
