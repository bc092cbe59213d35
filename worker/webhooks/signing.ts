/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-signature` is `v1,` + base64
 * HMAC-SHA256 over `{id}.{timestamp}.{body}` with the base64 key behind `whsec_`. The HMAC is the maintained
 * `standardwebhooks` package (pure JS, so it bundles for workerd as well as Node).
 */
import { Webhook } from 'standardwebhooks';

const PREFIX = 'whsec_';
const SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 16;
/** The specification's upper bound (512 bits). */
const MAX_SECRET_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type SignedHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A fresh secret: `whsec_` + base64 of 32 random bytes. Shown to its owner once. */
export function newWebhookSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** `whsec_` + well-formed base64 that decodes to 16..64 bytes. */
export function isWebhookSecret(s: unknown): s is string {
  if (typeof s !== 'string' || !s.startsWith(PREFIX)) return false;
  const b64 = s.slice(PREFIX.length);
  if (b64 === '' || !BASE64.test(b64)) return false;
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const bytes = (b64.length / 4) * 3 - padding;
  return bytes >= MIN_SECRET_BYTES && bytes <= MAX_SECRET_BYTES;
}

function checkInputs(secrets: readonly string[], msgId: string, timestampSeconds: number): void {
  if (secrets.length === 0) throw new Error('signing needs at least one secret');
  for (const secret of secrets) if (!isWebhookSecret(secret)) throw new Error('not a whsec_ secret');
  // The spec: neither the id nor the timestamp may contain the '.' that delimits the signed content.
  if (!/^[^\s.]+$/.test(msgId)) throw new Error(`webhook id ${JSON.stringify(msgId)} is empty or contains '.'`);
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new Error(`webhook timestamp ${timestampSeconds} is not whole Unix seconds`);
  }
}

/**
 * `v1,<sig>` for each secret, space-separated: during a rotation the new and the previous secret both sign,
 * and a receiver accepts the message if any one verifies.
 */
export function signatureHeader(
  secrets: readonly string[],
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  checkInputs(secrets, msgId, timestampSeconds);
  const at = new Date(timestampSeconds * 1000);
  return secrets.map((secret) => new Webhook(secret).sign(msgId, at, body)).join(' ');
}

/** The three Standard Webhooks headers for one attempt (a retry signs again with its own timestamp). */
export function signedHeaders(
  secrets: readonly string[],
  msgId: string,
  timestampSeconds: number,
  body: string,
): SignedHeaders {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatureHeader(secrets, msgId, timestampSeconds, body),
  };
}
