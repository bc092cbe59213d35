import { describe, expect, it } from 'vitest';
import { isHostMac, isLocallyAdministered, macSearchPrefix, normaliseMac } from './mac.js';

describe('normaliseMac', () => {
  it.each([
    ['00:0C:29:AB:CD:EF', '00:0c:29:ab:cd:ef'],
    ['00-0c-29-ab-cd-ef', '00:0c:29:ab:cd:ef'],
    ['000c.29ab.cdef', '00:0c:29:ab:cd:ef'],
    ['000C29ABCDEF', '00:0c:29:ab:cd:ef'],
    [' 00:0c:29:ab:cd:ef ', '00:0c:29:ab:cd:ef'],
    ['00:0c:29:ab:cd', null],
    ['00:0c:29:ab:cd:eg', null],
    ['', null],
  ])('%s → %s', (input, out) => expect(normaliseMac(input)).toBe(out));
});

describe('macSearchPrefix', () => {
  it.each([
    ['00:0C:29', '00:0c:29'],
    ['000c29', '00:0c:29'],
    ['00-0c-2', '00:0c:2'],
    ['00:0c:29:ab:cd:ef', '00:0c:29:ab:cd:ef'],
    ['0', '0'],
    ['vmware', null],
    ['', null],
    ['00:0c:29:ab:cd:ef:00', null],
  ])('%s → %s', (input, out) => expect(macSearchPrefix(input)).toBe(out));
});

describe('isLocallyAdministered', () => {
  it.each([
    ['00:0c:29:ab:cd:ef', false],
    ['02:00:00:00:00:01', true],
    ['da:a1:19:00:00:01', true],
    ['3c:22:fb:00:00:01', false],
    ['06:00:00:00:00:01', true],
  ])('%s → %s', (mac, out) => expect(isLocallyAdministered(mac)).toBe(out));
});

describe('isHostMac', () => {
  it.each([
    ['00:0c:29:ab:cd:ef', true],
    ['00:00:00:00:00:00', false],
    ['01:00:5e:00:00:01', false],
    ['33:33:00:00:00:01', false],
    ['ff:ff:ff:ff:ff:ff', false],
  ])('%s → %s', (mac, out) => expect(isHostMac(mac)).toBe(out));
});
