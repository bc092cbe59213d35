import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEntity, rangeToCidrs, summariseRdap, vcardFacts, type RdapSummary, type RdapType } from './rdap-summary.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/rdap', name), 'utf8').replaceAll('{{base}}', 'http://rdap.test'));

const EMPTY: RdapSummary = {
  name: null,
  handle: null,
  organisation: null,
  country: null,
  range: null,
  cidrs: [],
  asnHolder: null,
  abuse: null,
  registrar: null,
  created: null,
  updated: null,
  expires: null,
  status: [],
};

const vcard = (...props: unknown[][]) => ['vcard', [['version', {}, 'text', '4.0'], ...props]];

describe('summariseRdap on recorded answers', () => {
  it.each<[string, RdapType, Partial<RdapSummary>]>([
    [
      'ip-198.51.100.0.json',
      'ip',
      {
        name: 'EXAMPLE-DOC-NET',
        handle: 'NET-198-51-100-0-1',
        organisation: 'Example Networks Pty Ltd',
        country: 'AU',
        range: '198.51.100.0 – 198.51.100.255',
        cidrs: ['198.51.100.0/24'],
        // nested in the registrant; the voice number, not the fax
        abuse: { email: 'abuse@example.net', phone: '+61-2-5550-1234' },
        created: '2010-02-04T00:00:00.000Z',
        updated: '2024-06-11T08:13:02.000Z',
        status: ['active'],
      },
    ],
    [
      'ip-2001-db8.json',
      'ip',
      {
        name: 'EXAMPLE-DOC-V6',
        handle: '2001:db8::/32',
        organisation: 'Example Documentation B.V.',
        // no country on the network: the registrant's cc parameter
        country: 'NL',
        range: '2001:db8:: – 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
        cidrs: ['2001:db8::/32'],
        abuse: { email: 'abuse@example.org', phone: null },
        created: '2012-05-29T12:00:00.000Z',
        updated: '2023-01-17T08:30:00.000Z',
        status: ['active'],
      },
    ],
    [
      'autnum-64496.json',
      'autnum',
      {
        name: 'EXAMPLE-DOC-AS',
        handle: 'AS64496',
        organisation: 'Example Transit, Inc.',
        country: 'US',
        range: 'AS64496 – AS64511',
        asnHolder: 'Example Transit, Inc.',
        abuse: { email: 'abuse@example.com', phone: '+1-555-555-0100' },
        created: '2001-09-20T04:00:00.000Z',
        updated: '2022-11-01T18:05:33.000Z',
        status: ['active'],
      },
    ],
    [
      'domain-example.com.json',
      'domain',
      {
        name: 'example.com',
        handle: '2336799_DOMAIN_COM-VRSN',
        organisation: 'Example Holdings LLC',
        country: 'US',
        registrar: 'Example Registrar, Inc. (IANA 376)',
        abuse: { email: 'abuse@registrar.example', phone: '+1.5555550199' },
        created: '1995-08-14T04:00:00.000Z',
        updated: '2025-08-14T07:01:34.000Z',
        expires: '2026-08-13T04:00:00.000Z',
        status: ['client delete prohibited', 'client transfer prohibited', 'client update prohibited'],
      },
    ],
  ])('%s', (file, type, want) => {
    expect(summariseRdap(type, fixture(file))).toEqual({ ...EMPTY, ...want });
  });
});

