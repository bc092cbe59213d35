import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_TRAFFIC_RAW_CHARS } from '../../schema/kinds/traffic.js';
import { iperf3Failure, parseIperf3Json, trimRaw } from './iperf3-json.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseIperf3Json: recorded reports (iperf 3.12 on 127.0.0.1)', () => {
  it.each([
    ['iperf-tcp.json', { protocol: 'tcp', sentBps: 100134852.40362525, receivedBps: 100130647.09096791, sentBytes: 25034752, receivedBytes: 25034752, seconds: 2.000083, retransmits: 0, jitterMs: null, lostPackets: null, packets: null, lossPercent: null, cpuLocalPercent: 2.632111581380914, cpuRemotePercent: 1.0062134656419548, intervals: [100655952.5357504, 99613722.50998844] }],
    ['iperf-tcp-reverse.json', { protocol: 'tcp', sentBps: 100125390.94683124, receivedBps: 100131748.44823751, seconds: 2.000272, retransmits: 0, cpuLocalPercent: 1.1460477077298823, cpuRemotePercent: 2.900094685134434, intervals: [100652017.26385832, 99611430.73361477] }],
    // two streams: the sums, not the first stream
    ['iperf-tcp-parallel.json', { protocol: 'tcp', sentBps: 100658263.08684565, receivedBps: 100581975.47283022, sentBytes: 25165824, retransmits: 0, intervals: [100655244.6440234, 100661280.04037395] }],
    ['iperf-udp.json', { protocol: 'udp', sentBps: 10092170.58968818, receivedBps: 10091610.526026342, retransmits: null, jitterMs: 0.04028890863468042, lostPackets: 0, packets: 77, lossPercent: 0, cpuRemotePercent: 0.2902222837718998 }],
    ['iperf-udp-loss.json', { protocol: 'udp', sentBps: 2166352601.884389, receivedBps: 1903925242.0558434, sentBytes: 541591400, receivedBytes: 475994400, jitterMs: 0.00388217375657494, lostPackets: 46854, packets: 386851, lossPercent: 12.11163988202176, cpuLocalPercent: 97.4801953987393 }],
  ])('%s', (name, expected) => {
    const parsed = parseIperf3Json(fixture(name));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.result).toMatchObject({ ...expected, version: 'iperf 3.12' });
    // raw keeps the report's summary and drops the per-stream interval entries
    const raw = JSON.parse(parsed.result.raw!) as { end: unknown; intervals: Record<string, unknown>[] };
    expect(raw.end).toEqual((JSON.parse(fixture(name)) as { end: unknown }).end);
    expect(raw.intervals.every((i) => !('streams' in i) && 'sum' in i)).toBe(true);
  });

  it('a refused connection is connect_failed, worth another try', () => {
    expect(parseIperf3Json(fixture('iperf-refused.json'))).toEqual({ ok: false, code: 'connect_failed', message: 'unable to connect to server: Connection refused', refused: true });
  });
});

describe('iperf3Failure', () => {
  it.each([
    ['unable to connect to server: No route to host', 'connect_failed', false],
    ['unable to connect to server: Connection timed out', 'connect_failed', false],
    ['unable to connect to server: Network is unreachable', 'connect_failed', false],
    ['unable to connect to server: Connection refused', 'connect_failed', true],
    ['the server is busy running a test. try again later', 'tool_failed', false],
    ['unable to create a new stream: Cannot allocate memory', 'tool_failed', false],
  ])('%s', (error, code, refused) => {
    expect(iperf3Failure(error)).toEqual({ ok: false, code, message: error, refused });
  });
});

describe('parseIperf3Json: what is not a report', () => {
  it.each([
    ['', 'iperf3 did not write a JSON report: no output'],
    ['iperf3: error - unable to connect', 'iperf3 did not write a JSON report: iperf3: error - unable to connect'],
    ['null', 'iperf3 wrote JSON that is not a report'],
    ['{"start":{},"intervals":[],"end":{}}', 'iperf3 report has no end summary (sum_sent/sum_received)'],
    ['{"end":{"sum_sent":{"bits_per_second":-5},"sum_received":{"bits_per_second":1}}}', 'iperf3 report out of bounds: sentBps Too small: expected number to be >=0'],
  ])('%j', (text, message) => {
    expect(parseIperf3Json(text)).toEqual({ ok: false, code: 'tool_failed', message, refused: false });
  });
});

describe('trimRaw', () => {
  const report = JSON.parse(fixture('iperf-tcp-parallel.json')) as { start: Record<string, unknown>; intervals: { streams: unknown[]; sum: unknown }[] };

  it('drops per-stream interval entries and keeps the rest', () => {
    const raw = JSON.parse(trimRaw(report)!) as typeof report;
    expect(raw.start).toEqual(report.start);
    expect(raw.intervals).toEqual(report.intervals.map((i) => ({ sum: i.sum })));
  });

  it('300 one-second intervals of 16 streams fit once the streams are dropped', () => {
    const big = { ...report, intervals: Array.from({ length: 300 }, () => ({ ...report.intervals[0]!, streams: Array(16).fill(report.intervals[0]!.streams[0]) })) };
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_TRAFFIC_RAW_CHARS);
    expect(trimRaw(big)!.length).toBeLessThanOrEqual(MAX_TRAFFIC_RAW_CHARS);
  });

  it('null when even the trimmed report is over MAX_TRAFFIC_RAW_CHARS', () => {
    expect(trimRaw({ ...report, start: { ...report.start, system_info: 'x'.repeat(MAX_TRAFFIC_RAW_CHARS) } })).toBeNull();
    const parsed = parseIperf3Json(JSON.stringify({ ...report, start: { ...report.start, system_info: 'x'.repeat(MAX_TRAFFIC_RAW_CHARS) } }));
    expect(parsed.ok && parsed.result.raw).toBeNull();
  });
});
