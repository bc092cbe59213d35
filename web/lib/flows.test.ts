import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test the Flows page's pure helpers
import {
  bytesText,
  clip,
  countText,
  dropList,
  eventInRange,
  exporterStale,
  flowsQuery,
  hostHref,
  hrefWith,
  isUnregistered,
  linkText,
  protocolName,
  rangeBounds,
  samplingText,
  sankeyLayout,
  serviceText,
  subnetLabel,
  versionsText,
} from './flows.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const H = 3_600_000;

describe('volumes and protocols as text', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1536, '1.54 kB'],
    [23_400_000, '23.4 MB'],
    [999_600, '1 MB'],
    [999_499, '999 kB'],
    [5.2e12, '5.2 TB'],
  ])('bytesText(%d) = %s', (n, text) => expect(bytesText(n)).toBe(text));

  it.each([
    [0, '0'],
    [9999, '9,999'],
    [12_345, '12.3 k'],
    [4_560_000, '4.56 M'],
  ])('countText(%d) = %s', (n, text) => expect(countText(n)).toBe(text));

  it.each([
    [6, 443, '443/tcp'],
    [17, 53, '53/udp'],
    [132, 3868, '3868/sctp'],
    [1, 0, 'ICMP'],
    [58, 0, 'ICMPv6'],
    [47, 0, 'protocol 47'],
    [6, 0, 'TCP'],
  ])('serviceText(%d, %d) = %s', (p, port, text) => expect(serviceText(p, port)).toBe(text));

  it('names the protocols the issue lists', () => {
    expect([6, 17, 1, 58, 132, 50].map(protocolName)).toEqual(['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'protocol 50']);
  });

  it('exporter counters as text', () => {
    expect(versionsText([10, 5, 9])).toBe('v5, v9, IPFIX');
    expect(samplingText(1)).toBe('unsampled');
    expect(samplingText(1000)).toBe('1 in 1,000');
    expect(dropList({ truncated: 2, no_template: 12, bad_set: 0 })).toEqual({ total: 14, list: [['no_template', 12], ['truncated', 2]] });
    expect(dropList({})).toEqual({ total: 0, list: [] });
    expect(exporterStale({ lastSeenAt: new Date(NOW - 4 * 60_000).toISOString() }, NOW)).toBe(false);
    expect(exporterStale({ lastSeenAt: new Date(NOW - 6 * 60_000).toISOString() }, NOW)).toBe(true);
    expect(exporterStale({ lastSeenAt: null }, NOW)).toBe(true);
  });
});

describe('time ranges and the query', () => {
  it.each([
    ['15m', NOW - 15 * 60_000],
    ['1h', NOW - H],
    ['24h', NOW - 24 * H],
    ['30d', NOW - 720 * H],
    ['nonsense', NOW - H],
  ])('%s ends now', (choice, from) => expect(rangeBounds(choice, NOW)).toEqual({ fromMs: from, toMs: NOW }));

  it.each([
    ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-11-02T00:00:00Z') }],
    [null, '2026-11-02T00:00:00.000Z', { error: 'Pick a start and an end.' }],
    ['2026-11-02T00:00:00.000Z', '2026-11-01T00:00:00.000Z', { error: 'The start must be before the end.' }],
    ['2024-01-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', { error: 'A range spans at most 400 days.' }],
  ])('custom %s – %s', (from, to, out) => expect(rangeBounds('custom', NOW, from, to)).toEqual(out));

  it('sends the range as ISO times, the subnet only when one is chosen', () => {
    expect(flowsQuery({ fromMs: NOW - H, toMs: NOW })).toBe('from=2026-11-26T11%3A00%3A00.000Z&to=2026-11-26T12%3A00%3A00.000Z&limit=50');
    expect(flowsQuery({ fromMs: NOW - H, toMs: NOW, subnetId: 3, limit: 20 })).toContain('&subnetId=3&limit=20');
  });

  it('a stored minute matters when it overlaps the range', () => {
    const range = { fromMs: NOW - H, toMs: NOW };
    expect(eventInRange({ at: NOW - 60_000 }, range)).toBe(true);
    expect(eventInRange({ at: NOW - H - 30_000 }, range)).toBe(true); // the minute reaches into the range
    expect(eventInRange({ at: NOW - H - 60_000 }, range)).toBe(false);
    expect(eventInRange({ at: NOW + 60_000 }, range)).toBe(false);
    expect(eventInRange({ at: new Date(NOW - 60_000).toISOString() }, range)).toBe(true);
    expect(eventInRange({}, range)).toBe(true);
    expect(eventInRange({ at: NOW }, { error: 'x' })).toBe(false);
  });
});