describe('summariseRdap on odd answers', () => {
  it.each<[string, RdapType, Record<string, unknown>, Partial<RdapSummary>]>([
    ['nothing at all', 'ip', {}, {}],
    ['wrong types everywhere', 'domain', { ldhName: 7, entities: 'x', events: {}, status: 'active', handle: ['h'] }, {}],
    ['a Unicode name wins over the LDH name', 'domain', { ldhName: 'XN--R8JZ45G.XN--ZCKZAH', unicodeName: '例え.テスト' }, { name: '例え.テスト' }],
    ['an LDH name is lower-cased', 'domain', { ldhName: 'EXAMPLE.NET' }, { name: 'example.net' }],
    ['one AS', 'autnum', { startAutnum: 64500, endAutnum: 64500, name: 'ONE' }, { name: 'ONE', range: 'AS64500', asnHolder: 'ONE' }],
    ['no end AS', 'autnum', { startAutnum: 64500 }, { range: 'AS64500' }],
    ['a range that is not one CIDR', 'ip', { startAddress: '198.51.100.0', endAddress: '198.51.100.2' }, { range: '198.51.100.0 – 198.51.100.2', cidrs: ['198.51.100.0/31', '198.51.100.2/32'] }],
    ['a reversed range has no CIDRs', 'ip', { startAddress: '198.51.100.9', endAddress: '198.51.100.1' }, { range: '198.51.100.9 – 198.51.100.1' }],
    ['an unreadable date is left out', 'ip', { events: [{ eventAction: 'registration', eventDate: 'yesterday' }, { eventAction: 'LAST CHANGED', eventDate: '2024-01-02T03:04:05Z' }] }, { updated: '2024-01-02T03:04:05.000Z' }],
    [
      'a registrant person without org: its fn; an abuse entity with neither email nor phone is no contact',
      'ip',
      {
        entities: [
          { roles: ['registrant'], vcardArray: vcard(['fn', {}, 'text', 'Pat Example'], ['kind', {}, 'text', 'individual']) },
          { roles: ['abuse'], vcardArray: vcard(['fn', {}, 'text', 'Nobody']) },
        ],
      },
      { organisation: 'Pat Example' },
    ],
    [
      'a structured org is joined; mailto: and tel: are dropped; a country code as the last adr part',
      'ip',
      {
        entities: [
          {
            roles: ['REGISTRANT', 'abuse'],
            vcardArray: vcard(
              ['org', {}, 'text', ['Example Org', 'Network Unit']],
              ['email', {}, 'uri', 'mailto:noc@example.org'],
              ['tel', { type: 'voice' }, 'uri', 'tel:+1-555-555-0101'],
              ['adr', {}, 'text', ['', '', '', '', '', '', 'ca']],
            ),
          },
        ],
      },
      { organisation: 'Example Org, Network Unit', country: 'CA', abuse: { email: 'noc@example.org', phone: '+1-555-555-0101' } },
    ],
    ['a vcardArray that is not a jCard', 'ip', { entities: [{ roles: ['registrant'], vcardArray: ['nope', [['fn', {}, 'text', 'X']]] }] }, {}],
    ['status words are trimmed, blanks and non-strings dropped', 'ip', { status: [' active ', '', 3, 'locked'] }, { status: ['active', 'locked'] }],
    ['a registrar without IANA id', 'domain', { entities: [{ roles: ['registrar'], handle: 'REG-1' }] }, { registrar: 'REG-1' }],
  ])('%s', (_title, type, doc, want) => {
    expect(summariseRdap(type, doc)).toEqual({ ...EMPTY, ...want });
  });
});

describe('findEntity', () => {
  it('searches breadth first: a role at the top wins over one nested deeper', () => {
    const doc = { entities: [{ handle: 'outer', roles: ['registrar'], entities: [{ handle: 'deep', roles: ['abuse'] }] }, { handle: 'top', roles: ['abuse'] }] };
    expect(findEntity(doc, 'abuse')?.handle).toBe('top');
    expect(findEntity({ entities: [{ roles: ['registrar'], entities: [{ handle: 'deep', roles: ['abuse'] }] }] }, 'abuse')?.handle).toBe('deep');
    expect(findEntity({ entities: [] }, 'abuse')).toBeNull();
  });

  it('vcardFacts of an entity without a card is all null', () => {
    expect(vcardFacts({})).toEqual({ fn: null, org: null, email: null, phone: null, country: null });
  });
});

describe('rangeToCidrs', () => {
  it.each([
    ['198.51.100.0', '198.51.100.255', ['198.51.100.0/24']],
    ['198.51.100.7', '198.51.100.7', ['198.51.100.7/32']],
    ['198.51.100.1', '198.51.100.6', ['198.51.100.1/32', '198.51.100.2/31', '198.51.100.4/31', '198.51.100.6/32']],
    ['0.0.0.0', '255.255.255.255', ['0.0.0.0/0']],
    ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', ['2001:db8::/32']],
    ['198.51.100.0', '2001:db8::', []],
    ['nope', '198.51.100.1', []],
    // more than 32 pieces: none rather than a partial list
    ['0.0.0.1', '255.255.255.254', []],
  ])('%s – %s', (a, b, want) => {
    expect(rangeToCidrs(a, b)).toEqual(want);
  });
});
