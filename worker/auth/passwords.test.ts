import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with PBKDF2 and verifies', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('correct horse', h)).toEqual({ ok: true, rehash: false });
    expect(await verifyPassword('correct horsE', h)).toEqual({ ok: false, rehash: false });
    expect(await hashPassword('correct horse')).not.toBe(h);
  });

  it('a weaker PBKDF2 cost verifies and asks for a rehash', async () => {
    const h = await hashPassword('pw', 1000);
    expect(await verifyPassword('pw', h)).toEqual({ ok: true, rehash: true });
  });

  it('bcrypt hashes from before keep working and ask for a rehash', async () => {
    const h = await bcrypt.hash('old secret', 4);
    expect(await verifyPassword('old secret', h)).toEqual({ ok: true, rehash: true });
    expect(await verifyPassword('new secret', h)).toEqual({ ok: false, rehash: false });
  });

  it.each(['', 'plain', 'pbkdf2-sha256$0$AA==$AA==', 'pbkdf2-sha256$99999999$AA==$AA==', DUMMY_HASH])('refuses against %s', async (stored) => {
    expect((await verifyPassword('anything', stored)).ok).toBe(false);
  });

  // RFC 7914 §11 gives PBKDF2-HMAC-SHA256 vectors: P="passwd", S="salt", c=1, dkLen=64 begins 55 ac 04 6e
  it('derives the RFC 7914 PBKDF2-SHA256 vector', async () => {
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('passwd'), 'PBKDF2', false, ['deriveBits']);
    const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode('salt'), iterations: 1 }, key, 512));
    expect(Buffer.from(bits.slice(0, 8)).toString('hex')).toBe('55ac046e56e3089f');
  });
});
