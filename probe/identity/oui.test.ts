import { describe, expect, it } from 'vitest';
import { matchVendor, ouiTable, ouiTableReady, vendorOf, type OuiTable } from './oui.js';

const TABLE: OuiTable = {
  '001122': 'Large Block Inc.\nSome Street 1\nTown\nUS',
  '0011223': '  Medium Block GmbH  \nAddress',
  '001122334': 'Small Block Ltd\nAddress',
  '00AABB': 'IEEE Registration Authority\n445 Hoes Lane',
  '00AABB5': '',
  '00CCDD': 'x'.repeat(300),
};

describe('matchVendor', () => {
  it.each<[string, string | null]>([
    ['00:11:22:ff:ff:ff', 'Large Block Inc.'],
    ['00:11:22:3f:ff:ff', 'Medium Block GmbH'],
    ['00:11:22:33:4f:ff', 'Small Block Ltd'],
    ['00:11:22:33:5f:ff', 'Medium Block GmbH'],
    ['00:aa:bb:10:00:00', 'IEEE Registration Authority'],
    ['00:aa:bb:50:00:00', null],
    ['00:cc:dd:00:00:01', 'x'.repeat(128)],
    ['00:99:99:00:00:01', null],
    // locally administered: never a vendor, even where the other bits match an assignment
    ['02:11:22:ff:ff:ff', null],
    ['fe:11:22:33:44:55', null],
  ])('%s → %j', (mac, vendor) => {
    expect(matchVendor(mac, TABLE)).toBe(vendor);
  });
});

describe('vendorOf (the real IEEE registries)', () => {
  it('ouiTableReady loads the table once (read off the event loop); the lookups use it', async () => {
    await Promise.all([ouiTableReady(), ouiTableReady()]);
    const loaded = ouiTable();
    expect(Object.keys(loaded).length).toBeGreaterThan(50_000);
    await ouiTableReady();
    expect(ouiTable()).toBe(loaded);
  });

  it.each<[string, string | null]>([
    ['00:0c:29:ab:cd:ef', 'VMware, Inc.'],
    // MA-S under the IEEE's 70:B3:D5 block: the 36-bit assignment, not "IEEE Registration Authority"
    ['70:b3:d5:00:10:00', 'SOREDI touch systems GmbH'],
    // MA-M 10:06:48:0
    ['10:06:48:01:23:45', 'FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD'],
    ['02:42:ac:11:00:02', null],
  ])('%s → %j', (mac, vendor) => {
    expect(vendorOf(mac)).toBe(vendor);
  });
});
