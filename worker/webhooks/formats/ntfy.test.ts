import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { titleOf } from './common.js';
import { NTFY_MESSAGE_LIMIT_BYTES, headerValue, ntfy, truncateUtf8 } from './ntfy.js';
import { TEST_EVENTS } from './test-events.js';

// ntfy's publish-as-POST (https://docs.ntfy.sh/publish/): the body is the message, the rest are headers.
const ascii = z.string().regex(/^[\x20-\x7e]+$/);
const ntfyHeaders = z.strictObject({
  'content-type': z.literal('text/plain; charset=utf-8'),
  'X-Title': ascii,
  'X-Priority': z.enum(['max', 'urgent', 'high', 'default', 'low', 'min', '1', '2', '3', '4', '5']),
  'X-Tags': ascii.regex(/^[^,\s]+(,[^,\s]+)*$/),
  'X-Click': z.url({ protocol: /^https?$/ }).optional(),
});

/** RFC 2047 B-words back to text, as ntfy's mime.WordDecoder does (whitespace between words dropped). */
function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  const words = value.split(' ');
  const bytes: number[] = [];
  for (const word of words) {
    expect(word.length).toBeLessThanOrEqual(75);
    const m = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(word);
    expect(m, word).not.toBeNull();
    const chunk = Buffer.from(m![1]!, 'base64');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(chunk)).not.toThrow(); // whole characters per word
    bytes.push(...chunk);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function render(name: string) {
  const { body, headers } = ntfy.render(TEST_EVENTS[name]!);
  return { body, headers: ntfyHeaders.parse(headers) };
}

describe('ntfy', () => {
  it.each(Object.keys(TEST_EVENTS))('%s: plain text within 4,096 bytes, ASCII headers, the title intact', (name) => {
    const { body, headers } = render(name);
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(NTFY_MESSAGE_LIMIT_BYTES);
    expect(body.length).toBeGreaterThan(0);
    const title = titleOf(TEST_EVENTS[name]!);
    expect(decodeWords(headers['X-Title'])).toBe(title.length <= 250 ? title : title.slice(0, 249) + '…');
  });

  it('host.down: the summary, the facts, high priority, the link', () => {
    expect(ntfy.render(TEST_EVENTS['host.down with a link']!)).toEqual({
      body: [
        'nas (198.18.0.10) in Lab is down: no answer to 2 sweeps',
        '',
        'Host: nas (198.18.0.10)',
        'Subnet: Lab (198.18.0.0/24)',
        'Probe: probe-rack-1',
        'State: up → down',
        'Tags: storage, homelab',
      ].join('\n'),
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'X-Title': 'Host down: nas (198.18.0.10)',
        'X-Priority': 'high',
        'X-Tags': 'rotating_light,host.down',
        'X-Click': 'https://ipam.example/#/?host=10',
      },
    });
  });

  it.each([
    ['host.down with a link', 'high', 'rotating_light,host.down'],
    ['host.down without a link, a reminder', 'high', 'rotating_light,host.down'],
    ['probe.offline', 'high', 'electric_plug,probe.offline'],
    ['subnet.degraded with 40 hosts', 'high', 'rotating_light,subnet.degraded'],
    ['host.up', 'default', 'white_check_mark,host.up'],
    ['probe.online', 'default', 'white_check_mark,probe.online'],
    ['port.opened with 3 services', 'default', 'unlock,port.opened'],
    ['empty summary', 'default', 'lock,port.closed'],
    ['service.changed', 'default', 'arrows_counterclockwise,service.changed'],
    ['test', 'low', 'test_tube,test'],
  ])('%s: priority %s, tags %s', (name, priority, tags) => {
    const { headers } = render(name);
    expect(headers['X-Priority']).toBe(priority);
    expect(headers['X-Tags']).toBe(tags);
  });

  it('without a link, no X-Click', () => {
    expect(render('host.down without a link, a reminder').headers).not.toHaveProperty('X-Click');
    expect(render('probe.offline').headers).not.toHaveProperty('X-Click');
  });

  it('port.opened lists the three services; subnet.degraded names 20 of 40 hosts', () => {
    expect(render('port.opened with 3 services').body).toContain('Ports (3): 22/tcp ssh (OpenSSH 9.6), 80/tcp http, 53/udp');
    expect(render('subnet.degraded with 40 hosts').body).toMatch(/Hosts \(40\): .* and 20 more/);
  });

  it('sends a non-ASCII title as encoded words, and the link ASCII', () => {
    const { headers, body } = render('non-ASCII names');
    expect(headers['X-Title']).toMatch(/^=\?UTF-8\?B\?/);
    expect(headers['X-Click']).toBe('https://ipam.example/#/?host=13&x=%C3%A9|y');
    expect(body.startsWith('café-🚨 est tombé 😱 — 東京')).toBe(true);
  });

  it('cuts an oversized message on a character boundary', () => {
    const { body } = render('oversized');
    expect(body.endsWith('…')).toBe(true);
    expect(body).not.toContain('\ufffd');
  });

  it.each([
    ['plain', 'plain'],
    ['  spaced  ', 'spaced'],
    ['two\r\nlines\tand\u0000nul', 'two lines and nul'],
    ['', ''],
  ])('headerValue %j → %j', (input, expected) => expect(headerValue(input)).toBe(expected));

  it.each(['café', '🚨 down', '東京'.repeat(40), 'Latin-1 ÿ is not UTF-8', 'looks =?UTF-8?B?eA==?= encoded', 'a\u2028b'])(
    'headerValue encodes %j so it decodes back',
    (input) => {
      const value = headerValue(input);
      expect(value).toMatch(/^[\x20-\x7e]+$/);
      expect(decodeWords(value)).toBe(input.replace(/\u2028/g, ' '));
    },
  );

  it.each([
    ['abc', 3, 'abc'],
    ['abcd', 3, '…'],
    ['abcdef', 5, 'ab…'],
    ['é😱', 5, 'é…'],
    ['é😱', 4, '…'],
    ['é😱x', 6, 'é…'],
  ])('truncateUtf8 %j to %i bytes → %j', (text, max, expected) => {
    expect(truncateUtf8(text, max)).toBe(expected);
  });

  it.each([
    ['https://ntfy.sh/alerts', null],
    ['http://198.18.0.20:2586/homelab-alerts', null],
    ['https://example.org/ntfy/alerts', null],
    ['https://ntfy.sh/', 'an ntfy URL names the topic, e.g. https://ntfy.sh/mytopic'],
    ['https://ntfy.sh', 'an ntfy URL names the topic, e.g. https://ntfy.sh/mytopic'],
    ['https://ntfy.sh/alerts/json', '…/json is where ntfy is read; publish to the topic itself'],
    ['https://ntfy.sh/alerts/sse', '…/sse is where ntfy is read; publish to the topic itself'],
  ])('checkUrl %s → %j', (url, expected) => {
    expect(ntfy.checkUrl(new URL(url))).toBe(expected);
  });
});
