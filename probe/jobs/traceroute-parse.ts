/**
 * Reads what Debian's `traceroute` (Dmitry Butskoy's, 2.1) prints with `-n`: one line per hop, each probe an
 * address (when it changes), a round-trip time `0.123 ms` with an optional annotation (`!H`, `!N`, `!X`, `!<num>`),
 * or `*` for no answer. Pure: text in, hops out.
 */
import { canonicalIp } from '../../schema/ip/cidr.js';
import { MAX_TRACE_HOPS, TRACE_QUERIES } from '../../schema/kinds/traceroute.js';

export interface ParsedHop {
  hop: number;
  /** Every address that answered this hop, in the order they first did (several on load-balanced paths). */
  addresses: string[];
  /** The address each answered probe came from, index for index with `rttMs`. */
  answeredBy: string[];
  rttMs: number[];
  /** Probes of this hop that got no answer (`*`). */
  unanswered: number;
  /** Unreachable annotations seen on this hop (`!H`, `!N`, …), each once. */
  annotations: string[];
}

const HOP_LINE = /^\s*(\d{1,3})\s+(.*)$/;
const RTT = /^\d+(?:\.\d+)?$/;

/** The canonical text of an address token, or null when the token is not one. */
function addressOf(token: string): string | null {
  const bare = token.startsWith('(') && token.endsWith(')') ? token.slice(1, -1) : token;
  if (!/^[0-9a-fA-F:.]+$/.test(bare) || (!bare.includes('.') && !bare.includes(':'))) return null;
  return canonicalIp(bare);
}

/** One hop line, or null for any other line (the `traceroute to …` header, warnings). */
export function parseHopLine(line: string): ParsedHop | null {
  const m = HOP_LINE.exec(line);
  if (!m) return null;
  const hop = Number(m[1]);
  if (hop < 1 || hop > MAX_TRACE_HOPS) return null;
  const tokens = m[2]!.trim().split(/\s+/).filter(Boolean);
  const out: ParsedHop = { hop, addresses: [], answeredBy: [], rttMs: [], unanswered: 0, annotations: [] };
  let current: string | null = null;
  let probes = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '*') {
      out.unanswered++;
      probes++;
    } else if (RTT.test(t) && tokens[i + 1] === 'ms') {
      i++;
      // a time without an address before it cannot be told apart from garbage
      if (current === null) continue;
      out.rttMs.push(Number(t));
      out.answeredBy.push(current);
      probes++;
    } else if (t.startsWith('!')) {
      if (!out.annotations.includes(t)) out.annotations.push(t);
    } else {
      const ip = addressOf(t);
      if (ip === null) continue; // a name (without -n) or an extension field: the address follows in parentheses
      current = ip;
      if (!out.addresses.includes(ip)) out.addresses.push(ip);
    }
  }
  if (!probes) return null;
  return out;
}

/** Every hop line of the output, in hop order, each hop once (the first line wins). */
export function parseTraceroute(text: string): ParsedHop[] {
  const hops = new Map<number, ParsedHop>();
  for (const line of text.split('\n')) {
    const h = parseHopLine(line);
    if (h && !hops.has(h.hop)) hops.set(h.hop, h);
  }
  return [...hops.values()].sort((a, b) => a.hop - b.hop);
}

/** Share of a hop's probes that got no answer (0..1). */
export function lossOf(h: ParsedHop): number {
  const sent = h.unanswered + h.rttMs.length;
  return sent ? h.unanswered / sent : 1;
}

/**
 * The one address a hop reports: the target itself when it answered (the path reached it), otherwise the address
 * that answered most of the hop's probes (the first of equals); null when none did.
 */
export function hopAddress(h: ParsedHop, target: string): string | null {
  if (h.addresses.includes(target)) return target;
  let best: string | null = h.addresses[0] ?? null;
  let most = 0;
  for (const a of h.addresses) {
    const n = h.answeredBy.filter((x) => x === a).length;
    if (n > most) [best, most] = [a, n];
  }
  return best;
}

/** Round-trip times as the result carries them: at most TRACE_QUERIES, to the microsecond. */
export const boundRtts = (rtts: readonly number[]): number[] => rtts.slice(0, TRACE_QUERIES).map((r) => Math.round(r * 1000) / 1000);
