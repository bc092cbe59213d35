import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { chipsOf, chipText, jobEnded, portEventText, portName, portScanSummary, probeRuns, scanPercent, scanRefusal, splitChips, staleNote } from './ports.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const chip = (port: number, protocol: 'tcp' | 'udp', service: string | null) => ({ port, protocol, service });

describe('port chips', () => {
  it.each([
    [chip(22, 'tcp', 'ssh'), '22/ssh', '22/tcp ssh'],
    [chip(443, 'tcp', 'https'), '443/https', '443/tcp https'],
    [chip(8081, 'tcp', null), '8081/tcp', '8081/tcp'],
    [chip(9999, 'tcp', 'unknown'), '9999/tcp', '9999/tcp'],
    [chip(53, 'udp', 'domain'), '53/udp', '53/udp domain'],
    [chip(161, 'udp', null), '161/udp', '161/udp'],
  ])('%o reads %s (in full %s)', (c, text, name) => {
    expect(chipText(c)).toBe(text);
    expect(portName(c)).toBe(name);
  });

  it('reads the table answer’s tuples', () => {
    expect(chipsOf([[22, 'tcp', 'ssh'], [53, 'udp', null]])).toEqual([chip(22, 'tcp', 'ssh'), chip(53, 'udp', null)]);
    expect(chipsOf(undefined)).toEqual([]);
  });

  const five = [22, 80, 443, 8080, 9000].map((p) => chip(p, 'tcp', null));
  it.each([
    [[], 0, 0],
    [five.slice(0, 1), 1, 0],
    [five.slice(0, 3), 3, 0],
    [five.slice(0, 4), 3, 1],
    [five, 3, 2],
  ])('splits %j into shown and "+N"', (ports, shown, rest) => {
    const s = splitChips(ports);
    expect([s.shown.length, s.rest.length]).toEqual([shown, rest]);
    expect([...s.shown, ...s.rest]).toEqual(ports);
  });

  it.each([
    ['up', '2026-11-26T11:59:00Z', ''],
    ['down', '2026-11-26T09:00:00Z', 'last seen 3 h ago; host is down'],
    ['unknown', '2026-11-26T11:48:00Z', 'last seen 12 m ago; host state unknown'],
    ['down', null, 'last known ports; host is down'],
  ])('a %s host seen %s: %s', (status, seen, note) => expect(staleNote(status, seen, NOW)).toBe(note));
});

describe('port events, scans and probes', () => {
  const base = { port: 22, protocol: 'tcp', service: 'ssh', product: 'OpenSSH', version: '9.2p1', previous: null };
  it.each([
    [{ ...base, change: 'opened' }, '22/tcp ssh opened'],
    [{ ...base, change: 'closed' }, '22/tcp ssh closed'],
    [{ ...base, port: 53, protocol: 'udp', service: null, change: 'opened' }, '53/udp opened'],
    [{ ...base, port: 443, service: 'https', product: 'nginx', version: '1.25', change: 'changed', previous: { service: 'http', product: null, version: null } }, '443/tcp changed: http → https (nginx 1.25)'],
    [{ ...base, change: 'changed', previous: { service: 'ssh', product: 'OpenSSH', version: '8.4' } }, '22/tcp changed: ssh (OpenSSH 8.4) → ssh (OpenSSH 9.2p1)'],
    [{ ...base, service: null, product: null, version: null, change: 'changed', previous: { service: 'ssh', product: null, version: null } }, '22/tcp changed: ssh → unknown'],
  ])('%o: %s', (e, text) => expect(portEventText(e)).toBe(text));

  it.each([
    [null, null],
    [{ state: 'queued' }, null],
    [{ done: 0, total: 100 }, 0],
    [{ done: 42, total: 100 }, 42],
    [{ done: 1, total: 3 }, 33],
    [{ done: 120, total: 100 }, 100],
    [{ done: 5, total: 0 }, null],
  ])('scanPercent(%o) = %s', (job, pct) => expect(scanPercent(job)).toBe(pct));

  it.each([
    [{ code: 'scan_rate_limited', status: 429, details: { retryAfterSeconds: 41.2 }, message: 'x' }, 'Ports were scanned moments ago; try again in 42 s.'],
    [{ code: 'scan_rate_limited', status: 429, message: 'x' }, 'Ports were scanned moments ago; try again shortly.'],
    [{ code: 'no_probe', status: 409, message: 'x' }, 'This subnet has no probe: assign one on the Subnets page.'],
    [{ code: 'probe_offline', status: 409, message: 'x' }, 'The subnet’s probe is offline: it cannot scan now.'],
    [{ code: 'unsupported_by_probe', status: 409, message: 'probe 3 (version 0.2.0) does not run port scans; upgrade it' }, 'The probe cannot scan ports: probe 3 (version 0.2.0) does not run port scans; upgrade it'],
    [{ code: 'no_alive_hosts', status: 409, message: 'x' }, 'No host of this subnet is up: nothing to scan.'],
    [{ code: 'forbidden_nmap_option', status: 400, message: '--script is not allowed' }, '--script is not allowed'],
  ])('scanRefusal(%o)', (err, text) => expect(scanRefusal(err)).toBe(text));

  it.each([
    ['0.3.0', ['sweep', 'port_scan'], '0.3.0 · sweep, port_scan'],
    ['0.2.1', ['sweep'], '0.2.1 · sweep only (old probe)'],
    ['0.2.1', null, '0.2.1'],
    [null, null, '—'],
  ])('probeRuns(%s, %j) = %s', (version, kinds, text) => expect(probeRuns(version, kinds)).toBe(text));

  it.each([
    [{ enabled: false, args: null, intervalMinutes: null }, 'off'],
    [{ enabled: true, args: null, intervalMinutes: null }, 'default interval, default arguments'],
    [{ enabled: true, args: '-Pn -T4 -p 22,80', intervalMinutes: 30 }, 'every 30 min, -Pn -T4 -p 22,80'],
    [undefined, 'off'],
  ])('portScanSummary(%o) = %s', (p, text) => expect(portScanSummary(p)).toBe(text));
});

describe('jobEnded', () => {
  it.each([
    ['queued', false],
    ['started', false],
    ['progress', false],
    ['done', true],
    ['failed', true],
    ['unsupported', true],
  ])('%s: %s', (state, ended) => expect(jobEnded(state)).toBe(ended));
});
