import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../support/live.js';
import { startTestServer } from '../support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;

/** A raw GET, so the test sees the bytes on the wire (fetch would decompress them). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  server = await startTestServer();
  cookie = await server.login();
  for (let i = 0; i < 30; i++) await fetch(`${server.url}/api/subnets`, { method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ cidr: `198.18.${i}.0/24`, name: `lab ${i}` }) });
});
afterAll(() => server.close());

describe('the Node host', () => {
  it('gzips JSON for clients that accept it', async () => {
    const gz = await rawGet('/api/subnets', { cookie, 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['vary']).toMatch(/accept-encoding/i);
    const plain = await rawGet('/api/subnets', { cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(gz.body).toString()).toBe(plain.body.toString());
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
  });

  it('streams the live feed uncompressed and unbuffered', async () => {
    const live = await LiveClient.open((path, init) => fetch(server.url + path, { ...init, headers: { ...(init.headers as Record<string, string>), 'accept-encoding': 'gzip' } }), { cookie });
    expect(live.response.headers.get('content-encoding')).toBeNull();
    expect(live.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await live.next('hello', undefined, 1000);
    const started = Date.now();
    await fetch(`${server.url}/api/subnets`, { method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ cidr: '198.18.200.0/24' }) });
    await live.next('subnets', undefined, 1000);
    expect(Date.now() - started).toBeLessThan(500);
    live.close();
  });

  it('shuts down while a live stream is open', async () => {
    const other = await startTestServer();
    const live = await LiveClient.open((path, init) => fetch(other.url + path, init), { cookie: await other.login() });
    await live.next('hello');
    const closed = other.close();
    await expect(Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 5000))])).resolves.toBe('closed');
  });
});
