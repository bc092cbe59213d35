import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_URL_LENGTH, checkWebhookUrl } from './url-policy.js';

const strict = { allowPrivate: false };
const lax = { allowPrivate: true };

describe('checkWebhookUrl: allowed, normalised the WHATWG way', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/xyz', 'https://hooks.slack.com/services/T0/B0/xyz'],
    ['HTTPS://Discord.COM/api/webhooks/1/abc', 'https://discord.com/api/webhooks/1/abc'],
    ['  https://ntfy.sh/alerts  ', 'https://ntfy.sh/alerts'],
    ['http://ntfy.lan:8080/homelab', 'http://ntfy.lan:8080/homelab'],
    ['https://ñ.example/hook?a=1 b', 'https://xn--ida.example/hook?a=1%20b'],
    ['http://10.0.0.5/hook', 'http://10.0.0.5/hook'], // LAN: a homelab receiver
    ['http://192.168.1.20:2586/alerts', 'http://192.168.1.20:2586/alerts'],
    ['http://172.16.0.1/', 'http://172.16.0.1/'],
    ['http://172.31.255.255/', 'http://172.31.255.255/'],
    ['http://100.64.0.1/', 'http://100.64.0.1/'], // CGNAT / Tailscale
    ['http://[fd12:3456::1]/', 'http://[fd12:3456::1]/'], // ULA other than the metadata address
    ['http://[fd00:ec2::253]/', 'http://[fd00:ec2::253]/'],
    ['http://[2001:db8::1]:8443/x', 'http://[2001:db8::1]:8443/x'],
    ['http://[::ffff:10.0.0.5]/', 'http://[::ffff:a00:5]/'],
    ['http://169.253.255.255/', 'http://169.253.255.255/'],
    ['http://128.0.0.1/', 'http://128.0.0.1/'],
    ['http://mylocalhost/', 'http://mylocalhost/'],
    ['http://localhost.example.com/', 'http://localhost.example.com/'],
    ['http://:@example.com/', 'http://example.com/'], // empty credentials vanish in parsing
    ['http://127.0.0.1.nip.io/', 'http://127.0.0.1.nip.io/'], // names are not resolved (see the module's note)
  ])('%s → %s', (input, url) => {
    expect(checkWebhookUrl(input, strict)).toEqual({ ok: true, url });
  });
});

describe('checkWebhookUrl: refused always', () => {
  it.each([
    ['', 'not a valid URL'],
    ['hooks.slack.com/services/x', 'not a valid URL'],
    ['http://', 'not a valid URL'],
    ['http://[fe80::1%25eth0]/', 'not a valid URL'],
    ['http://exa mple.com/', 'not a valid URL'],
    ['ftp://example.com/x', 'only http: and https: URLs are allowed, not ftp:'],
    ['file:///etc/passwd', 'only http: and https: URLs are allowed, not file:'],
    ['javascript:alert(1)', 'only http: and https: URLs are allowed, not javascript:'],
    ['ws://example.com/', 'only http: and https: URLs are allowed, not ws:'],
    ['gopher://127.0.0.1:6379/_FLUSHALL', 'only http: and https: URLs are allowed, not gopher:'],
    ['https://user:pass@example.com/', 'the URL must not carry a user name or password'],
    ['https://user@example.com/', 'the URL must not carry a user name or password'],
    ['https://:pass@example.com/', 'the URL must not carry a user name or password'],
    ['https://example.com/' + 'a'.repeat(MAX_WEBHOOK_URL_LENGTH), `the URL is longer than 2048 characters`],
  ])('%j: %s', (input, reason) => {
    expect(checkWebhookUrl(input, strict)).toEqual({ ok: false, reason });
    expect(checkWebhookUrl(input, lax)).toEqual({ ok: false, reason });
  });

  it('accepts exactly 2,048 characters', () => {
    const url = 'https://example.com/' + 'a'.repeat(MAX_WEBHOOK_URL_LENGTH - 20);
    expect(url).toHaveLength(2048);
    expect(checkWebhookUrl(url, strict)).toEqual({ ok: true, url });
  });
});

