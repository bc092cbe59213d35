import { readFileSync } from 'node:fs';

const CAP_NET_RAW = 13n;

/** Whether a `CapEff:` line of /proc/<pid>/status grants CAP_NET_RAW. */
export function capEffHasNetRaw(status: string): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  return hex !== undefined && ((BigInt(`0x${hex}`) >> CAP_NET_RAW) & 1n) === 1n;
}

/** Whether this process may open raw sockets (a SYN scan needs them): CAP_NET_RAW on Linux, root elsewhere. */
export function hasRawSockets(): boolean {
  try {
    return capEffHasNetRaw(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return process.getuid?.() === 0;
  }
}
