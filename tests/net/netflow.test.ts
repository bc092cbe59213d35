/**
 * NetFlow v5, v9 and IPFIX against ground truth from the real tools (issue 13): one generated pcap of traffic
 * between test addresses (198.18.0.0/15, fd00::/8), exported offline by softflowd; its export datagrams are captured
 * once and the identical datagrams go to nfcapd (read back with nfdump) and to the probe's FlowCollector. Flows,
 * bytes and packets per source → destination pair must be equal, and equal to what the generator knows it made.
 *
 * Everything is on 127.0.0.1 (tests/net/netflow-kit.ts says how); processes are killed by pid, temp dirs removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsItem, type FlowsItem } from '../../schema/kinds/flows.js';
import { silentLogger } from '../../schema/log.js';
import { FlowCollector } from '../../probe/netflow/collector.js';
import type { ExporterCounters } from '../../probe/netflow/types.js';
import { waitFor } from '../support/wait.js';
import { expectedPairs, generateTraffic, type PairTotals, type Volume } from './flow-traffic.js';
import {
  assertNetflowTools,
  collectorOptions,
  filterPairs,
  itemPairs,
  itemTotals,
  nfdumpPairs,
  nfdumpTotals,
  scalePairs,
  sendDatagrams,
  softflowdExport,
  sortedPairs,
  startNfcapd,
  sumPairs,
  waitDrained,
  type ExportVersion,
  type SoftflowdExport,
} from './netflow-kit.js';
import { pcapFile } from './pcap.js';

let dir: string;
let pcap: string;
let expected: PairTotals;
let generatedFlows: number;

beforeAll(() => {
  assertNetflowTools();
  dir = mkdtempSync(join(tmpdir(), 'eip-netflow-'));
  // ends 30 s ago and spans ~3 minutes: the collector's items cover several minutes, none in the future
  const traffic = generateTraffic({ seed: 13, conversations: 60, v6Share: 0.3, hostsPerSide: 4, spanMs: 150_000, startMs: Date.now() - 200_000 });
  pcap = join(dir, 'traffic.pcap');
  writeFileSync(pcap, pcapFile(traffic.packets));
  expected = expectedPairs(traffic.packets);
  generatedFlows = traffic.flows;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the generated traffic', () => {
  it('has IPv4 and IPv6 pairs, pairs with several flows, and flows both ways', () => {
    const keys = [...expected.keys()];
    expect(keys.some((k) => isIPv4(k.split(' ')[0]!))).toBe(true);
    expect(keys.some((k) => isIPv6(k.split(' ')[0]!))).toBe(true);
    expect([...expected.values()].some((v) => v.flows > 1)).toBe(true);
    expect(keys.some((k) => expected.has(k.split(' ').reverse().join(' ')))).toBe(true);
    expect(sumPairs(expected).flows).toBe(generatedFlows);
  });
});

interface Fed {
  items: FlowsItem[];
  counters: ExporterCounters[];
  /** What nfcapd stored, per pair (nfdump), and its log. */
  truth: PairTotals;
  stored: Volume;
  log: string;
}

/** The same datagrams to a fresh nfcapd and a fresh FlowCollector; what each made of them. */
async function feedBoth(exp: SoftflowdExport): Promise<Fed> {
  const nfcapd = await startNfcapd(dir);
  const collector = new FlowCollector(collectorOptions(), silentLogger);
  try {
    const { port } = await collector.start();
    await sendDatagrams(exp.datagrams, nfcapd.port);
    await sendDatagrams(exp.datagrams, port);
    expect(await waitDrained(nfcapd.port), 'nfcapd socket drops').toBe(0);
    expect(await waitDrained(port), 'collector socket drops').toBe(0);
    await waitFor('the collector to read every datagram', () => collector.counters().reduce((s, c) => s + c.packets, 0) === exp.packets, 5_000, 20);
    const log = await nfcapd.stop();
    const items = collector.flushAll();
    for (const item of items) expect(() => flowsItem.parse(item)).not.toThrow();
    return { items, counters: collector.counters(), truth: await nfdumpPairs(nfcapd.flowDir), stored: await nfdumpTotals(nfcapd.flowDir), log };
  } finally {
    await collector.stop();
    await nfcapd.stop();
  }
}

