import { describe, expect, it } from 'vitest';
import { isNavigation } from './navigation.js';

describe('isNavigation', () => {
  it.each<[Record<string, string>, boolean]>([
    [{ 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, true],
    [{ 'sec-fetch-mode': 'Navigate' }, true],
    [{ 'sec-fetch-mode': 'no-cors', accept: '*/*' }, false], // <script>, <img>
    [{ 'sec-fetch-mode': 'cors', accept: '*/*' }, false], // import(), fetch()
    [{ 'sec-fetch-mode': 'no-cors', accept: 'text/html' }, false], // Fetch Metadata wins
    [{ accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, true],
    [{ accept: 'application/xhtml+xml, text/html;q=0.9' }, true],
    [{ accept: 'text/html' }, true],
    [{ accept: '*/*' }, false],
    [{ accept: 'text/html-fragment' }, false],
    [{ accept: 'text/css,*/*;q=0.1' }, false],
    [{}, false], // curl
  ])('%j → %s', (headers, expected) => {
    expect(isNavigation(new Headers(headers))).toBe(expected);
  });
});
