import { describe, expect, it } from 'vitest';
import type { HostRecord, SubnetRecord } from './formats.js';
import { ImportPlanner, SAMPLE_SIZE, type PlanContext } from './plan.js';

const SUBNETS = [
  { id: 1, cidr: '198.18.240.0/24', probeId: 7 },
  { id: 2, cidr: 'fd00:240::/64', probeId: null },
];
const HOSTS = new Map([
  ['198.18.240.5', { id: 50, mac: null }],
  ['198.18.240.6', { id: 60, mac: '00:0c:29:00:00:06' }],
]);

function plan(records: [number, HostRecord | SubnetRecord | string][], ctx: Partial<PlanContext> = {}) {
  const planner = new ImportPlanner({ target: 'hosts', subnets: SUBNETS, hosts: HOSTS, outside: 'refuse', defaultProbeId: 3, ...ctx });
  for (const [line, r] of records) typeof r === 'string' ? planner.reject(line, r) : planner.add(line, r);
  return planner.finish();
}
const subnetPlan = (records: [number, SubnetRecord][]) => plan(records, { target: 'subnets' });

describe('a hosts import', () => {
  it('creates hosts at new addresses and updates the stored ones', () => {
    const p = plan([
      [2, { ip: '198.18.240.4', hostname: 'a' }],
      [3, { ip: '198.18.240.5', description: 'b' }],
      [4, { ip: 'fd00:240::9' }],
    ]);
    expect(p.hosts.create.map((h) => [h.line, h.ip.text, h.subnet, h.hostId, h.action])).toEqual([
      [2, '198.18.240.4', { id: 1 }, null, 'create'],
      [4, 'fd00:240::9', { id: 2 }, null, 'create'],
    ]);
    expect(p.hosts.update.map((h) => [h.line, h.hostId, h.action])).toEqual([[3, 50, 'update']]);
    expect([p.subnets.create, p.subnets.update, p.watch, p.errors]).toEqual([[], [], 0, []]);
    expect(p.touched.sort()).toEqual([1, 2]);
  });

  it('refuses an address outside every subnet, a repeated one and one outside the subnet the file gives it', () => {
    const p = plan([
      [5, { ip: '198.18.241.1' }],
      [2, { ip: '198.18.240.4' }],
      [3, { ip: '198.18.240.4' }],
      [4, { ip: '198.18.240.9', subnetHint: '198.18.239.0/24' }],
      [6, 'the address is empty'],
    ]);
    expect(p.errors).toEqual([
      { line: 3, message: '198.18.240.4 appears twice in the file (line 2)' },
      { line: 4, message: '198.18.240.9 is not inside 198.18.239.0/24, the subnet the file gives it' },
      { line: 5, message: '198.18.241.1 is not inside any subnet; add the subnet first, or import it as a watch list' },
      { line: 6, message: 'the address is empty' },
    ]);
    expect(p.hosts.create.map((h) => h.line)).toEqual([2]);
  });

  it('imports addresses outside every subnet as a watch list: a /32 or /128 each, grouped and on the chosen probe', () => {
    const p = plan(
      [
        [2, { ip: '198.18.244.1', hostname: 'gw-upstream' }],
        [3, { ip: 'fd00:244::53' }],
        [4, { ip: '198.18.240.7' }],
      ],
      { outside: 'watch', watch: { name: 'Upstreams', probeId: 9 } },
    );
    expect(p.subnets.create.map((s) => [s.line, s.cidr.cidr, s.name, s.groupName, s.probeId, s.action])).toEqual([
      [2, '198.18.244.1/32', 'gw-upstream', 'Upstreams', 9, 'watch'],
      [3, 'fd00:244::53/128', 'fd00:244::53', 'Upstreams', 9, 'watch'],
    ]);
    expect(p.hosts.create.map((h) => [h.ip.text, h.subnet, h.action])).toEqual([
      ['198.18.244.1', { cidr: '198.18.244.1/32' }, 'watch'],
      ['fd00:244::53', { cidr: 'fd00:244::53/128' }, 'watch'],
      ['198.18.240.7', { id: 1 }, 'create'],
    ]);
    expect(p.watch).toBe(2);
    expect(p.touched).toEqual([1]);
  });

  it('needs a name for a watch list', () => {
    expect(() => plan([], { outside: 'watch' })).toThrow(/needs a name/);
  });

  it("sets a subnet's gateway from a gateway row, once per subnet", () => {
    const p = plan([
      [2, { ip: '198.18.240.1', gateway: true }],
      [3, { ip: '198.18.240.254', gateway: true }],
      [4, { ip: '198.18.240.2' }],
    ]);
    expect(p.subnets.update).toEqual([{ line: 2, id: 1, gateway: '198.18.240.1' }]);
    expect(p.errors).toEqual([{ line: 3, message: '198.18.240.254 is a second gateway of 198.18.240.0/24 (line 2 gives 198.18.240.1)' }]);
  });

  it("takes a row's MAC only for a host that has none", () => {
    const mac = '00:1b:63:84:45:e6';
    const p = plan([
      [2, { ip: '198.18.240.5', mac }],
      [3, { ip: '198.18.240.6', mac }],
      [4, { ip: '198.18.240.8', mac }],
      [5, { ip: '198.18.240.9' }],
    ]);
    expect([...p.hosts.create, ...p.hosts.update].sort((a, b) => a.line - b.line).map((h) => [h.line, h.setMac])).toEqual([
      [2, true],
      [3, false],
      [4, true],
      [5, false],
    ]);
  });

  it('samples the first rows planned, with their action', () => {
    const records: [number, HostRecord][] = Array.from({ length: 30 }, (_, i) => [i + 2, { ip: `198.18.240.${i + 3}` }]);
    const p = plan(records);
    expect(p.sample).toHaveLength(SAMPLE_SIZE);
    expect(p.sample.slice(0, 4).map((s) => [s.line, s.action, (s.record as HostRecord).ip])).toEqual([
      [2, 'create', '198.18.240.3'],
      [3, 'create', '198.18.240.4'],
      [4, 'update', '198.18.240.5'],
      [5, 'update', '198.18.240.6'],
    ]);
  });
});

