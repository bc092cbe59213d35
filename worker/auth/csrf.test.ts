import { describe, expect, it } from 'vitest';
import { csrfVerdict, type CsrfRequest } from './csrf.js';

const base: CsrfRequest = { method: 'POST', origin: undefined, secFetchSite: undefined, ownOrigin: 'https://ipam.example.net', cookieAuth: true, isLogin: false };

describe('csrfVerdict', () => {
  it.each<[Partial<CsrfRequest>, boolean]>([
    [{ method: 'GET' }, true],
    [{ method: 'HEAD', origin: 'https://evil.example' }, true],
    [{ origin: 'https://ipam.example.net' }, true],
    [{ origin: 'HTTPS://IPAM.EXAMPLE.NET' }, true],
    [{ secFetchSite: 'same-origin' }, true],
    [{}, false],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'https://ipam.example.net:8443' }, false],
    [{ origin: 'http://ipam.example.net' }, false],
    [{ origin: 'null' }, false],
    [{ secFetchSite: 'same-site' }, false],
    [{ secFetchSite: 'cross-site' }, false],
    [{ secFetchSite: 'none' }, false],
    [{ origin: 'https://evil.example', secFetchSite: 'same-origin' }, false],
    [{ method: 'DELETE', origin: 'https://evil.example' }, false],
    [{ method: 'PATCH' }, false],
    [{ cookieAuth: false }, true],
    [{ cookieAuth: false, origin: 'https://evil.example' }, true],
    [{ cookieAuth: false, isLogin: true }, true],
    [{ cookieAuth: false, isLogin: true, origin: 'https://evil.example' }, false],
    [{ cookieAuth: false, isLogin: true, secFetchSite: 'same-site' }, false],
    [{ cookieAuth: false, isLogin: true, origin: 'https://ipam.example.net' }, true],
  ])('%j → %s', (over, ok) => {
    expect(csrfVerdict({ ...base, ...over }).ok).toBe(ok);
  });
});
