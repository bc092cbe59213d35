import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENDED_EARLY, lastProgressPercent, parseNmapPortScan, UNPARSEABLE, type ScannedPort } from './nmap-xml.js';

/**
 * Fixtures are real nmap 7.93 output (each names its command in its header comment) of scans of loopback only, against
 * listeners started for the capture: 18022 writes `SSH-2.0-OpenSSH_9.2p1\r\n` on connect, 18080 is a node http server
 * answering like Express (X-Powered-By), 18081 a bare node http server, 5432 accepts and never speaks, UDP 18053 echoes,
 * UDP 18054 reads and never answers; every other port is closed. error.xml is `-sS -e nosuchif0` (nmap stops after
 * starting its XML); killed.xml was cut by SIGKILL during service detection. unanswered.xml is hand-made (see its comment).
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.xml`, import.meta.url), 'utf8');

const port = (p: Partial<ScannedPort> & Pick<ScannedPort, 'port'>): ScannedPort => ({ protocol: 'tcp', state: 'open', service: null, product: null, version: null, ...p });
const ssh = port({ port: 18022, service: 'ssh', product: 'OpenSSH', version: '9.2p1' });
const http = port({ port: 18080, service: 'http', product: 'Node.js' });

describe('parseNmapPortScan on captured scans', () => {
  it.each<[string, Omit<ReturnType<typeof parseNmapPortScan>, 'scanned'>]>([
    // -sV: the SSH banner is ssh/OpenSSH/9.2p1 (extrainfo "protocol 2.0" is not the version), the node server http/Node.js with no version;
    // a server nmap cannot name is "unknown" (its servicefp dropped); the closed port is left out but makes the host responsive
    ['tcp-services', { hosts: [{ ip: '127.0.0.1', ports: [ssh, http, port({ port: 18081, service: 'unknown' })], responsive: true }], error: null }],
    ['tcp-ipv6', { hosts: [{ ip: '::1', ports: [ssh, http], responsive: true }], error: null }],
    // only closed ports: no open port, yet the host answered (refused connections)
    ['tcp-closed', { hosts: [{ ip: '127.0.0.1', ports: [], responsive: true }], error: null }],
    // a range: the 98 closed ports come as one <extraports>; without -sV a port has no <service> or a table guess
    ['tcp-range', { hosts: [{ ip: '127.0.0.1', ports: [port({ port: 18022 }), port({ port: 18080, service: 'unknown' }), port({ port: 18081 })], responsive: true }], error: null }],
    // method="table": the name is nmap's guess from the port number, kept
    ['tcp-table', { hosts: [{ ip: '127.0.0.1', ports: [port({ port: 5432, service: 'postgresql' })], responsive: true }], error: null }],
    // UDP: a reply is open, silence is open|filtered (kept), an ICMP port unreachable is closed (left out)
    [
      'udp',
      {
        hosts: [{ ip: '127.0.0.1', ports: [port({ port: 18053, protocol: 'udp', service: 'unknown' }), port({ port: 18054, protocol: 'udp', state: 'open|filtered' })], responsive: true }],
        error: null,
      },
    ],
    // -sT -sU -sV together: tcp before udp; -sV names the UDP echo
    [
      'mixed',
      {
        hosts: [{ ip: '127.0.0.1', ports: [ssh, http, port({ port: 18053, protocol: 'udp', service: 'echo' }), port({ port: 18054, protocol: 'udp', state: 'open|filtered' })], responsive: true }],
        error: null,
      },
    ],
    // --stats-every: <taskprogress> elements between the header and the host do not disturb the parse
    ['progress', { hosts: [{ ip: '127.0.0.1', ports: [port({ port: 18022 }), port({ port: 18080, service: 'unknown' }), port({ port: 18081 })], responsive: true }], error: null }],
    // nmap's own fatal error, written into <runstats><finished errormsg>
    ['error', { hosts: [], error: 'I cannot figure out what source address to use for device nosuchif0, does it even exist?' }],
    // SIGKILLed mid-scan: no host was finished, and the output says so
    ['killed', { hosts: [], error: ENDED_EARLY }],
    // hand-made: under -Pn a host whose every port is filtered is "up" but nothing answered; a down host likewise
    [
      'unanswered',
      {
        hosts: [
          { ip: '198.18.0.9', ports: [], responsive: false },
          { ip: '198.18.0.10', ports: [], responsive: false },
        ],
        error: null,
      },
    ],
  ])('%s.xml', (name, expected) => {
    const { scanned: _scanned, ...parsed } = parseNmapPortScan(fixture(name));
    expect(parsed).toEqual(expected);
  });

  // the ports nmap looked at, per protocol: the server closes only stored ports among them
  it.each<[string, ReturnType<typeof parseNmapPortScan>['scanned']]>([
    ['tcp-services', { tcp: '18022,18080-18081,18099' }],
    ['mixed', { tcp: '18022,18080,18099', udp: '18053-18054' }],
    ['udp', { udp: '18053-18055' }],
    ['error', {}],
    ['killed', {}], // no host finished: the partial document is not read for it
  ])('%s.xml scanned', (name, scanned) => expect(parseNmapPortScan(fixture(name)).scanned).toEqual(scanned));
});

/** The host element of tcp-services.xml with its <ports> replaced. */
const withPorts = (ports: string) =>
  fixture('tcp-services').replace(/<ports>[\s\S]*<\/ports>/, `<ports>${ports}</ports>`);
