import { describe, expect, it } from 'vitest';
import { probeConfig, runnerConfig, type NetflowConfig } from './config.js';

const base = { SERVER_URL: 'http://127.0.0.1:8787', PROBE_TOKEN: 'eipp_0123456789' };
const config = (env: Record<string, string>) => probeConfig([], { ...base, ...env });

describe('probeConfig: MAC collection and names', () => {
  it('defaults: MACs on, names on through the system resolvers, 16 at once', () => {
    const c = config({});
    expect(c.macCollection).toBe(true);
    expect(c.names).toEqual({ enabled: true, dnsServers: null, concurrency: 16 });
  });
  it.each<[Record<string, string>, Partial<ReturnType<typeof probeConfig>>]>([
    [{ MAC_COLLECTION: '0' }, { macCollection: false }],
    [{ MAC_COLLECTION: 'off' }, { macCollection: false }],
    [{ MAC_COLLECTION: 'TRUE' }, { macCollection: true }],
    [{ MAC_COLLECTION: '' }, { macCollection: true }],
    [{ PTR_LOOKUP: 'no' }, { names: { enabled: false, dnsServers: null, concurrency: 16 } }],
    [
      { DNS_SERVER: '127.0.0.1:53535, [fd00::53]:5353', PTR_CONCURRENCY: '4' },
      {
        names: {
          enabled: true,
          dnsServers: [
            { host: '127.0.0.1', port: 53535 },
            { host: 'fd00::53', port: 5353 },
          ],
          concurrency: 4,
        },
      },
    ],
  ])('%j', (env, expected) => expect(config(env)).toMatchObject(expected));
  it.each<[Record<string, string>, RegExp]>([
    [{ MAC_COLLECTION: 'maybe' }, /MAC_COLLECTION must be 1 or 0/],
    [{ DNS_SERVER: 'dns.example' }, /DNS_SERVER: "dns.example" is not a DNS server address/],
    [{ PTR_CONCURRENCY: '0' }, /PTR_CONCURRENCY must be 1 to 256/],
  ])('refuses %j', (env, message) => expect(() => config(env)).toThrow(message));
});

