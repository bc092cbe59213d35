/**
 * Ground truth from real tools: datagrams softflowd 1.1.0 exported (v5, v9, IPFIX) from one pcap, and what
 * nfdump 1.7.1 read from the same datagrams (fixtures/softflowd-1.1.0.json says how they were made).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowDecoder } from './decoder.js';
import type { FlowRecord } from './types.js';

interface Capture {
  datagrams: string[];
  /** start|end|src|dst|protocol|bytes|packets, UTC "YYYY-MM-DD hh:mm:ss.mmm" */
  nfdump: string[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/softflowd-1.1.0.json', import.meta.url), 'utf8')) as Record<'v5' | 'v9' | 'ipfix', Capture>;

const ms = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const key = (src: string, dst: string, protocol: number | string, bytes: number | string, packets: number | string) => `${src}|${dst}|${protocol}|${bytes}|${packets}`;

describe('softflowd 1.1.0 exports, read as nfdump reads them', () => {
  it.each(['v5', 'v9', 'ipfix'] as const)('%s', (version) => {
    const { datagrams, nfdump } = fixture[version];
    const dec = new FlowDecoder();
    const flows: FlowRecord[] = [];
    datagrams.forEach((hex, i) => flows.push(...dec.decode(Uint8Array.from(Buffer.from(hex, 'hex')), { address: '127.0.0.1', port: 40_000 }, 1_800_000_000_000 + i)));

    const ours = flows.map((f) => key(f.src, f.dst, f.protocol, f.bytes, f.packets)).sort();
    const theirs = nfdump.map((line) => line.split('|')).map(([, , src, dst, protocol, bytes, packets]) => key(src!, dst!, protocol!, bytes!, packets!)).sort();
    expect(ours).toEqual(theirs);
    expect(flows.length).toBe(version === 'v5' ? 86 : 94); // v5 carries no IPv6

    // times: nfdump's, to the millisecond (its IPFIX reading rounds some starts 1 ms past their ends; ours keeps start <= end)
    const timed = (rows: [string, number, number][]) => rows.sort((a, b) => a[0].localeCompare(b[0]) || a[2] - b[2]);
    const ourTimes = timed(flows.map((f) => [key(f.src, f.dst, f.protocol, f.bytes, f.packets), f.startMs, f.endMs]));
    const theirTimes = timed(nfdump.map((line) => line.split('|')).map(([start, end, src, dst, protocol, bytes, packets]) => [key(src!, dst!, protocol!, bytes!, packets!), ms(start!), ms(end!)]));
    ourTimes.forEach(([k, start, end], i) => {
      const [k2, start2, end2] = theirTimes[i]!;
      expect(k).toBe(k2);
      expect(Math.abs(start - start2)).toBeLessThanOrEqual(1);
      expect(Math.abs(end - end2)).toBeLessThanOrEqual(1);
      expect(start).toBeLessThanOrEqual(end);
    });
    const [c] = dec.counters();
    expect(c).toMatchObject({ packets: datagrams.length, flows: flows.length, drops: {}, pending: 0 });
    // softflowd's IPFIX sequence numbers count the message's own records too (RFC 7011 says: those before it),
    // which reads as losses when message sizes change; v5 and v9 number as their formats say
    if (version !== 'ipfix') expect(c!.sequenceGaps).toBe(0);
  });
});
