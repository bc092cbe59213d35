/**
 * The fields issue 15 adds to the API: a subnet's group, VLAN and gateway (the gateway must lie inside it), and a
 * host's reservation time and expiry (set when it becomes reserved, cleared when it stops being so).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
afterEach(() => t?.close());

describe('subnet group, VLAN and gateway', () => {
  it('are stored on create and PATCH, listed, and the gateway is checked against the subnet', async () => {
    t = await makeTestApp();
    const created = await t.call('POST', '/api/subnets', { cidr: '198.18.7.0/24', groupName: 'Branch A', vlan: 120, gateway: '198.18.7.1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ groupName: 'Branch A', vlan: 120, gateway: '198.18.7.1' });
    const plain = (await t.call('POST', '/api/subnets', { cidr: '198.18.8.0/24' })).body;
    expect(plain).toMatchObject({ groupName: '', vlan: null, gateway: null });

    const outside = await t.call('PATCH', `/api/subnets/${created.body.id}`, { gateway: '198.18.8.1' });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe('gateway_outside_subnet');
    expect((await t.call('POST', '/api/subnets', { cidr: '198.18.9.0/24', gateway: 'not-an-ip' })).body.error.code).toBe('invalid_gateway');
    expect((await t.call('POST', '/api/subnets', { cidr: '198.18.9.0/24', vlan: 4095 })).status).toBe(400);
    expect((await t.call('GET', '/api/subnets')).body.subnets.find((s: any) => s.cidr === '198.18.9.0/24')).toBeUndefined();

    const patched = await t.call('PATCH', `/api/subnets/${created.body.id}`, { gateway: null, vlan: null, groupName: 'Branch B' });
    expect(patched.body).toMatchObject({ groupName: 'Branch B', vlan: null, gateway: null });
    const listed = (await t.call('GET', '/api/subnets')).body.subnets.find((s: any) => s.id === created.body.id);
    expect(listed).toMatchObject({ groupName: 'Branch B', vlan: null, gateway: null });
  });
});

describe('reservation time and expiry', () => {
  it('reservedAt is set when an address becomes reserved, kept while it stays so, and both clear when it stops', async () => {
    t = await makeTestApp();
    await t.call('POST', '/api/subnets', { cidr: '198.18.7.0/24' });
    const until = new Date(t.clock.now() + 7 * 86_400_000).toISOString();
    const host = await t.call('POST', '/api/hosts', { ip: '198.18.7.20', reserved: true, reservedBy: 'ana', reservedUntil: until });
    expect(host.status).toBe(201);
    expect(host.body).toMatchObject({ reserved: true, reservedAt: new Date(t.clock.now()).toISOString(), reservedUntil: until });

    t.clock.advance(60_000);
    const kept = await t.call('PATCH', `/api/hosts/${host.body.id}`, { reserved: true, reservedNote: 'lab' });
    expect(kept.body.reservedAt).toBe(host.body.reservedAt);
    expect(kept.body.reservedUntil).toBe(until);
    const never = await t.call('PATCH', `/api/hosts/${host.body.id}`, { reservedUntil: null });
    expect(never.body).toMatchObject({ reserved: true, reservedUntil: null });

    const freed = await t.call('PATCH', `/api/hosts/${host.body.id}`, { reserved: false, reservedUntil: until });
    expect(freed.body).toMatchObject({ reserved: false, reservedAt: null, reservedUntil: null });
    const again = await t.call('PATCH', `/api/hosts/${host.body.id}`, { reserved: true });
    expect(again.body.reservedAt).toBe(new Date(t.clock.now()).toISOString());

    const plain = (await t.call('POST', '/api/hosts', { ip: '198.18.7.21' })).body;
    expect(plain).toMatchObject({ reserved: false, reservedAt: null, reservedUntil: null });
    expect((await t.call('PATCH', `/api/hosts/${plain.id}`, { reservedUntil: 'next week' })).status).toBe(400);
    // an expiry needs a reservation, and a new reservation does not inherit an old expiry
    const lone = await t.call('PATCH', `/api/hosts/${plain.id}`, { reservedUntil: until });
    expect([lone.status, lone.body.error.code]).toEqual([400, 'not_reserved']);
    expect((await t.call('POST', '/api/hosts', { ip: '198.18.7.22', reservedUntil: until })).body.error.code).toBe('not_reserved');
    await t.client.execute({ sql: 'UPDATE hosts SET reserved_until = ? WHERE id = ?', args: [t.clock.now() - 1, plain.id] });
    const fresh = await t.call('PATCH', `/api/hosts/${plain.id}`, { reserved: true });
    expect(fresh.body).toMatchObject({ reserved: true, reservedUntil: null });
    expect((await t.call('PATCH', `/api/hosts/${plain.id}`, { reserved: true, reservedUntil: until })).body.reservedUntil).toBe(until);
  });
});
