/** iputils ping's output, line by line, as operation results (pure). */
import type { PingReply, PingResult } from '../../schema/kinds/operation.js';

export type PingLine =
  | { type: 'reply'; seq: number; ttl: number | null; rttMs: number }
  | { type: 'missing'; seq: number }
  | { type: 'summary'; sent: number; received: number }
  | { type: 'rtt'; minMs: number; avgMs: number; maxMs: number; mdevMs: number };

const REPLY = /^\d+ bytes from \S+?:? icmp_seq=(\d+)(?: ttl=(\d+))? time=([\d.]+) ms/;
const MISSING = /^no answer yet for icmp_seq=(\d+)/;
/** An ICMP error for one request (unreachable, TTL exceeded): no reply to it. */
const ERROR = /^From \S+ icmp_seq=(\d+) /;
const SUMMARY = /^(\d+) packets transmitted, (\d+) (?:packets )?received/;
const RTT = /^(?:rtt|round-trip) min\/avg\/max\/(?:mdev|stddev) = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/;

export function parsePingLine(line: string): PingLine | null {
  const text = line.trim();
  let m = REPLY.exec(text);
  if (m) return { type: 'reply', seq: Number(m[1]), ttl: m[2] === undefined ? null : Number(m[2]), rttMs: Number(m[3]) };
  if ((m = MISSING.exec(text) ?? ERROR.exec(text))) return { type: 'missing', seq: Number(m[1]) };
  if ((m = SUMMARY.exec(text))) return { type: 'summary', sent: Number(m[1]), received: Number(m[2]) };
  if ((m = RTT.exec(text))) return { type: 'rtt', minMs: Number(m[1]), avgMs: Number(m[2]), maxMs: Number(m[3]), mdevMs: Number(m[4]) };
  return null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * What the replies say so far. Each request counts once (a late reply after "no answer yet" replaces it); `total`:
 * ping's own count of requests sent, once it has said it (its last lines), else the requests heard of.
 */
export function pingResult(lines: readonly PingLine[], limit: number): PingResult {
  const bySeq = new Map<number, PingReply>();
  let summary: Extract<PingLine, { type: 'summary' }> | null = null;
  let rtt: Extract<PingLine, { type: 'rtt' }> | null = null;
  for (const l of lines) {
    if (l.type === 'reply') bySeq.set(l.seq, { seq: l.seq, rttMs: round(l.rttMs), ttl: l.ttl });
    else if (l.type === 'missing') {
      if (!bySeq.has(l.seq)) bySeq.set(l.seq, { seq: l.seq, rttMs: null, ttl: null });
    } else if (l.type === 'summary') summary = l;
    else rtt = l;
  }
  const replies = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(0, limit);
  const rtts = replies.flatMap((r) => (r.rttMs === null ? [] : [r.rttMs]));
  const sent = Math.min(limit, Math.max(summary?.sent ?? 0, replies.length));
  const received = Math.min(sent, summary ? summary.received : rtts.length);
  const mean = rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null;
  // iputils' mdev: the standard deviation of the round trips
  const mdev = mean === null ? null : Math.sqrt(Math.max(0, rtts.reduce((a, b) => a + b * b, 0) / rtts.length - mean * mean));
  return {
    tool: 'ping',
    sent,
    received,
    loss: sent ? round((sent - received) / sent) : 0,
    minMs: rtt ? rtt.minMs : rtts.length ? Math.min(...rtts) : null,
    avgMs: rtt ? rtt.avgMs : mean === null ? null : round(mean),
    maxMs: rtt ? rtt.maxMs : rtts.length ? Math.max(...rtts) : null,
    mdevMs: rtt ? rtt.mdevMs : mdev === null ? null : round(mdev),
    replies,
  };
}
