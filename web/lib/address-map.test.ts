import { describe, expect, it } from 'vitest';
import { cellText, childPrefix, countsText, levels, mapView, moveIndex, parseBlock, stateOf } from './address-map.js';

/** A /table answer: [ip, status, flags?, hostname?] per host, in address order; ids from 1. */
function table(range: [string, string], hosts: [string, string, number?, string?][]) {
  return { now: 1_000_000, range, hosts: hosts.map(([ip, status, flags = 0, name = null], i) => [i + 1, ip, status, null, name, 5, 5, flags, null, null]) };
}
const RESERVED = 1;
const PREV = 2;

describe('stateOf: one state per used address', () => {
  it.each([
    ['up', 0, 'up'],
    ['up', RESERVED, 'up'], // it answers, whatever the record says
    ['up', PREV, 'up'],
    ['down', 0, 'down'],
    ['unknown', 0, 'unknown'],
    ['unknown', RESERVED, 'reserved'],
    ['down', RESERVED | PREV, 'reserved'],
    ['down', PREV, 'previously-used'],
    ['unknown', PREV, 'previously-used'],
    ['down', 4 | 8, 'down'], // MAC and PTR flags change nothing
  ])('%s with flags %i → %s', (status, flags, state) => {
    expect(stateOf(status, flags)).toBe(state);
  });
});

describe('levels and blocks', () => {
  it.each([
    [4, 32, null],
    [4, 24, null],
    [4, 25, null],
    [4, 23, 24],
    [4, 16, 24],
    [4, 15, 16],
    [4, 8, 16],
    [4, 9, 16],
    [4, 0, 8],
    [6, 128, null],
    [6, 120, null],
    [6, 119, 120],
    [6, 64, 120],
    [6, 63, 64],
    [6, 48, 64],
    [6, 0, 64],
  ] as const)('IPv%i /%i: children /%s', (family, prefix, child) => {
    expect(childPrefix(family, prefix)).toBe(child);
  });

  it.each([
    [4, 16, [16, 24]],
    [4, 8, [8, 16, 24]],
    [4, 12, [12, 16, 24]],
    [4, 26, [26]],
    [6, 48, [48, 64, 120]],
    [6, 64, [64, 120]],
    [6, 124, [124]],
  ] as const)('IPv%i /%i: levels %j', (family, prefix, expected) => {
    expect(levels(family, prefix)).toEqual(expected);
  });

  it.each([
    ['198.18.5.77/24', '198.18.5.0', 24],
    ['198.18.0.0/16', '198.18.0.0', 16],
    ['0.0.0.0/0', '0.0.0.0', 0],
    ['fd00:1:2:3::9/64', 'fd00:1:2:3::', 64],
    ['fd00::1ff/120', 'fd00::100', 120],
  ])('parseBlock(%s) clears the host bits', (text, network, prefix) => {
    const b = parseBlock(text)!;
    expect([b.ip.format(b.value), b.prefix]).toEqual([network, prefix]);
  });

  it.each(['', '198.18.0.0', '198.18.0.0/33', 'fd00::/129', 'nonsense/24', '198.18.0.0/24/1', null])('parseBlock(%j) → null', (text) => {
    expect(parseBlock(text as string)).toBeNull();
  });
});

describe('mapView: a /24 as 256 cells', () => {
  const t = table(['198.18.1.1', '198.18.1.254'], [
    ['198.18.1.1', 'up', 0, 'gw'],
    ['198.18.1.5', 'down'],
    ['198.18.1.6', 'unknown', RESERVED],
    ['198.18.1.7', 'down', PREV],
    ['198.18.1.200', 'unknown'],
  ]);
  const view = mapView(t, '198.18.1.0/24');

  it('every address in order, with its state, host and label; network and broadcast not usable', () => {
    expect(view.kind).toBe('cells');
    if (view.kind !== 'cells') return;
    expect(view.cells).toHaveLength(256);
    expect(view.cells.map((c) => c.label).slice(0, 3)).toEqual(['0', '1', '2']);
    const pick = (i: number) => [view.cells[i]!.ip, view.cells[i]!.state, view.cells[i]!.hostId];
    expect([0, 1, 2, 5, 6, 7, 200, 254, 255].map(pick)).toEqual([
      ['198.18.1.0', 'none', null],
      ['198.18.1.1', 'up', 1],
      ['198.18.1.2', 'free', null],
      ['198.18.1.5', 'down', 2],
      ['198.18.1.6', 'reserved', 3],
      ['198.18.1.7', 'previously-used', 4],
      ['198.18.1.200', 'unknown', 5],
      ['198.18.1.254', 'free', null],
      ['198.18.1.255', 'none', null],
    ]);
    expect(cellText(view.cells[0]!)).toBe('198.18.1.0: not usable (network address)');
    expect(cellText(view.cells[255]!)).toBe('198.18.1.255: not usable (broadcast address)');
    expect(cellText(view.cells[1]!)).toBe('198.18.1.1: up, gw');
    expect(cellText(view.cells[2]!)).toBe('198.18.1.2: free');
  });

  it('counts per state, free = usable − used', () => {
    expect(view.counts).toEqual({ up: 1, down: 1, unknown: 1, reserved: 1, 'previously-used': 1, free: 249 });
    expect(countsText(view.counts)).toBe('5 used: 1 up, 1 down, 1 unknown, 1 reserved, 1 previously used; 249 free');
    expect(view.trail).toEqual(['198.18.1.0/24']);
  });

  it('a /26 holds 64 cells labelled from its own first address; a /31 and a /32 are all usable', () => {
    const v = mapView(table(['198.18.1.65', '198.18.1.126'], [['198.18.1.70', 'up']]), '198.18.1.64/26');
    expect(v.kind === 'cells' && [v.cells.length, v.cells[0]!.label, v.cells[0]!.state, v.cells[6]!.state, v.cells[63]!.state]).toEqual([64, '64', 'none', 'up', 'none']);
    const p2p = mapView(table(['198.18.1.8', '198.18.1.9'], []), '198.18.1.8/31');
    expect(p2p.kind === 'cells' && p2p.cells.map((c) => c.state)).toEqual(['free', 'free']);
    expect(p2p.counts.free).toBe(2);
    const one = mapView(table(['198.18.1.9', '198.18.1.9'], [['198.18.1.9', 'up']]), '198.18.1.9/32');
    expect(one.kind === 'cells' && one.cells.map((c) => c.state)).toEqual(['up']);
  });
});

