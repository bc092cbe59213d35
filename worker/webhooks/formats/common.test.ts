import { describe, expect, it } from 'vitest';
import { ALERT_EVENT_TYPES, alertEvent } from '../../../schema/alert-event.js';
import {
  EVENT_LABELS,
  EVENT_TONES,
  factsOf,
  hostLabel,
  linkOf,
  listText,
  serviceLabel,
  titleOf,
  truncate,
  utcText,
} from './common.js';
import { TEST_EVENTS, testHost } from './test-events.js';

describe('the test events', () => {
  it.each(Object.entries(TEST_EVENTS))('%s is a valid AlertEvent', (_name, event) => {
    expect(alertEvent.parse(event)).toEqual(event);
  });

  it('label and colour every event type', () => {
    for (const type of ALERT_EVENT_TYPES) {
      expect(EVENT_LABELS[type]).toBeTruthy();
      expect(['bad', 'good', 'info']).toContain(EVENT_TONES[type]);
    }
  });
});

describe('truncate', () => {
  it.each([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['abcd', 1, '…'],
    ['abcd', 0, ''],
    ['', 5, ''],
    ['a😱b', 3, 'a…'], // the pair is not split
    ['😱😱😱', 4, '😱…'],
    ['😱😱😱', 5, '😱😱…'],
  ])('%j to %i → %j', (text, max, expected) => {
    const out = truncate(text, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(Math.max(0, max));
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/); // no lone surrogate
  });
});

describe('labels and facts', () => {
  it.each([
    [testHost(1), 'host-1 (198.18.0.1)'],
    [testHost(1, { hostname: null }), '198.18.0.1'],
  ])('hostLabel %#', (host, expected) => expect(hostLabel(host)).toBe(expected));

  it.each([
    [{ port: 22, protocol: 'tcp' as const, service: 'ssh', product: 'OpenSSH', version: '9.6' }, '22/tcp ssh (OpenSSH 9.6)'],
    [{ port: 53, protocol: 'udp' as const, service: null }, '53/udp'],
    [{ port: 8080, protocol: 'tcp' as const, service: 'http-proxy', previousService: 'http' }, '8080/tcp http-proxy, was http'],
    [{ port: 8080, protocol: 'tcp' as const, service: 'http', previousService: null }, '8080/tcp http, was unknown'],
    [{ port: 8080, protocol: 'tcp' as const, service: 'http', previousService: 'http' }, '8080/tcp http'],
  ])('serviceLabel %#', (service, expected) => expect(serviceLabel(service)).toBe(expected));

  it.each([
    [['a', 'b'], 5, 'a, b'],
    [['a', 'b', 'c'], 2, 'a, b and 1 more'],
    [[], 2, ''],
  ])('listText %j (limit %i)', (items, limit, expected) => expect(listText(items, limit)).toBe(expected));

  it.each([
    ['host.down with a link', 'Host down: nas (198.18.0.10)'],
    ['host.down without a link, a reminder', 'Host still down: 198.18.0.11'],
    ['subnet.degraded with 40 hosts', 'Subnet degraded: Lab (198.18.0.0/24)'],
    ['probe.offline', 'Probe offline: probe-rack-1'],
    ['talker.unregistered', 'Unregistered talker: 198.18.0.77'],
    ['test', 'Test event'],
  ])('titleOf %s', (name, expected) => expect(titleOf(TEST_EVENTS[name]!)).toBe(expected));

  it('names the facts of an unregistered talker: the address, where and when it was first heard', () => {
    expect(factsOf(TEST_EVENTS['talker.unregistered']!)).toEqual([
      { name: 'Address', value: '198.18.0.77' },
      { name: 'Subnet', value: 'Lab (198.18.0.0/24)' },
      { name: 'Probe', value: 'probe-rack-1' },
      { name: 'First seen', value: '2026-01-15 11:58:00 UTC' },
    ]);
  });

  it('names the facts of a host event', () => {
    expect(factsOf(TEST_EVENTS['port.opened with 3 services']!)).toEqual([
      { name: 'Host', value: 'nas (198.18.0.10)' },
      { name: 'Subnet', value: 'Lab (198.18.0.0/24)' },
      { name: 'Probe', value: 'probe-rack-1' },
      { name: 'State', value: 'closed → open' },
      { name: 'Ports (3)', value: '22/tcp ssh (OpenSSH 9.6), 80/tcp http, 53/udp' },
      { name: 'Tags', value: 'storage, homelab' },
    ]);
  });

  it('names at most 20 of 40 hosts, and counts the rest', () => {
    const hosts = factsOf(TEST_EVENTS['subnet.degraded with 40 hosts']!).find((f) => f.name === 'Hosts (40)');
    expect(hosts?.value.split(', ')).toHaveLength(20);
    expect(hosts?.value).toMatch(/^host-20 \(198\.18\.0\.20\), .* and 20 more$/);
  });

  it('says when a maintenance window held the event back', () => {
    expect(factsOf(TEST_EVENTS['hostile text']!)).toContainEqual({ name: 'Note', value: 'held back by a maintenance window' });
  });

  it.each([
    ['2026-01-15T12:00:00.000Z', '2026-01-15 12:00:00 UTC'],
    ['2026-01-15T13:00:00+01:00', '2026-01-15 12:00:00 UTC'],
    ['not a time', 'not a time'],
  ])('utcText %j', (iso, expected) => expect(utcText(iso)).toBe(expected));

  it.each([
    ['https://ipam.example/#/?host=1', 'https://ipam.example/#/?host=1'],
    ['https://ÍPAM.example/ä b', 'https://xn--pam-qma.example/%C3%A4%20b'],
    ['javascript:alert(1)', null],
    ['not a url', null],
    [null, null],
  ])('linkOf %j', (url, expected) => {
    const event = { ...TEST_EVENTS['host.up']!, data: { ...TEST_EVENTS['host.up']!.data, host: testHost(1, { url }) } };
    expect(linkOf(event)).toBe(expected);
  });
});
