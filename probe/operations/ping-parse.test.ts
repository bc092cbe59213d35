import { describe, expect, it } from 'vitest';
import { parsePingLine, pingResult, type PingLine } from './ping-parse.js';

const lines = (text: string) => text.split('\n').map(parsePingLine).filter((l): l is PingLine => l !== null);

describe('parsePingLine', () => {
  it.each([
    ['64 bytes from 198.18.0.10: icmp_seq=1 ttl=64 time=0.051 ms', { type: 'reply', seq: 1, ttl: 64, rttMs: 0.051 }],
    ['64 bytes from fd00:18::10: icmp_seq=7 ttl=63 time=12.5 ms', { type: 'reply', seq: 7, ttl: 63, rttMs: 12.5 }],
    ['no answer yet for icmp_seq=2', { type: 'missing', seq: 2 }],
    ['From 198.18.0.1 icmp_seq=3 Destination Host Unreachable', { type: 'missing', seq: 3 }],
    ['5 packets transmitted, 4 received, 20% packet loss, time 4005ms', { type: 'summary', sent: 5, received: 4 }],
    ['5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 4005ms', { type: 'summary', sent: 5, received: 0 }],
    ['rtt min/avg/max/mdev = 0.051/0.052/0.054/0.001 ms', { type: 'rtt', minMs: 0.051, avgMs: 0.052, maxMs: 0.054, mdevMs: 0.001 }],
    ['PING 198.18.0.10 (198.18.0.10) 56(84) bytes of data.', null],
    ['--- 198.18.0.10 ping statistics ---', null],
    ['', null],
  ])('%s', (line, expected) => {
    expect(parsePingLine(line)).toEqual(expected);
  });
});

describe('pingResult', () => {
  it('a whole run: ping’s own summary wins', () => {
    const r = pingResult(
      lines(`64 bytes from 198.18.0.10: icmp_seq=1 ttl=64 time=1.0 ms
no answer yet for icmp_seq=2
64 bytes from 198.18.0.10: icmp_seq=3 ttl=64 time=3.0 ms
3 packets transmitted, 2 received, 33.3333% packet loss, time 402ms
rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms`),
      100,
    );
    expect(r).toEqual({
      tool: 'ping', sent: 3, received: 2, loss: 0.333, minMs: 1, avgMs: 2, maxMs: 3, mdevMs: 1,
      replies: [{ seq: 1, rttMs: 1, ttl: 64 }, { seq: 2, rttMs: null, ttl: null }, { seq: 3, rttMs: 3, ttl: 64 }],
    });
  });

  it('a partial run: figures from the replies so far', () => {
    const r = pingResult(lines('64 bytes from 198.18.0.10: icmp_seq=1 ttl=64 time=1.0 ms\n64 bytes from 198.18.0.10: icmp_seq=2 ttl=64 time=3.0 ms'), 100);
    expect(r).toMatchObject({ sent: 2, received: 2, loss: 0, minMs: 1, avgMs: 2, maxMs: 3, mdevMs: 1 });
  });

  it('a late reply replaces "no answer yet"; nothing back is null figures and loss 1', () => {
    expect(pingResult(lines('no answer yet for icmp_seq=1\n64 bytes from 198.18.0.10: icmp_seq=1 ttl=64 time=900 ms'), 100).replies).toEqual([{ seq: 1, rttMs: 900, ttl: 64 }]);
    expect(pingResult(lines('no answer yet for icmp_seq=1\nno answer yet for icmp_seq=2\n2 packets transmitted, 0 received, 100% packet loss, time 1001ms'), 100)).toMatchObject({
      sent: 2, received: 0, loss: 1, minMs: null, avgMs: null, maxMs: null, mdevMs: null,
    });
  });

  it('nothing heard yet is an empty result; replies are bounded', () => {
    expect(pingResult([], 5)).toMatchObject({ sent: 0, received: 0, loss: 0, replies: [] });
    const many = Array.from({ length: 8 }, (_, i): PingLine => ({ type: 'reply', seq: i + 1, ttl: 64, rttMs: 1 }));
    expect(pingResult(many, 5)).toMatchObject({ sent: 5, received: 5 });
  });
});
