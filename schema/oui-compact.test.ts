import { describe, expect, it } from 'vitest';
import { CompactOui, compactOuiLines } from './oui-compact.js';
import { lookupOui, matchAssignment } from './oui.js';

const TABLE = {
  '001B63': 'Apple, Inc.\n1 Infinite Loop',
  '000000': 'XEROX CORPORATION\nM/S 105-50C',
  'FCFFAA': '  IEEE REGISTRATION AUTHORITY  \n445 Hoes Lane',
  '00005E': 'ICANN, IANA Department\nLos Angeles',
  '1006480': 'FLEXTRONICS "TECHNOLOGIES" (INDIA)\\PVT\nPlot 3',
  '70B3D5042': 'Coveloz Technologies Inc.\n232 Herzberg Road',
  '70B3D5001': 'SOREDI touch systems GmbH\nWerner-von-Siemens-Str. 13',
  '8C1F64FFF': '\nno name', // an entry with no first line
  '0C2A86': 'BURG-WÄCHTER KG\nAltenhofer Weg 15',
  '8C1F64A10': 'SHENZHEN BILIAN ELECTRONIC CO.，LTD – 浙江路川科技有限公司\nHangzhou',
};
const compact = new CompactOui(compactOuiLines(TABLE));

describe('compactOuiLines', () => {
  it('sorts each registry by key and keeps only the trimmed first line, in UTF-8 bytes', () => {
    expect(compactOuiLines(TABLE)).toEqual({
      6: '000000XEROX CORPORATION\n00005EICANN, IANA Department\n001B63Apple, Inc.\n0C2A86BURG-W\xc3\x84CHTER KG\nFCFFAAIEEE REGISTRATION AUTHORITY\n',
      7: '1006480FLEXTRONICS "TECHNOLOGIES" (INDIA)\\PVT\n',
      9: `70B3D5001SOREDI touch systems GmbH\n70B3D5042Coveloz Technologies Inc.\n8C1F64A10${Buffer.from('SHENZHEN BILIAN ELECTRONIC CO.，LTD – 浙江路川科技有限公司').toString('latin1')}\n8C1F64FFF\n`,
    });
  });

  it.each([['001b63'], ['00:1B:63'], ['12345'], ['1234567890'], ['']])('refuses the key %j', (key) => {
    expect(() => compactOuiLines({ [key]: 'x' })).toThrow(/unexpected OUI key/);
  });
});

describe('CompactOui.get', () => {
  it.each<[string, string | undefined]>([
    ['000000', 'XEROX CORPORATION'], // the first line
    ['00005E', 'ICANN, IANA Department'],
    ['001B63', 'Apple, Inc.'],
    ['FCFFAA', 'IEEE REGISTRATION AUTHORITY'], // the last line
    ['1006480', 'FLEXTRONICS "TECHNOLOGIES" (INDIA)\\PVT'], // a registry of one line
    ['70B3D5001', 'SOREDI touch systems GmbH'],
    ['70B3D5042', 'Coveloz Technologies Inc.'],
    ['8C1F64FFF', ''],
    ['0C2A86', 'BURG-WÄCHTER KG'], // UTF-8 decoded back
    ['8C1F64A10', 'SHENZHEN BILIAN ELECTRONIC CO.，LTD – 浙江路川科技有限公司'],
    // absent: before the first, between two, after the last, and keys of another registry's width
    ['00000-', undefined],
    ['00001B', undefined],
    ['FFFFFF', undefined],
    ['1006481', undefined],
    ['70B3D5', undefined],
    ['70B3D50', undefined],
    ['001B6', undefined],
    ['001B6384', undefined],
    ['', undefined],
  ])('%j → %j', (key, name) => expect(compact.get(key)).toBe(name));

  it('finds nothing in empty registries', () => {
    expect(new CompactOui({ 6: '', 7: '', 9: '' }).get('001B63')).toBeUndefined();
  });
});

describe('the matching over the compact form', () => {
  it.each<[string, string, string | null]>([
    ['70b3d5042abc', '70:B3:D5:04:2', 'Coveloz Technologies Inc.'],
    ['001b638445e6', '00:1B:63', 'Apple, Inc.'],
    ['8c1f64fff123', '8C:1F:64:FF:F', null], // the assignment exists but names no one
  ])('%s', (hex, prefix, vendor) => {
    expect(matchAssignment(hex, compact)).toEqual(matchAssignment(hex, TABLE));
    expect(matchAssignment(hex, compact)).toMatchObject({ prefix, vendor });
  });

  it('answers as the full table for a group address and a randomised one', () => {
    for (const q of ['01:00:5e:00:00:fb', '02:00:00:00:00:01', '00:1b', '10:06:48:0']) expect(lookupOui(q, compact)).toEqual(lookupOui(q, TABLE));
  });
});