describe('checkWebhookUrl: this machine, refused unless private targets are allowed', () => {
  const hint = ' (WEBHOOK_ALLOW_PRIVATE=1 allows it)';
  it.each([
    ['http://127.0.0.1:8787/hook', '127.0.0.1 is a loopback address'],
    ['http://127.255.255.254/', '127.255.255.254 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'], // hex + short form
    ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'], // octal
    ['http://2130706433/', '127.0.0.1 is a loopback address'], // one number
    ['http://0x7f000001/', '127.0.0.1 is a loopback address'],
    ['http://127.1/', '127.0.0.1 is a loopback address'],
    ['http://[::1]/', '[::1] is a loopback address'],
    ['http://[0:0:0:0:0:0:0:1]/', '[::1] is a loopback address'],
    ['http://0.0.0.0:8787/', '0.0.0.0 is an unspecified address'],
    ['http://0/', '0.0.0.0 is an unspecified address'],
    ['http://0.1.2.3/', '0.1.2.3 is an unspecified address'],
    ['http://[::]/', '[::] is an unspecified address'],
    ['http://169.254.1.1/', '169.254.1.1 is a link-local address'],
    ['http://[fe80::1]/', '[fe80::1] is a link-local address'],
    ['http://[febf::1]/', '[febf::1] is a link-local address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is the cloud metadata address'],
    ['http://169.254.169.254./', '169.254.169.254 is the cloud metadata address'],
    ['http://0xa9fea9fe/', '169.254.169.254 is the cloud metadata address'],
    ['http://[fd00:ec2::254]/', '[fd00:ec2::254] is the cloud metadata address'],
    ['http://[fd00:0ec2:0:0:0:0:0:0254]/', '[fd00:ec2::254] is the cloud metadata address'],
    ['http://233.252.0.1/', '233.252.0.1 is a multicast address'],
    ['http://[ff02::1]/', '[ff02::1] is a multicast address'],
    ['http://255.255.255.255/', '255.255.255.255 is the broadcast address'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1] is a loopback address (127.0.0.1 inside IPv6)'],
    ['http://[::ffff:7f00:1]/', '[::ffff:7f00:1] is a loopback address (127.0.0.1 inside IPv6)'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', '[::ffff:a9fe:a9fe] is the cloud metadata address (169.254.169.254 inside IPv6)'],
    ['http://[::ffff:169.254.3.4]/', '[::ffff:a9fe:304] is a link-local address (169.254.3.4 inside IPv6)'],
    ['http://[::ffff:0.0.0.0]/', '[::ffff:0:0] is an unspecified address (0.0.0.0 inside IPv6)'],
    ['http://[::ffff:0:127.0.0.1]/', '[::ffff:0:7f00:1] is a loopback address (127.0.0.1 inside IPv6)'],
    ['http://[64:ff9b::127.0.0.1]/', '[64:ff9b::7f00:1] is a loopback address (127.0.0.1 inside IPv6)'],
    ['http://[::127.0.0.1]/', '[::7f00:1] is a loopback address (127.0.0.1 inside IPv6)'],
    ['http://localhost:8787/', 'localhost is this machine'],
    ['http://LOCALHOST./', 'localhost. is this machine'],
    ['http://api.localhost/', 'api.localhost is this machine'],
    ['http://a.b.localhost../', 'a.b.localhost.. is this machine'],
    ['http://ip6-localhost/', 'ip6-localhost is this machine'],
    ['http://ip6-loopback/', 'ip6-loopback is this machine'],
  ])('%s: %s', (input, reason) => {
    expect(checkWebhookUrl(input, strict)).toEqual({ ok: false, reason: reason + hint });
    const allowed = checkWebhookUrl(input, lax);
    expect(allowed.ok).toBe(true);
  });

  it('keeps the normalised URL when private targets are allowed', () => {
    expect(checkWebhookUrl('http://0x7f.1:9000/hook', lax)).toEqual({ ok: true, url: 'http://127.0.0.1:9000/hook' });
  });
});
