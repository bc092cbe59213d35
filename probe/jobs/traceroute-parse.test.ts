import { describe, expect, it } from 'vitest';
import { boundRtts, hopAddress, lossOf, parseHopLine, parseTraceroute, type ParsedHop } from './traceroute-parse.js';

/**
 * Outputs of Debian's traceroute 2.1.2 (`traceroute -n -q 3 -w 1 -m N [-6] <target>`), captured between test
 * namespaces: a scanner 198.18.200.1/30 / fd00:200::1/64, a router (.2 / ::2) with forwarding on, a LAN
 * 198.18.201.0/24 / fd00:201::/64 behind it; `unreachable`/`prohibit` routes on the router for !H, !N, !X.
 * LOAD_BALANCED is hand-made in the same format (two routers answering one hop, as on an ECMP path).
 */
const REACHED_V4 = `traceroute to 198.18.201.2 (198.18.201.2), 5 hops max, 60 byte packets
 1  198.18.200.2  0.101 ms  0.014 ms  0.011 ms
 2  198.18.201.2  0.039 ms  0.016 ms  0.012 ms
`;
const REACHED_V6 = `traceroute to fd00:201::2 (fd00:201::2), 5 hops max, 80 byte packets
 1  fd00:200::2  0.099 ms  0.012 ms  0.012 ms
 2  fd00:201::2  0.065 ms  0.013 ms  0.012 ms
`;
const SILENT = `traceroute to 198.18.201.99 (198.18.201.99), 4 hops max, 60 byte packets
 1  198.18.200.2  0.088 ms  0.010 ms  0.009 ms
 2  * * *
 3  * * *
 4  * * *
`;
const HOST_UNREACHABLE = `traceroute to 198.18.203.5 (198.18.203.5), 5 hops max, 60 byte packets
 1  198.18.200.2  0.051 ms !H * *
`;
const PROHIBITED = `traceroute to 198.18.202.5 (198.18.202.5), 5 hops max, 60 byte packets
 1  198.18.200.2  0.042 ms !X * *
`;
const NET_UNREACHABLE_V6 = `traceroute to fd00:202::5 (fd00:202::5), 5 hops max, 80 byte packets
 1  fd00:200::2  0.373 ms !N  0.315 ms !N  0.296 ms !N
`;
const LOAD_BALANCED = `traceroute to 198.18.201.2 (198.18.201.2), 30 hops max, 60 byte packets
 1  198.18.200.2  0.201 ms  0.114 ms  0.111 ms
 2  198.18.210.1  1.201 ms 198.18.210.5  1.314 ms  1.311 ms
 3  * 198.18.211.1  2.5 ms *
 4  198.18.201.2  3.039 ms  3.016 ms  3.012 ms
`;

const hop = (h: Partial<ParsedHop> & Pick<ParsedHop, 'hop'>): ParsedHop => ({ addresses: [], answeredBy: [], rttMs: [], unanswered: 0, annotations: [], ...h });
const answered = (hopNo: number, address: string, rttMs: number[], extra: Partial<ParsedHop> = {}) =>
  hop({ hop: hopNo, addresses: [address], answeredBy: rttMs.map(() => address), rttMs, ...extra });
const silent = (hopNo: number) => hop({ hop: hopNo, unanswered: 3 });

