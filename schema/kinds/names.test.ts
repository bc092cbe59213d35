import { describe, expect, it } from 'vitest';
import { canonicalName, validDnsName } from './names.js';

describe('validDnsName', () => {
  it.each<[string, string, string | null]>([
    ['a plain name', 'host-5.lan.example', 'host-5.lan.example'],
    ['lowercased, trailing dot removed', 'Host-5.LAN.Example.', 'host-5.lan.example'],
    ['a single label', 'router', 'router'],
    ['underscore (real zones have it)', '_gateway.corp_net.example', '_gateway.corp_net.example'],
    ['digits only', '5.0.18', '5.0.18'],
    ['punycode labels as they are', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a 63-character label', `${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
    ['253 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
    ['253 characters and the trailing dot', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.`, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
    ['254 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, null],
    ['a 64-character label', `${'a'.repeat(64)}.example`, null],
    ['empty', '', null],
    ['the root', '.', null],
    ['an empty label', 'a..example', null],
    ['a leading dot', '.a.example', null],
    ['two trailing dots', 'a.example..', null],
    ['a space', 'evil host.example', null],
    ['surrounding whitespace', ' host.example', null],
    ['a control character', 'host\u0007.example', null],
    ['a newline', 'host.example\nadmin', null],
    ['a NUL byte', 'host\u0000.example', null],
    ['a bidi override', 'host\u202e.example', null],
    ['non-ASCII letters', 'bücher.example', null],
    ['a zero-width space', 'ho\u200bst.example', null],
    ['markup', '<script>.example', null],
    ['a slash (RFC 2317 owner text, not a hostname)', '0/25.18.198.in-addr.arpa', null],
    ['an escaped byte as dns-packet prints it', 'a\\032b.example', null],
  ])('%s', (_name, text, expected) => expect(validDnsName(text)).toBe(expected));
});

describe('canonicalName', () => {
  it.each([
    [' Host.Example. ', 'host.example'],
    ['.', ''],
  ])('%j → %j', (text, expected) => expect(canonicalName(text)).toBe(expected));
});
