/**
 * Verified allocation on both hosts (Node with libSQL; the Worker in workerd with D1, where the probe's result is
 * stored by its Durable Object while the request waits in the Worker): a RawProbe answering `address-check` jobs, the
 * same answers, 20 requests at once getting 20 distinct addresses, an exhausted /30 answering 409, and an unused
 * reservation released by the duties once it expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressChecker } from '../support/address-checker.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

describe.each(HOSTS)('verified allocation on the %s host', (host) => {
  let server: Target;
  let api: ReturnType<typeof client>;
  let ws: RawProbe;
  let checker: AddressChecker;
  const subnet: Record<'lab' | 'small', number> = { lab: 0, small: 0 };
  const hostsOf = async (id: number) => (await api('GET', `/api/hosts?subnetId=${id}&limit=500`)).body.hosts as any[];

  beforeAll(async () => {
    // workerd's local D1 stores one results frame in ~0.3 s, one after another in the probe's object: the last of 20
    // checks at once arrives seconds after its job, more than the default wait allows on a busy machine
    server = await startTarget(host, { ALLOCATE_VERIFY_TIMEOUT_MS: '30000' });
    api = client(server.url, await login(server.url));
    const p = (await api('POST', '/api/probes', { name: 'c-checker' })).body;
    ws = await RawProbe.connect(server.url, p.token);
    await ws.next('assignment');
    ws.send({ type: 'hello', version: '0.7.0', protocol: 1, hostname: 'c-checker', kinds: ['sweep', 'address-check'] });
    ws.send({ type: 'ping' });
    await ws.next('pong');
    checker = new AddressChecker(ws, () => Date.now());
    for (const [name, cidr] of [['lab', '198.18.248.0/24'], ['small', '198.18.249.0/30']] as const) {
      const res = await api('POST', '/api/subnets', { cidr, probeId: p.id, sweepIntervalSeconds: 3600 });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      subnet[name] = res.body.id;
    }
  }, 90_000);
  afterAll(async () => {
    ws?.close();
    await server.close();
  });

  it('checks the candidates through the probe: one in use is skipped and recorded, the next clean one reserved; /free shows the surplus checked', async () => {
    checker.shows.set('198.18.248.1', { signs: ['tcp'] });
    const res = await api('POST', `/api/subnets/${subnet.lab}/allocate`, { hostname: 'c-box', reservedBy: 'contract' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(checker.jobs.map((j) => j.addresses)).toEqual([['198.18.248.1', '198.18.248.2', '198.18.248.3']]);
    expect(res.body).toMatchObject({
      subnetId: subnet.lab,
      verified: true,
      addresses: [{ ip: '198.18.248.2', hostId: expect.any(Number), previouslyUsed: null, check: { at: expect.any(String), signs: [], skipped: [] } }],
      skipped: [{ ip: '198.18.248.1', signs: [{ check: 'tcp', detail: 'tcp/22 open' }], hostId: expect.any(Number) }],
    });
    const hosts = await hostsOf(subnet.lab);
    expect(hosts.map((h) => [h.ip, h.status, h.reserved, h.hostname])).toEqual([
      ['198.18.248.1', 'up', false, null],
      ['198.18.248.2', 'unknown', true, 'c-box'],
    ]);
    expect(hosts[1]).toMatchObject({ id: res.body.addresses[0].hostId, reservedBy: 'contract', reservedAt: expect.any(String) });
    const free = (await api('GET', `/api/subnets/${subnet.lab}/free?limit=2`)).body;
    expect(free.addresses).toEqual(['198.18.248.3', '198.18.248.4']);
    expect(free.verified).toEqual({ '198.18.248.3': { at: res.body.addresses[0].check.at, alive: false, signs: [], skipped: [] } });
    const audit = (await api('GET', '/api/audit?action=host.allocate')).body.entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin', details: { addresses: ['198.18.248.2'], skipped: ['198.18.248.1'] } });
  });

  it('20 requests at once get 20 distinct addresses, each checked and reserved', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => api('POST', `/api/subnets/${subnet.lab}/allocate`, {})));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const ips = answers.map((a) => a.body.addresses[0].ip as string);
    expect(new Set(ips).size).toBe(20);
    for (const a of answers) expect(a.body).toMatchObject({ verified: true, skipped: [], addresses: [{ check: { signs: [] } }] });
    const reserved = (await hostsOf(subnet.lab)).filter((h) => h.reserved).map((h) => h.ip);
    expect(reserved.sort()).toEqual([...ips, '198.18.248.2'].sort());
  }, 60_000);

  it('an exhausted /30 answers 409 subnet_full and reserves nothing', async () => {
    const first = await api('POST', `/api/subnets/${subnet.small}/allocate`, { count: 2 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.249.1', '198.18.249.2']);
    const full = await api('POST', `/api/subnets/${subnet.small}/allocate`, {});
    expect([full.status, full.body.error.code]).toEqual([409, 'subnet_full']);
    expect((await hostsOf(subnet.small)).length).toBe(2);
  });

  it('verify:false hands out unchecked; once its reservedUntil has passed unused, the duties release it (audited)', async () => {
    const jobs = checker.jobs.length;
    const until = new Date(Date.now() + 1500).toISOString();
    const res = await api('POST', `/api/subnets/${subnet.lab}/allocate`, { verify: false, reservedUntil: until });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ verified: false, skipped: [], addresses: [{ check: null }] });
    expect(checker.jobs.length).toBe(jobs);
    const { hostId, ip } = res.body.addresses[0];
    await new Promise((r) => setTimeout(r, 2000));
    await server.cron();
    expect((await api('GET', `/api/hosts/${hostId}`)).status).toBe(404);
    const released = (await api('GET', '/api/audit?action=reservation.released')).body.entries;
    expect(released).toMatchObject([{ actor: 'system', targetId: String(hostId), details: { ip, deleted: true, reservedUntil: until } }]);
  }, 30_000);
});