describe('probeConfig: the NetFlow collector', () => {
  const defaults: NetflowConfig = {
    enabled: true,
    bindHost: '0.0.0.0',
    bindPort: 2055,
    templateLifetimeMs: 1_800_000,
    samplingOverrides: new Map(),
    allowedExporters: [],
    top: 100,
    recvBufferBytes: 16 * 1024 * 1024,
    logFile: null,
    logMaxBytes: 100 * 1024 * 1024,
    logFiles: 5,
    flushGraceMs: 5_000,
  };
  it('defaults: on, 0.0.0.0:2055, templates kept 30 minutes, top 100, 16 MiB receive buffer, no flow log', () => {
    expect(config({}).netflow).toEqual(defaults);
  });
  it('runnerConfig reads the same (the Node host builds its local probe from it)', () => {
    expect(runnerConfig({ NETFLOW_BIND_PORT: '9995', NETFLOW_ENABLED: 'off' }).netflow).toEqual({ ...defaults, bindPort: 9995, enabled: false });
  });
  it.each<[Record<string, string>, Partial<NetflowConfig>]>([
    [{ NETFLOW_ENABLED: '0' }, { enabled: false }],
    [{ NETFLOW_BIND_HOST: '::' }, { bindHost: '::' }],
    [{ NETFLOW_BIND_HOST: '[FD00::0:1]' }, { bindHost: 'fd00::1' }],
    [{ NETFLOW_BIND_PORT: '0' }, { bindPort: 0 }],
    [{ NETFLOW_TEMPLATE_TTL_SECONDS: '60' }, { templateLifetimeMs: 60_000 }],
    [{ NETFLOW_TOP: '20' }, { top: 20 }],
    [{ NETFLOW_RECV_BUFFER: '1048576' }, { recvBufferBytes: 1_048_576 }],
    [{ NETFLOW_LOG_FILE: ' /var/log/flows.jsonl ', NETFLOW_LOG_MAX_BYTES: '1048576', NETFLOW_LOG_FILES: '2' }, { logFile: '/var/log/flows.jsonl', logMaxBytes: 1_048_576, logFiles: 2 }],
    [
      { NETFLOW_SAMPLING: '198.18.0.1=100, [fd00::0:2]=512,,198.19.0.1=1' },
      {
        samplingOverrides: new Map([
          ['198.18.0.1', 100],
          ['fd00::2', 512],
          ['198.19.0.1', 1],
        ]),
      },
    ],
    [{ NETFLOW_SAMPLING: '' }, { samplingOverrides: new Map() }],
    [{ NETFLOW_EXPORTERS: '198.18.0.0/15, 198.19.0.7 ,fd00::/8,FD00::0:9' }, { allowedExporters: ['198.18.0.0/15', '198.19.0.7/32', 'fd00::/8', 'fd00::9/128'] }],
    [{ NETFLOW_EXPORTERS: ' ' }, { allowedExporters: [] }],
  ])('%j', (env, expected) => expect(config(env).netflow).toEqual({ ...defaults, ...expected }));
  it.each<[Record<string, string>, RegExp]>([
    [{ NETFLOW_ENABLED: 'sometimes' }, /NETFLOW_ENABLED must be 1 or 0/],
    [{ NETFLOW_BIND_HOST: 'localhost' }, /NETFLOW_BIND_HOST must be an address of this machine, 0.0.0.0 or ::, got "localhost"/],
    [{ NETFLOW_BIND_PORT: '65536' }, /NETFLOW_BIND_PORT must be 0 to 65535/],
    [{ NETFLOW_BIND_PORT: 'x' }, /NETFLOW_BIND_PORT must be a number/],
    [{ NETFLOW_TEMPLATE_TTL_SECONDS: '5' }, /NETFLOW_TEMPLATE_TTL_SECONDS must be 10 to 86400/],
    [{ NETFLOW_TOP: '101' }, /NETFLOW_TOP must be 1 to 100/],
    [{ NETFLOW_TOP: '2.5' }, /NETFLOW_TOP must be a whole number/],
    [{ NETFLOW_RECV_BUFFER: '1000' }, /NETFLOW_RECV_BUFFER must be 65536 to/],
    [{ NETFLOW_LOG_FILES: '0' }, /NETFLOW_LOG_FILES must be 1 to 100/],
    [{ NETFLOW_SAMPLING: 'router1=100' }, /NETFLOW_SAMPLING: "router1=100" is not address=rate/],
    [{ NETFLOW_SAMPLING: '198.18.0.1' }, /NETFLOW_SAMPLING: "198.18.0.1" is not address=rate/],
    [{ NETFLOW_SAMPLING: '198.18.0.1=0' }, /the rate must be a whole number 1 to 16777216/],
    [{ NETFLOW_SAMPLING: '198.18.0.1=1.5' }, /the rate must be a whole number/],
    [{ NETFLOW_SAMPLING: '198.18.0.1=2,198.18.0.1=3' }, /198.18.0.1 is given twice/],
    [{ NETFLOW_EXPORTERS: 'router1' }, /NETFLOW_EXPORTERS: "router1" is not an address or a CIDR/],
    [{ NETFLOW_EXPORTERS: '198.18.0.1/15' }, /NETFLOW_EXPORTERS: "198.18.0.1\/15" is not an address or a CIDR/],
  ])('refuses %j', (env, message) => expect(() => config(env)).toThrow(message));
});

describe('probeConfig: traffic tests', () => {
  it('defaults: iperf3 from PATH, ports 5201-5210', () => {
    expect(config({}).traffic).toEqual({ iperf3Bin: 'iperf3', ports: [{ from: 5201, to: 5210 }] });
    expect(runnerConfig({ IPERF3_BIN: '/opt/iperf3' }).traffic.iperf3Bin).toBe('/opt/iperf3');
  });
  it.each<[string, { from: number; to: number }[]]>([
    ['5201', [{ from: 5201, to: 5201 }]],
    [' 5201 - 5203 , 6000,', [{ from: 5201, to: 5203 }, { from: 6000, to: 6000 }]],
    ['1-65535', [{ from: 1, to: 65_535 }]],
  ])('TRAFFIC_PORTS=%j', (text, ports) => expect(config({ TRAFFIC_PORTS: text }).traffic.ports).toEqual(ports));
  it.each(['0', '70000', '5210-5201', 'http', '5201-', ' , '])('refuses TRAFFIC_PORTS=%j', (text) =>
    expect(() => config({ TRAFFIC_PORTS: text })).toThrow(/TRAFFIC_PORTS: /),
  );
});