describe('subnets and host links', () => {
  const subnets = new Map([[3, { cidr: '198.18.12.0/24', name: 'lab' }], [4, { cidr: '198.18.13.0/24', name: '' }]]);
  it.each([
    [null, 'External'],
    [0, 'External'],
    [3, '198.18.12.0/24 lab'],
    [4, '198.18.13.0/24'],
    [9, 'deleted subnet'],
  ])('subnetLabel(%s) = %s', (id, text) => expect(subnetLabel(id, subnets)).toBe(text));

  it('an address of a managed subnet without a host record is unregistered; External never is', () => {
    expect([isUnregistered(3, null), isUnregistered(3, 17), isUnregistered(null, null), isUnregistered(0, null)]).toEqual([true, false, false, false]);
  });

  it.each([
    ['#/flows?range=6h', 17, 3, '#/flows?range=6h&host=17'],
    ['#/flows?range=6h&host=2', 17, 3, '#/flows?range=6h&host=17'],
    ['', 17, 3, '#/?host=17'],
    ['#/subnets/3?host=2', 17, 3, '#/subnets/3?host=17'],
    ['#/subnets/3?host=2', 17, 4, '#/subnets/4?host=17'],
    ['#/flows', null, 3, '#/subnets/3'],
    ['#/flows', null, null, null],
  ])('hostHref(%s, %s, %s) = %s', (hash, hostId, subnetId, href) => expect(hostHref(hash, hostId, subnetId)).toBe(href));

  it('changes query keys of a hash', () => {
    expect(hrefWith('#/flows?range=6h&host=3', { subnet: 4, host: null })).toBe('#/flows?range=6h&subnet=4');
    expect(hrefWith('#/flows?subnet=4', { subnet: null })).toBe('#/flows');
    expect(hrefWith('', { range: '24h' })).toBe('#/?range=24h');
  });

  it('clips long labels', () => {
    expect(clip('198.18.12.0/24 lab', 30)).toBe('198.18.12.0/24 lab');
    expect(clip('198.18.12.0/24 laboratory', 10)).toBe('198.18.12…');
  });
});

describe('the Sankey layout', () => {
  const nodes = [
    { id: 0, name: 'External', cidr: null },
    { id: 3, name: 'lab', cidr: '198.18.12.0/24' },
    { id: 4, name: 'office', cidr: '198.18.13.0/24' },
  ];
  const links = [
    { from: 3, to: 0, bytes: 6000, packets: 60, flows: 6 },
    { from: 0, to: 3, bytes: 3000, packets: 30, flows: 3 },
    { from: 3, to: 4, bytes: 1000, packets: 10, flows: 1 },
    { from: 4, to: 4, bytes: 0, packets: 0, flows: 0 },
  ];

  it('puts sources left and destinations right, ranked by traffic, External its own grey node', () => {
    const m = sankeyLayout(nodes, links, { width: 600, height: 200 });
    expect(m.sources.map((n) => [n.name, n.bytes])).toEqual([['lab', 7000], ['External', 3000]]);
    expect(m.targets.map((n) => [n.name, n.bytes])).toEqual([['lab', 3000], ['External', 6000], ['office', 1000]]);
    expect(m.sources.every((n) => n.x === 0)).toBe(true);
    expect(m.targets.every((n) => n.x === 588)).toBe(true);
    expect(m.sources.find((n) => n.id === 0)?.tone).toBe('ext');
    expect(m.sources.find((n) => n.id === 3)?.tone).toBe('0');
    expect(m.hidden).toBe(0);
    // a link with no bytes is no band
    expect(m.links.map((l) => l.key)).toEqual(['3-0', '0-3', '3-4']);
  });

  it('makes bands as thick as their bytes and stacks them without overlap inside each bar', () => {
    const m = sankeyLayout(nodes, links, { width: 600, height: 200, gap: 8, minSlot: 22 });
    const [big, mid, small] = m.links;
    expect(big!.width / mid!.width).toBeCloseTo(2, 1);
    expect(mid!.width / small!.width).toBeCloseTo(3, 1);
    for (const side of [m.sources, m.targets]) {
      for (let i = 1; i < side.length; i++) expect(side[i]!.y).toBeGreaterThanOrEqual(side[i - 1]!.y + side[i - 1]!.h + 8 - 0.2);
    }
    // lab's two outgoing bands fill its bar, to External (ranked above office) first
    const lab = m.sources.find((n) => n.id === 3)!;
    const toExt = m.links.find((l) => l.key === '3-0')!;
    const toOffice = m.links.find((l) => l.key === '3-4')!;
    expect(toExt.y0 - toExt.width / 2).toBeCloseTo(lab.y, 0);
    expect(toOffice.y0 + toOffice.width / 2).toBeCloseTo(lab.y + lab.h, 0);
    expect(m.height).toBeLessThanOrEqual(200 + 0.5);
    expect(toExt.d).toMatch(/^M12 [\d.]+C300 [\d.]+ 300 [\d.]+ 588 [\d.]+$/);
  });

  it('keeps room for every label: a tiny subnet gets its slot, and many subnets make the map taller', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ from: i + 1, to: 0, bytes: i === 0 ? 1e9 : 10, packets: 1, flows: 1 }));
    const m = sankeyLayout([], many, { width: 400, height: 120, minSlot: 22, gap: 8 });
    expect(m.sources).toHaveLength(12);
    expect(m.height).toBeGreaterThanOrEqual(12 * 22 + 11 * 8 - 1);
    for (let i = 1; i < 12; i++) expect(m.sources[i]!.labelY - m.sources[i - 1]!.labelY).toBeGreaterThanOrEqual(22);
    expect(m.sources[1]!.name).toBe('deleted subnet 2');
  });

  it('draws only the biggest links and counts the others', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ from: 3, to: i + 10, bytes: 100 + i, packets: 1, flows: 1 }));
    const m = sankeyLayout(nodes, many, { maxLinks: 40 });
    expect(m.links).toHaveLength(40);
    expect(m.hidden).toBe(10);
    expect(Math.min(...m.links.map((l) => l.bytes))).toBe(110);
  });

  it('words a link for its tooltip', () => {
    const m = sankeyLayout(nodes, links);
    expect(linkText(m.links[0])).toBe('lab → External: 6 kB, 60 packets, 6 flows');
  });

  it('lays out nothing for no traffic', () => {
    const m = sankeyLayout(nodes, []);
    expect([m.sources.length, m.targets.length, m.links.length, m.hidden]).toEqual([0, 0, 0, 0]);
  });
});
