import { describe, expect, it } from 'vitest';
import { spreadsheet } from './spreadsheet.js';

const fails = (cells: Record<string, string>) => {
  try {
    spreadsheet.record(cells);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('spreadsheet format', () => {
  it.each<[Record<string, string>, object]>([
    [{ ip: '198.18.0.7' }, { ip: '198.18.0.7' }],
    [
      { ip: '198.18.2.10', hostname: 'printer', description: 'laser', tags: 'office;print', notes: 'floor 1', reserved: 'yes', reserved_by: 'bob', reserved_note: 'until May', mac: '00-0C-29-AB-CD-EF' },
      { ip: '198.18.2.10', hostname: 'printer', description: 'laser', tags: ['office', 'print'], notes: 'floor 1', reserved: true, reservedBy: 'bob', reservedNote: 'until May', mac: '00:0c:29:ab:cd:ef' },
    ],
    [{ ip: 'FD00:20::0005', tags: 'a, b' }, { ip: 'fd00:20::5', tags: ['a', 'b'] }],
    [{ ip: '198.18.1.5/24', reserved: 'false' }, { ip: '198.18.1.5', subnetHint: '198.18.1.0/24', reserved: false }],
    [{ ip: '198.18.0.8', hostname: '=cmd|calc' }, { ip: '198.18.0.8', hostname: '=cmd|calc' }], // the quote was taken off by sheet.ts
  ])('%j → %j', (cells, record) => {
    expect(spreadsheet.record(cells)).toEqual(record);
  });

  it.each([
    [{}, 'the address is empty'],
    [{ ip: 'printer' }, '"printer" is not an IPv4 or IPv6 address'],
    [{ ip: '198.18.0.1', reserved: 'maybe' }, 'reserved must be yes or no (true/false, 1/0), not "maybe"'],
    [{ ip: '198.18.0.1', mac: 'zz' }, '"zz" is not a MAC address'],
    [{ ip: '198.18.0.1', hostname: 'x'.repeat(254) }, /^hostname: /],
  ])('refuses %j', (cells, message) => {
    expect(fails(cells)).toMatch(message);
  });

  it('rates header rows by the host fields they name', () => {
    expect(spreadsheet.detect(['ip', 'hostname', 'description', 'tags', 'notes', 'reserved', 'reserved_by', 'reserved_note', 'status', 'last_seen_at'])).toBe(8);
    expect(spreadsheet.detect(['Name', 'Owner'])).toBe(1); // no address header: the column is found by its cells
    expect(spreadsheet.detect(['Office LAN'])).toBe(0);
  });
});