describe('mapView: bigger IPv4 blocks as tiles', () => {
  const t = table(['198.18.0.1', '198.18.255.254'], [
    ['198.18.0.1', 'up'],
    ['198.18.0.2', 'down'],
    ['198.18.5.9', 'up'],
    ['198.18.5.10', 'unknown', RESERVED],
    ['198.18.255.254', 'down', PREV],
  ]);

  it('a /16: 256 /24 tiles, empty ones too, each with its counts; the edges lose the network and broadcast addresses', () => {
    const v = mapView(t, '198.18.0.0/16');
    expect(v.kind).toBe('tiles');
    if (v.kind !== 'tiles') return;
    expect(v.tiles).toHaveLength(256);
    expect(v.childPrefix).toBe(24);
    const pick = (i: number) => [v.tiles[i]!.cidr, v.tiles[i]!.label, v.tiles[i]!.used, v.tiles[i]!.counts];
    expect(pick(0)).toEqual(['198.18.0.0/24', '0', 2, { up: 1, down: 1, unknown: 0, reserved: 0, 'previously-used': 0, free: 253 }]);
    expect(pick(1)).toEqual(['198.18.1.0/24', '1', 0, { up: 0, down: 0, unknown: 0, reserved: 0, 'previously-used': 0, free: 256 }]);
    expect(pick(5)).toEqual(['198.18.5.0/24', '5', 2, { up: 1, down: 0, unknown: 0, reserved: 1, 'previously-used': 0, free: 254 }]);
    expect(pick(255)).toEqual(['198.18.255.0/24', '255', 1, { up: 0, down: 0, unknown: 0, reserved: 0, 'previously-used': 1, free: 254 }]);
    expect(v.counts).toEqual({ up: 2, down: 1, unknown: 0, reserved: 1, 'previously-used': 1, free: 65534 - 5 });
    expect(countsText(v.tiles[5]!.counts)).toBe('2 used: 1 up, 1 reserved; 254 free');
  });

  it('zooming into one of its /24s shows its cells, with the trail back; a block off its levels or outside it falls back to the subnet', () => {
    const v = mapView(t, '198.18.0.0/16', '198.18.5.0/24');
    expect([v.kind, v.cidr, v.trail]).toEqual(['cells', '198.18.5.0/24', ['198.18.0.0/16', '198.18.5.0/24']]);
    expect(v.kind === 'cells' && [v.cells[9]!.state, v.cells[10]!.state, v.cells[0]!.state]).toEqual(['up', 'reserved', 'free']);
    for (const off of ['198.18.5.0/25', '198.19.5.0/24', '198.18.5.0/20', 'fd00::/64', 'garbage', '198.18.0.0/16']) expect(mapView(t, '198.18.0.0/16', off).cidr).toBe('198.18.0.0/16');
    // host bits in the zoom are cleared: 198.18.5.77/24 is 198.18.5.0/24
    expect(mapView(t, '198.18.0.0/16', '198.18.5.77/24').cidr).toBe('198.18.5.0/24');
  });

  it('a /8: 256 /16 tiles, a /16 of it 256 /24 tiles, then cells', () => {
    const big = table(['198.0.0.1', '198.255.255.254'], [['198.18.5.9', 'up']]);
    const top = mapView(big, '198.0.0.0/8');
    expect(top.kind === 'tiles' && [top.tiles.length, top.tiles[18]!.cidr, top.tiles[18]!.label, top.tiles[18]!.used, top.tiles[18]!.counts.free]).toEqual([256, '198.18.0.0/16', '18', 1, 65535]);
    const mid = mapView(big, '198.0.0.0/8', '198.18.0.0/16');
    expect(mid.kind === 'tiles' && [mid.tiles.length, mid.trail]).toEqual([256, ['198.0.0.0/8', '198.18.0.0/16']]);
    expect(mapView(big, '198.0.0.0/8', '198.18.5.0/24').trail).toEqual(['198.0.0.0/8', '198.18.0.0/16', '198.18.5.0/24']);
  });

  it('a /22: 4 tiles', () => {
    const v = mapView(table(['198.18.4.1', '198.18.7.254'], [['198.18.6.1', 'up']]), '198.18.4.0/22');
    expect(v.kind === 'tiles' && v.tiles.map((x) => [x.label, x.used, x.counts.free])).toEqual([['4', 0, 255], ['5', 0, 256], ['6', 1, 255], ['7', 0, 255]]);
  });
});

