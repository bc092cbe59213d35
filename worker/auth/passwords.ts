import bcrypt from 'bcryptjs';
import pLimit from 'p-limit';

// PBKDF2-SHA256 through Web Crypto: native code in both Node (run on libuv's thread pool, so a login never
// blocks the event loop) and workerd. 100,000 iterations is the most workerd accepts.
export const PBKDF2_ITERATIONS = 100_000;
const PREFIX = 'pbkdf2-sha256';

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

// One hash at a time: a burst of logins then queues here instead of taking every core from the event loop
// (16 at once on 2 cores stalled it ~780 ms in gaps; tests/api/access.test.ts). A login's hash costs ~30 ms.
const hashing = pLimit(1);

function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  return hashing(() => deriveNow(password, salt, iterations));
}

async function deriveNow(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${PREFIX}$${iterations}$${b64(salt)}$${b64(await derive(password, salt, iterations))}`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Checks a password against a stored hash; `rehash` says the hash should be replaced (older scheme or cost). */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }> {
  const parts = stored.split('$');
  if (parts[0] === PREFIX && parts.length === 4) {
    const iterations = Number(parts[1]);
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return { ok: false, rehash: false };
    const ok = equalBytes(await derive(password, unb64(parts[2]!), iterations), unb64(parts[3]!));
    return { ok, rehash: ok && iterations !== PBKDF2_ITERATIONS };
  }
  // bcrypt hashes from before 0.2; bcryptjs' async form yields between rounds
  if (/^\$2[aby]\$/.test(stored)) {
    const ok = await bcrypt.compare(password, stored);
    return { ok, rehash: ok };
  }
  return { ok: false, rehash: false };
}

/** Verified when the username is unknown, so the answer takes as long as for a real user. */
export const DUMMY_HASH = `${PREFIX}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
