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
    '10.200.249.99',
    '1.2.3.4',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    ' 198.18.0.1 ',
    '198.18.0.1/24',
    '0x1.2.3.4',
    'fd00::1',
    'FD00:0::0001',
    '::ffff:198.18.0.1',
    'nonsense',
    '',
  ])('%j', (text) => {
    expect(outcome(() => parseIpFast(text))).toEqual(outcome(() => parseIp(text)));
  });
});
