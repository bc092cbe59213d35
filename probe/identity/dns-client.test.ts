import { describe, expect, it } from 'vitest';
import { parseServer, parseServers } from './dns-client.js';

describe('parseServer', () => {
  it.each<[string, ReturnType<typeof parseServer>]>([
    ['198.18.0.53', { host: '198.18.0.53', port: 53 }],
    [' 127.0.0.1:53535 ', { host: '127.0.0.1', port: 53535 }],
    ['fd00::53', { host: 'fd00::53', port: 53 }],
    ['[fd00::53]:5353', { host: 'fd00::53', port: 5353 }],
    ['[fd00::53]', { host: 'fd00::53', port: 53 }],
    ['fe80::1%eth0', { host: 'fe80::1%eth0', port: 53 }],
    ['dns.example', null],
    ['198.18.0.53:0', null],
    ['198.18.0.53:70000', null],
    ['fd00::53:5353x', null],
    ['', null],
  ])('%j → %j', (text, server) => expect(parseServer(text)).toEqual(server));
});

describe('parseServers', () => {
  it('reads a comma list', () => {
    expect(parseServers('198.18.0.53, [fd00::53]:5353,')).toEqual([
      { host: '198.18.0.53', port: 53 },
      { host: 'fd00::53', port: 5353 },
    ]);
  });
  it('names the entry that is not a server', () => expect(() => parseServers('198.18.0.53,dns.example')).toThrow(/dns\.example/));
});