describe('a subnets import', () => {
  it('creates new blocks on the default probe and updates the same CIDR', () => {
    const p = subnetPlan([
      [2, { cidr: '198.18.242.0/24', name: 'lab', groupName: 'Site A', vlan: 10, gateway: '198.18.242.1' }],
      [3, { cidr: '198.18.240.0/24', name: 'office', vlan: 20 }],
    ]);
    expect(p.subnets.create.map((s) => [s.line, s.cidr.cidr, s.name, s.groupName, s.vlan, s.gateway, s.probeId, s.action])).toEqual([
      [2, '198.18.242.0/24', 'lab', 'Site A', 10, '198.18.242.1', 3, 'create'],
    ]);
    expect(p.subnets.update).toEqual([{ line: 3, id: 1, name: 'office', notes: undefined, groupName: undefined, vlan: 20, gateway: undefined }]);
    expect(p.sample.map((s) => [s.line, s.action])).toEqual([
      [2, 'create'],
      [3, 'update'],
    ]);
  });

  it('refuses a block overlapping a stored one, one twice in the file and overlaps within the file', () => {
    const p = subnetPlan([
      [2, { cidr: '198.18.240.128/25' }],
      [3, { cidr: '198.18.0.0/16' }],
      [4, { cidr: '198.18.243.0/24' }],
      [5, { cidr: '198.18.243.0/24' }],
      [6, { cidr: '198.18.243.128/25' }],
      [7, { cidr: '198.19.0.0/24' }],
    ]);
    expect(p.errors).toEqual([
      { line: 2, message: '198.18.240.128/25 overlaps existing subnet 198.18.240.0/24' },
      { line: 3, message: '198.18.0.0/16 overlaps existing subnet 198.18.240.0/24' },
      { line: 5, message: '198.18.243.0/24 appears twice in the file (line 4)' },
      { line: 6, message: '198.18.243.128/25 overlaps 198.18.243.0/24 (line 4)' },
    ]);
    expect(p.subnets.create.map((s) => s.line)).toEqual([4, 7]);
    expect(p.sample.map((s) => s.line)).toEqual([4, 7]);
  });
});
