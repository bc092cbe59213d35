import { describe, expect, it } from 'vitest';
import { parseIp } from '../../schema/ip/cidr.js';
import { parseIpFast } from './ip-text.js';

const outcome = (f: () => unknown) => {
  try {
    return f();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

describe('parseIpFast answers as parseIp does', () => {
  it.each([
    '0.0.0.0',
    '198.18.0.1',
    '255.255.255.255',
    '198.19.249.99',
    '192.0.2.4',
    '198.18.0.256',
    '198.18.0.01',
    '198.18.0',
    '198.18.0.1.5',
    ' 198.18.0.1 ',
    '198.18.0.1/24',
    '0xc6.18.0.1',
    'fd00::1',
    'FD00:0::0001',
    '::ffff:198.18.0.1',
    'nonsense',
    '',
  ])('%j', (text) => {
    expect(outcome(() => parseIpFast(text))).toEqual(outcome(() => parseIp(text)));
  });
});
