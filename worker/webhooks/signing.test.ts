import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isWebhookSecret, newWebhookSecret, signatureHeader, signedHeaders } from './signing.js';

// The example vector published with the Standard Webhooks specification and its reference libraries.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function independentHmac(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64');
}

describe('signatureHeader', () => {
  it("reproduces the specification's example vector", () => {
    expect(signatureHeader([SPEC.secret], SPEC.msgId, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  const now = Math.floor(Date.now() / 1000); // the verifier rejects timestamps more than 5 minutes away
  const oldSecret = newWebhookSecret();
  const newSecret = newWebhookSecret();
  const body = JSON.stringify({ type: 'host.down', data: { ip: '198.18.0.10', note: 'é ✓ 🚨' } });

  it('signs with every secret during a rotation; each verifies on its own', () => {
    const headers = signedHeaders([newSecret, oldSecret], 'evt_1', now, body);
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-timestamp']).toBe(String(now));
    const parts = headers['webhook-signature'].split(' ');
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    for (const secret of [newSecret, oldSecret]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it.each([
    ['a changed body', { body: body.replace('198.18.0.10', '198.18.0.11') }],
    ['a changed id', { id: 'evt_2' }],
    ['a changed timestamp', { timestamp: String(now - 1) }],
  ])('fails verification after %s', (_name, change: { body?: string; id?: string; timestamp?: string }) => {
    const headers = signedHeaders([newSecret], 'evt_1', now, body);
    const tampered = {
      ...headers,
      'webhook-id': change.id ?? headers['webhook-id'],
      'webhook-timestamp': change.timestamp ?? headers['webhook-timestamp'],
    };
    expect(() => new Webhook(newSecret).verify(change.body ?? body, tampered)).toThrow(WebhookVerificationError);
  });

  it.each([
    [SPEC.secret, SPEC.msgId, SPEC.timestamp, SPEC.body],
    [newSecret, 'evt_01J', now, body],
    [oldSecret, 'x', 0, ''],
  ])('matches an independent node:crypto HMAC (%#)', (secret, msgId, timestamp, text) => {
    expect(signatureHeader([secret], msgId, timestamp, text)).toBe(independentHmac(secret, msgId, timestamp, text));
  });

  it.each([
    ['no secret', [], 'evt_1', now],
    ['a secret that is not whsec_', ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], 'evt_1', now],
    ["an id with '.'", [newSecret], 'evt.1', now],
    ['an empty id', [newSecret], '', now],
    ['a fractional timestamp', [newSecret], 'evt_1', now + 0.5],
    ['a negative timestamp', [newSecret], 'evt_1', -1],
  ])('refuses %s', (_name, secrets, msgId, timestamp) => {
    expect(() => signatureHeader(secrets, msgId, timestamp, body)).toThrow();
  });
});

describe('newWebhookSecret', () => {
  it('is whsec_ + base64 of 32 random bytes, different every time', () => {
    const secrets = Array.from({ length: 50 }, () => newWebhookSecret());
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
      expect(isWebhookSecret(secret)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('isWebhookSecret', () => {
  it.each([
    [SPEC.secret, true],
    ['whsec_' + Buffer.alloc(16, 7).toString('base64'), true], // 16 bytes: the floor
    ['whsec_' + Buffer.alloc(15, 7).toString('base64'), false],
    ['whsec_' + Buffer.alloc(64, 7).toString('base64'), true],
    ['whsec_' + Buffer.alloc(65, 7).toString('base64'), false],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false], // no prefix
    ['whsec_', false],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', false], // length not a multiple of 4
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w', false], // base64url is not the spec's alphabet
    ['whsec_MfKQ9r8GKYqrTwjUPD8I LPZIo2LaLaSw', false],
    ['whsec_=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', false],
    ['WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    [42, false],
    [null, false],
  ])('%j → %s', (input, expected) => {
    expect(isWebhookSecret(input)).toBe(expected);
  });
});