const open = (protocol: string, id: number, service = '') => `<port protocol="${protocol}" portid="${id}"><state state="open" reason="syn-ack" reason_ttl="0"/>${service}</port>`;

describe('parseNmapPortScan on edited captures', () => {
  it.each<[string, string, ScannedPort[], boolean]>([
    ['sorts by protocol, then port', `${open('udp', 53)}${open('tcp', 443)}${open('udp', 7)}${open('tcp', 22)}`, [port({ port: 22 }), port({ port: 443 }), port({ port: 7, protocol: 'udp' }), port({ port: 53, protocol: 'udp' })], true],
    [
      'filtered ports alongside one reset: responsive',
      '<extraports state="filtered" count="999"><extrareasons reason="no-response" count="999" proto="tcp" ports="1-112,114-1000"/></extraports><port protocol="tcp" portid="113"><state state="closed" reason="reset" reason_ttl="64"/></port>',
      [],
      true,
    ],
    ['only open|filtered UDP ports: kept, but nothing answered', '<port protocol="udp" portid="161"><state state="open|filtered" reason="no-response" reason_ttl="0"/></port>', [port({ port: 161, protocol: 'udp', state: 'open|filtered' })], false],
    ['a closed extraports of count 0 is no answer', '<extraports state="closed" count="0"></extraports><port protocol="tcp" portid="9"><state state="filtered" reason="no-response" reason_ttl="0"/></port>', [], false],
    ['sctp and ip protocol ports are left out', `${open('sctp', 80)}${open('ip', 6)}`, [], true],
    ['a port number outside 1..65535 is left out', `${open('tcp', 0)}${open('tcp', 70000)}${open('tcp', 443)}`, [port({ port: 443 })], true],
    [
      'service, product and version are bounded and lose control characters',
      open('tcp', 80, `<service name="${'s'.repeat(100)}" product="${'p'.repeat(300)}" version="1.0&#9;beta&#x7f;" method="probed" conf="10"/>`),
      [port({ port: 80, service: 's'.repeat(64), product: 'p'.repeat(128), version: '1.0beta' })],
      true,
    ],
    ['empty attributes are null', open('tcp', 80, '<service name="" product="" method="table" conf="3"/>'), [port({ port: 80 })], true],
    ['entities are decoded', open('tcp', 80, '<service name="http" product="Foo &amp; Bar&quot;s &apos;httpd&apos;" version="2&lt;3&gt;1" method="probed" conf="10"/>'), [port({ port: 80, service: 'http', product: 'Foo & Bar"s \'httpd\'', version: '2<3>1' })], true],
    // nmap's escape() writes each byte outside printable ASCII as &#xNN; and "--" as "-&#45;"
    ['byte references are UTF-8', open('tcp', 80, '<service name="http" product="Stra&#xc3;&#x9f;e &#xe2;&#x82;&#xac; -&#45;x" version="&#xff;1" method="probed" conf="10"/>'), [port({ port: 80, service: 'http', product: 'Straße € --x', version: '\ufffd1' })], true],
    ['a reference above a byte is a code point; an unknown name stays as written', open('tcp', 80, '<service name="http" product="&#x20ac;&#8364; &nbsp; &amp;lt;" method="probed" conf="10"/>'), [port({ port: 80, service: 'http', product: '€€ &nbsp; &lt;' })], true],
  ])('%s', (_name, ports, expected, responsive) => {
    expect(parseNmapPortScan(withPorts(ports))).toMatchObject({ hosts: [{ ip: '127.0.0.1', ports: expected, responsive }], error: null });
  });

  it('skips a host without an IPv4 or IPv6 address', () => {
    const xml = fixture('tcp-services').replace('<address addr="127.0.0.1" addrtype="ipv4"/>', '<address addr="00:11:22:33:44:55" addrtype="mac"/>');
    expect(parseNmapPortScan(xml)).toMatchObject({ hosts: [], error: null });
  });

  it('returns the complete hosts of a document cut after them, and says it ended early', () => {
    const one = fixture('tcp-services');
    const body = one.slice(one.indexOf('<host '), one.indexOf('</host>') + '</host>\n'.length);
    const two = one.replace(body, body + body.replaceAll('127.0.0.1', '127.0.0.2'));
    const full = parseNmapPortScan(two);
    expect(full.hosts.map((h) => h.ip)).toEqual(['127.0.0.1', '127.0.0.2']);
    const cut = two.slice(0, two.lastIndexOf('<port protocol="tcp" portid="18080"'));
    expect(parseNmapPortScan(cut)).toMatchObject({ hosts: [full.hosts[0]], error: ENDED_EARLY });
  });

  it('never throws on any prefix of a capture, and never returns a host it did not see end', () => {
    for (const name of ['tcp-services', 'mixed', 'unanswered', 'progress']) {
      const xml = fixture(name);
      const whole = parseNmapPortScan(xml).hosts;
      for (let n = 0; n < xml.length; n += 7) {
        const result = parseNmapPortScan(xml.slice(0, n));
        const closed = xml.slice(0, n).split('</host>').length - 1;
        expect(result.hosts).toEqual(whole.slice(0, closed));
        if (n < xml.lastIndexOf('</nmaprun>')) expect(result.error).not.toBeNull();
      }
    }
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['plain text', 'Starting Nmap 7.93 ( https://nmap.org )\nQUITTING!'],
    ['JSON', '{"hosts":[]}'],
    ['another XML document', '<?xml version="1.0"?><html><body/></html>'],
    ['broken markup', '<<<nmaprun>>'],
    ['an unclosed root with a broken host', '<nmaprun><host><address addr="127.0.0.1" addrtype="ipv4"/><ports></host><</host>'],
  ])('returns no host and says so on %s', (_name, xml) => {
    expect(parseNmapPortScan(xml)).toMatchObject({ hosts: [], error: UNPARSEABLE });
  });

  it('expands no DOCTYPE entity', () => {
    const bomb = '<!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    const xml = withPorts(open('tcp', 80, '<service name="&b;" method="table" conf="3"/>')).replace('<!DOCTYPE nmaprun>', bomb);
    expect(parseNmapPortScan(xml).hosts[0]?.ports[0]?.service).toBe('&b;');
  });

  it('a bare root element is a scan of nothing', () => {
    expect(parseNmapPortScan('<nmaprun></nmaprun>')).toMatchObject({ hosts: [], error: null });
  });
});