describe('parseTraceroute on captured output', () => {
  it.each<[string, string, ParsedHop[]]>([
    ['reached, IPv4', REACHED_V4, [answered(1, '198.18.200.2', [0.101, 0.014, 0.011]), answered(2, '198.18.201.2', [0.039, 0.016, 0.012])]],
    ['reached, IPv6', REACHED_V6, [answered(1, 'fd00:200::2', [0.099, 0.012, 0.012]), answered(2, 'fd00:201::2', [0.065, 0.013, 0.012])]],
    ['a silent target: * * * to the last hop', SILENT, [answered(1, '198.18.200.2', [0.088, 0.01, 0.009]), silent(2), silent(3), silent(4)]],
    ['!H then no answer', HOST_UNREACHABLE, [answered(1, '198.18.200.2', [0.051], { unanswered: 2, annotations: ['!H'] })]],
    ['!X', PROHIBITED, [answered(1, '198.18.200.2', [0.042], { unanswered: 2, annotations: ['!X'] })]],
    ['!N on every probe, IPv6', NET_UNREACHABLE_V6, [answered(1, 'fd00:200::2', [0.373, 0.315, 0.296], { annotations: ['!N'] })]],
    [
      'several addresses on one hop, a star between answers',
      LOAD_BALANCED,
      [
        answered(1, '198.18.200.2', [0.201, 0.114, 0.111]),
        hop({ hop: 2, addresses: ['198.18.210.1', '198.18.210.5'], answeredBy: ['198.18.210.1', '198.18.210.5', '198.18.210.5'], rttMs: [1.201, 1.314, 1.311] }),
        answered(3, '198.18.211.1', [2.5], { unanswered: 2 }),
        answered(4, '198.18.201.2', [3.039, 3.016, 3.012]),
      ],
    ],
  ])('%s', (_name, text, hops) => {
    expect(parseTraceroute(text)).toEqual(hops);
  });
});

describe('parseHopLine', () => {
  it.each<[string, string, ParsedHop | null]>([
    ['the header', 'traceroute to 198.18.0.1 (198.18.0.1), 30 hops max, 60 byte packets', null],
    ['an empty line', '', null],
    ['hop 0', ' 0  198.18.0.1  0.1 ms', null],
    ['beyond 30 hops', '31  198.18.0.1  0.1 ms', null],
    ['a number with nothing after it', ' 7', null],
    ['a time before any address is dropped', ' 2  0.5 ms  198.18.0.1  0.7 ms', answered(2, '198.18.0.1', [0.7])],
    // without -n traceroute prints "name (address)": the name is skipped, the address in parentheses taken
    ['name and address', ' 3  gw.lab (198.18.0.1)  0.5 ms  0.6 ms  0.7 ms', answered(3, '198.18.0.1', [0.5, 0.6, 0.7])],
    ['an IPv6 address is normalised', ' 1  FD00:0200:0000::0002  0.2 ms', answered(1, 'fd00:200::2', [0.2])],
    ['ICMP code annotation', ' 4  198.18.0.1  0.5 ms !10  0.6 ms !10 *', answered(4, '198.18.0.1', [0.5, 0.6], { unanswered: 1, annotations: ['!10'] })],
    ['a bad address-looking token is not an address', ' 5  198.18.0.300  0.5 ms', null],
  ])('%s', (_name, line, expected) => {
    expect(parseHopLine(line)).toEqual(expected);
  });

  it('keeps the first line of a repeated hop number', () => {
    expect(parseTraceroute(' 1  198.18.0.1  0.1 ms\n 1  198.18.0.2  0.2 ms\n')).toEqual([answered(1, '198.18.0.1', [0.1])]);
  });
});

describe('hop values', () => {
  const lb = parseTraceroute(LOAD_BALANCED);
  it.each<[string, ParsedHop, string, string | null, number]>([
    ['all answered', lb[0]!, '198.18.201.2', '198.18.200.2', 0],
    ['two addresses: the one answering most', lb[1]!, '198.18.201.2', '198.18.210.5', 0],
    ['one of three answered', lb[2]!, '198.18.201.2', '198.18.211.1', 2 / 3],
    ['* * *', silent(2), '198.18.201.2', null, 1],
    ['the target answering wins over others', hop({ hop: 4, addresses: ['198.18.9.9', '198.18.201.2'], answeredBy: ['198.18.9.9', '198.18.9.9', '198.18.201.2'], rttMs: [1, 2, 3] }), '198.18.201.2', '198.18.201.2', 0],
  ])('%s', (_name, h, target, address, loss) => {
    expect(hopAddress(h, target)).toBe(address);
    expect(lossOf(h)).toBeCloseTo(loss, 10);
  });

  it('round-trip times: at most three, to the microsecond', () => {
    expect(boundRtts([0.1234567, 1, 2, 3])).toEqual([0.123, 1, 2]);
  });
});
