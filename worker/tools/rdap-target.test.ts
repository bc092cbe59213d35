import { describe, expect, it } from 'vitest';
import { refusedRdapTarget } from './rdap-target.js';

const check = (url: string, from: string | null = null, allowPrivate = false) => refusedRdapTarget(new URL(url), from === null ? null : new URL(from), { allowPrivate });

describe('refusedRdapTarget', () => {
  it.each([
    'https://rdap.arin.net/registry/ip/8.8.8.8',
    'http://rdap.example.net/ip/1.1.1.1',
    'https://8.8.8.8/ip/1',
    'https://[2606:4700::1111]/autnum/13335',
    'https://[::ffff:8.8.8.8]/x',
  ])('%s: allowed', (url) => {
    expect(check(url)).toBeNull();
  });

  it.each([
    ['http://127.0.0.1:8080/x', 'loopback'],
    ['http://127.8.9.10/x', 'loopback'],
    ['http://0x7f.1/x', 'loopback'],
    ['http://2130706433/x', 'loopback'],
    ['http://localhost:3000/x', 'this machine'],
    ['http://api.localhost/x', 'this machine'],
    ['http://[::1]/x', 'loopback'],
    ['http://[::ffff:127.0.0.1]/x', 'loopback'],
    ['http://[::ffff:10.1.2.3]/x', 'private'],
    ['http://[64:ff9b::a9fe:a9fe]/x', 'metadata'],
    ['http://0.0.0.0/x', 'unspecified'],
    ['http://10.0.0.1/x', 'private'],
    ['http://172.16.5.4/x', 'private'],
    ['http://192.168.1.1/x', 'private'],
    ['http://100.64.0.1/x', 'carrier-grade NAT'],
    ['http://169.254.169.254/latest/meta-data', 'metadata'],
    ['http://169.254.1.1/x', 'link-local'],
    ['http://[fe80::1]/x', 'link-local'],
    ['http://[fd00::1]/x', 'unique-local'],
    ['http://[fc12::1]/x', 'unique-local'],
    ['http://233.252.0.1/x', 'multicast'],
    ['http://[ff02::1]/x', 'multicast'],
    ['http://198.18.0.1/x', 'reserved'],
    ['http://255.255.255.255/x', 'broadcast'],
  ])('%s: refused (%s), and the reason does not name the URL', (url, why) => {
    const reason = check(url);
    expect(reason).toContain(why);
    expect(reason).toContain('RDAP_ALLOW_PRIVATE');
    expect(reason).not.toContain(new URL(url).hostname);
    // RDAP_ALLOW_PRIVATE lets it through
    expect(check(url, null, true)).toBeNull();
  });

  it.each([
    ['http://rdap.example.net/x', 'https://rdap.example.org/x', 'https down to plain http'],
    ['http://127.0.0.1:1/x', 'https://127.0.0.1:2/x', 'https down to plain http'],
    ['file:///etc/passwd', null, 'not file:'],
    ['ftp://rdap.example.net/x', 'https://rdap.example.org/x', 'not ftp:'],
    ['https://user:pw@rdap.example.net/x', null, 'user name or password'],
  ])('%s (from %s): refused even with RDAP_ALLOW_PRIVATE', (url, from, why) => {
    expect(check(url, from, true)).toContain(why);
  });

  it('http to https, and http to http, are followed', () => {
    expect(check('https://rdap.example.net/x', 'http://rdap.example.org/x')).toBeNull();
    expect(check('http://rdap.example.net/x', 'http://rdap.example.org/x')).toBeNull();
  });
});
