import { describe, expect, it } from 'vitest';
import { auditDetails } from './audit.js';

describe('auditDetails', () => {
  it.each<[string, unknown, unknown]>([
    ['a webhook URL: its origin only', { url: 'https://hooks.slack.com/services/T0/B0/xyz' }, { url: 'https://hooks.slack.com/…' }],
    ['the query goes too', { url: 'https://ntfy.sh/topic?auth=tk_abc' }, { url: 'https://ntfy.sh/…' }],
    ['a port stays, userinfo goes', { url: 'http://user:pw@127.0.0.1:8080/x' }, { url: 'http://127.0.0.1:8080/…' }],
    ['nested (an answer)', { endpoint: { URL: 'https://discord.com/api/webhooks/1/tok' } }, { endpoint: { URL: 'https://discord.com/…' } }],
    ['not a URL', { url: 'not a url /secret' }, { url: '(hidden)' }],
    ['no origin', { url: 'data:text/plain,secret' }, { url: '(hidden)' }],
    ['a non-string url is cleaned as any value', { url: null }, { url: null }],
    ['other keys are kept', { urls: 'x', name: 'ops' }, { urls: 'x', name: 'ops' }],
    ['secrets are hidden', { secret: 'whsec_x', password: 'p', tokenId: 3 }, { secret: '(hidden)', password: '(hidden)', tokenId: '(hidden)' }],
  ])('%s', (_, value, out) => {
    expect(auditDetails(value)).toEqual(out);
  });
});