describe('lastProgressPercent', () => {
  const connect = fixture('progress');
  it.each<[string, string, number | null]>([
    ['a whole capture: the highest of six Connect Scan reports (87.13)', connect, 87.13],
    ['no report yet', connect.slice(0, connect.indexOf('<taskprogress')), null],
    ['the first report only', connect.slice(0, connect.indexOf('/>', connect.indexOf('<taskprogress')) + 2), 12.87],
    ['a report cut inside its percent is not read', connect.slice(0, connect.indexOf('percent="27.72"') + 'percent="2'.length), 12.87],
    ['a report cut before its end is not read', connect.slice(0, connect.indexOf('percent="27.72"') + 'percent="27.72"'.length), 12.87],
    ['a chunk holding one whole report', '<taskprogress task="Service scan" time="1796128155" percent="50.00" remaining="6" etc="1796128161"/>\n', 50],
    ['the killed scan', fixture('killed'), 50],
    ['a percent above 100 is 100', '<taskprogress task="Connect Scan" percent="250.00" remaining="0"/>', 100],
    ['other elements with a percent', '<taskend task="Connect Scan" percent="99.00"/>', null],
    ['garbage', 'percent="42"', null],
  ])('%s', (_name, xml, percent) => {
    expect(lastProgressPercent(xml)).toBe(percent);
  });
});