describe('mapView: IPv6 as the used /64s and /120s', () => {
  const t = table(['fd00:18::', 'fd00:18:0:ffff:ffff:ffff:ffff:ffff'], [
    ['fd00:18::1', 'up'],
    ['fd00:18::2', 'down'],
    ['fd00:18::1:5', 'unknown', RESERVED],
    ['fd00:18:0:7::10', 'up'],
  ]);

  it('a /48 lists the used /64s with exact counts', () => {
    const v = mapView(t, 'fd00:18::/48');
    expect(v.kind).toBe('list');
    if (v.kind !== 'list') return;
    expect(v.tiles.map((x) => [x.cidr, x.used, x.counts.up, x.counts.free])).toEqual([
      ['fd00:18::/64', 3, 1, String(2n ** 64n - 3n)],
      ['fd00:18:0:7::/64', 1, 1, String(2n ** 64n - 1n)],
    ]);
    expect(v.counts.free).toBe(String(2n ** 80n - 4n));
  });

  it('a /64 of it lists its used /120s; a /120 is 256 cells labelled in hex', () => {
    const v = mapView(t, 'fd00:18::/48', 'fd00:18::/64');
    expect(v.kind === 'list' && v.tiles.map((x) => [x.cidr, x.used, x.counts.free])).toEqual([
      ['fd00:18::/120', 2, '254'],
      ['fd00:18::1:0/120', 1, '255'],
    ]);
    const cells = mapView(t, 'fd00:18::/48', 'fd00:18::1:0/120');
    expect(cells.trail).toEqual(['fd00:18::/48', 'fd00:18::/64', 'fd00:18::1:0/120']);
    expect(cells.kind === 'cells' && [cells.cells.length, cells.cells[5]!.state, cells.cells[5]!.ip, cells.cells[255]!.label, cells.cells[0]!.state]).toEqual([256, 'reserved', 'fd00:18::1:5', 'ff', 'free']);
  });

  it('a subnet that is itself a /64 starts at its /120s', () => {
    const v = mapView(table(['fd00:9::', 'fd00:9::ffff:ffff:ffff:ffff'], [['fd00:9::a', 'up']]), 'fd00:9::/64');
    expect(v.kind === 'list' && v.tiles.map((x) => x.cidr)).toEqual(['fd00:9::/120']);
  });
});

describe('moveIndex: roving focus in a 16-column grid', () => {
  const g = { count: 256, columns: 16 };
  it.each([
    [0, 'ArrowRight', 1],
    [15, 'ArrowRight', 16], // wraps to the next row, as reading does
    [255, 'ArrowRight', 255],
    [0, 'ArrowLeft', 0],
    [16, 'ArrowLeft', 15],
    [3, 'ArrowDown', 19],
    [243, 'ArrowDown', 243], // last row stays
    [19, 'ArrowUp', 3],
    [3, 'ArrowUp', 3],
    [37, 'Home', 32],
    [37, 'End', 47],
    [5, 'PageDown', 69],
    [250, 'PageDown', 255],
    [5, 'PageUp', 0],
    [5, 'Enter', null],
    [5, 'a', null],
  ])('%i %s → %s', (i, key, expected) => {
    expect(moveIndex(i, key, g)).toBe(expected);
  });
  it('Ctrl+Home and Ctrl+End go to the grid’s ends; a short last row ends at the last item', () => {
    expect(moveIndex(37, 'Home', { ...g, ctrl: true })).toBe(0);
    expect(moveIndex(37, 'End', { ...g, ctrl: true })).toBe(255);
    expect(moveIndex(17, 'End', { count: 20, columns: 16 })).toBe(19);
    expect(moveIndex(3, 'ArrowDown', { count: 20, columns: 16 })).toBe(19);
    expect(moveIndex(5, 'ArrowDown', { count: 20, columns: 16 })).toBe(5);
    expect(moveIndex(0, 'ArrowRight', { count: 0, columns: 16 })).toBeNull();
  });
});