const dropCount = (c: ExporterCounters) => Object.values(c.drops).reduce<number>((s, n) => s + (n ?? 0), 0);

describe.each([5, 9, 10] as const)('softflowd -v %i → nfcapd/nfdump and the probe collector', (version: ExportVersion) => {
  // NetFlow v5 has no IPv6 records: softflowd runs without -6 and exports the IPv4 flows only
  const want = () => (version === 5 ? filterPairs(expected, isIPv4) : expected);

  it('per source → destination pair: flows, bytes and packets equal nfdump\'s and the generator\'s', async () => {
    const exp = await softflowdExport(pcap, version, { dir });
    expect(exp.records, 'softflowd exported one record per generated flow').toBe(sumPairs(want()).flows);
    expect(exp.packets).toBeGreaterThan(1);

    const { items, counters: all, truth, stored, log } = await feedBoth(exp);
    expect(stored, `nfcapd stored every record (log: ${log})`).toEqual(sumPairs(want()));
    expect(sortedPairs(truth)).toEqual(sortedPairs(want()));
    expect(items.length, 'the flows span several minutes').toBeGreaterThan(1);
    expect(sortedPairs(itemPairs(items))).toEqual(sortedPairs(truth));
    expect(itemTotals(items)).toEqual(sumPairs(truth));

    const [counters, ...others] = all;
    expect(others).toEqual([]);
    expect(counters).toMatchObject({ address: '127.0.0.1', packets: exp.packets, flows: exp.records, pending: 0, samplingRate: 1, versions: [version] });
    expect(dropCount(counters!), JSON.stringify(counters!.drops)).toBe(0);
    // Nothing was lost (every datagram arrived, nfcapd stored every record): v5 and v9 must count no gap. softflowd
    // 1.1.0's IPFIX sequence numbers count the flow records up to and including the message (ipfix.c adds the
    // message's records to records_sent before writing the header; RFC 7011 §3.1: those before it), so a
    // conforming collector sees gaps in its IPFIX stream that are not losses (nfcapd 1.7.1 logs sequence errors too).
    if (version !== 10) {
      expect(counters!.sequenceGaps).toBe(0);
      expect(log, 'nfcapd saw no sequence errors either').toMatch(/Sequence Errors: 0,/);
    }
    if (version !== 5) expect(counters!.templates).toBeGreaterThan(0);
  }, 60_000);

  it('sampled 1 in 4 (softflowd -s 4): bytes and packets scaled by the rate the export announces', async () => {
    const exp = await softflowdExport(pcap, version, { dir, sampling: 4 });
    const { items, counters, truth, log } = await feedBoth(exp);
    // nfcapd 1.7.1 applies the rate of a v5 header but not the rate in softflowd's v9/IPFIX options data (it stores
    // those flows unscaled); softflowd was told 4, so the truth there is nfdump's counts × 4
    const scaled = version === 5 ? truth : scalePairs(truth, 4);
    expect(sumPairs(truth).flows, `nfcapd stored the sampled flows (log: ${log})`).toBe(exp.records);
    expect(sumPairs(scaled).packets / 4, 'packets sampled').toBeLessThan(sumPairs(want()).packets);
    expect(sortedPairs(itemPairs(items))).toEqual(sortedPairs(scaled));
    expect(counters).toMatchObject([{ packets: exp.packets, flows: exp.records, samplingRate: 4 }]);
    expect(dropCount(counters[0]!), JSON.stringify(counters[0]!.drops)).toBe(0);
  }, 60_000);
});
