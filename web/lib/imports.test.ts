import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { commitBlock, countsOf, errorsHeading, failureOf, formatChoices, formatLabel, importRequest, MAX_BYTES, MAX_ROWS, remap, resultText, sampleColumns, sampleText, sameHeaders, watchName, watchProblem } from './imports.js';
import { MAX_COLUMNS } from './workbook.js';
import { BODY_LIMITS } from '../../worker/http/body-limits.js';
import { MAX_COLUMNS as SERVER_MAX_COLUMNS, MAX_IMPORT_ROWS } from '../../worker/import/sheet.js';

const preview = (p: Record<string, unknown> = {}) => ({ format: 'spreadsheet', target: 'hosts', total: 3, create: 2, update: 1, createSubnets: 0, watch: 0, errors: [], errorCount: 0, ...p }) as any;

describe('import requests', () => {
  const watch = { name: ' upstream ', probeId: '3' };
  it.each([
    ['rows of a sheet, auto, refused outside', { source: { rows: [['ip'], ['198.18.240.1']] }, format: 'auto', outside: 'refuse' }, { format: 'auto', rows: [['ip'], ['198.18.240.1']], outside: 'refuse' }],
    ['a CSV text', { source: { csv: 'ip\n198.18.240.1\n' }, format: 'phpipam-addresses', outside: 'refuse' }, { format: 'phpipam-addresses', csv: 'ip\n198.18.240.1\n', outside: 'refuse' }],
    ['a changed mapping with its header row', { source: { csv: 'a' }, format: 'spreadsheet', mapping: { '0': 'ip', '1': null }, headerRow: 2, outside: 'refuse' },
      { format: 'spreadsheet', csv: 'a', mapping: { '0': 'ip', '1': null }, headerRow: 2, outside: 'refuse' }],
    ['a watch list: the name trimmed, the probe a number', { source: { csv: 'a' }, format: 'auto', outside: 'watch' }, { format: 'auto', csv: 'a', outside: 'watch', watch: { name: 'upstream', probeId: 3 } }],
    ['a watch list with no probe', { source: { csv: 'a' }, format: 'auto', outside: 'watch', watch: { name: 'w', probeId: '' } }, { format: 'auto', csv: 'a', outside: 'watch', watch: { name: 'w', probeId: null } }],
  ])('%s', (_name, form, body) => {
    expect(importRequest({ watch, mapping: null, headerRow: null, ...(form as any) })).toEqual(body);
  });

  it('offers auto, then the formats the server listed', () => {
    const listed = [{ id: 'spreadsheet', label: 'Spreadsheet of hosts' }, { id: 'netbox-prefixes', label: 'NetBox prefixes' }];
    expect(formatChoices(null).map((f) => f.id)).toEqual(['auto']);
    expect(formatChoices(listed).map((f) => f.id)).toEqual(['auto', 'spreadsheet', 'netbox-prefixes']);
  });

  it.each([
    ['a listed format', 'netbox-prefixes', 'NetBox prefixes'],
    ['auto', 'auto', 'Detect from the headers'],
    ['a format not (yet) listed: its id', 'phpipam-subnets', 'phpipam-subnets'],
  ])('labels %s', (_name, id, label) => {
    expect(formatLabel([{ id: 'netbox-prefixes', label: 'NetBox prefixes' }], id)).toBe(label);
  });
});

describe('the column mapping', () => {
  const columns = [
    { index: 0, header: 'ip', field: 'ip' },
    { index: 1, header: 'name', field: 'hostname' },
    { index: 2, header: 'comment', field: null },
  ];
  it.each([
    ['maps an unmapped column', 2, 'notes', { '0': 'ip', '1': 'hostname', '2': 'notes' }],
    ['unmaps a column', 1, null, { '0': 'ip', '1': null, '2': null }],
    ['moves a field taken by another column (a field comes from one column)', 2, 'hostname', { '0': 'ip', '1': null, '2': 'hostname' }],
    ['keeps the others when a column changes field', 0, 'description', { '0': 'description', '1': 'hostname', '2': null }],
  ])('%s', (_name, index, field, mapping) => {
    expect(remap(columns, index, field)).toEqual(mapping);
  });
});

describe('a fixed file chosen again', () => {
  const columns = [{ index: 0, header: 'ip' }, { index: 1, header: 'column 2' }];
  it.each([
    ['the same headers: the column choices apply', ['ip', 'column 2'], true],
    ['a header renamed', ['ip', 'name'], false],
    ['a column more', ['ip', 'column 2', 'notes'], false],
    ['a column less', ['ip'], false],
  ])('%s', (_name, headers, same) => {
    expect(sameHeaders(headers, columns)).toBe(same);
  });
});

describe('the watch list', () => {
  it.each([
    ['refuse needs nothing', 'refuse', '', ''],
    ['a name is needed', 'watch', '  ', 'Name the watch list: its subnets are grouped under this name.'],
    ['a name', 'watch', 'upstream', ''],
    ['at most 200 characters', 'watch', 'x'.repeat(201), 'The watch list name is at most 200 characters.'],
  ])('%s', (_name, outside, name, problem) => {
    expect(watchProblem(outside, { name, probeId: '' })).toBe(problem);
  });
  it.each([['upstream.csv', 'upstream'], ['Lab Hosts.XLSX', 'Lab Hosts'], ['notes', 'notes']])('is first named after the file: %s', (file, name) => {
    expect(watchName(file)).toBe(name);
  });
});

describe('the preview as text', () => {
  it.each([
    ['hosts to create and update', preview(), [['create', '2 hosts to create'], ['update', '1 host to update']]],
    ['subnets (their new subnets are the creates)', preview({ target: 'subnets', create: 1, update: 0, createSubnets: 1 }), [['create', '1 subnet to create']]],
    ['new subnets and the watch list', preview({ create: 3, update: 0, createSubnets: 3, watch: 3 }), [['create', '3 hosts to create'], ['createSubnets', '3 new subnets'], ['watch', '3 addresses on the watch list']]],
    ['nothing', preview({ create: 0, update: 0 }), [['none', 'nothing to import']]],
    ['nothing but bad rows', preview({ create: 0, update: 0, errorCount: 2 }), [['none', 'nothing to import until the bad rows are fixed']]],
  ])('counts: %s', (_name, p, counts) => {
    expect(countsOf(p)).toEqual(counts);
  });

  it.each([
    ['one', preview({ errors: [{ line: 4, message: 'x' }], errorCount: 1 }), '1 bad row'],
    ['all listed', preview({ errors: [{}, {}], errorCount: 2 }), '2 bad rows'],
    ['the first 500 of more', preview({ errors: Array(500).fill({}), errorCount: 1234 }), '1,234 bad rows (the first 500 listed)'],
  ])('bad rows heading: %s', (_name, p, heading) => {
    expect(errorsHeading(p)).toBe(heading);
  });

  it.each([
    ['ready', preview(), ''],
    ['bad rows', preview({ errors: [{}], errorCount: 1 }), 'Fix the 1 bad row first, in the file or the mapping: an import writes every row or none.'],
    ['nothing to write', preview({ create: 0, update: 0 }), 'Nothing to import.'],
  ])('commit: %s', (_name, p, block) => {
    expect(commitBlock(p)).toBe(block);
  });

  it('lists the planned records in a fixed column order, flat or under record', () => {
    const sample = [{ line: 2, action: 'create', ip: '198.18.240.1', zone: 'a', hostname: 'gw' }, { line: 3, action: 'update', record: { ip: '198.18.240.2', tags: ['a', 'b'], reserved: true } }];
    expect(sampleColumns(sample)).toEqual(['ip', 'hostname', 'tags', 'reserved', 'zone']);
    expect([sampleText(['a', 'b']), sampleText(true), sampleText(null), sampleText(7)]).toEqual(['a, b', 'yes', '', '7']);
  });
});

describe('the commit', () => {
  const failed = (status: number, message: string, details?: unknown) => Object.assign(new Error(message), { status, details });
  it.each([
    ['422: the rows', failed(422, 'Some rows are not valid', { rows: [{ line: 3, message: 'bad' }] }), { kind: 'rows', message: 'Some rows are not valid', rows: [{ line: 3, message: 'bad' }] }],
    ['409: someone wrote meanwhile', failed(409, 'clash'), { kind: 'conflict', message: 'clash', rows: [] }],
    ['anything else', failed(403, 'Only editors'), { kind: 'other', message: 'Only editors', rows: [] }],
    ['a 422 without rows', failed(422, 'bad body'), { kind: 'other', message: 'bad body', rows: [] }],
  ])('refused: %s', (_name, err, failure) => {
    expect(failureOf(err)).toEqual(failure);
  });

  it.each([
    [{ created: 2, updated: 1, createdSubnets: 0, watch: 0 }, 'hosts', 'Imported: 2 hosts created, 1 host updated.'],
    [{ created: 1, updated: 0, createdSubnets: 2, watch: 2 }, 'hosts', 'Imported: 1 host created, 2 addresses on the watch list, 2 new subnets.'],
    [{ created: 1, updated: 2, createdSubnets: 1, watch: 0 }, 'subnets', 'Imported: 1 subnet created, 2 subnets updated.'],
    [{ created: 0, updated: 0, createdSubnets: 0, watch: 0 }, 'hosts', 'Imported: nothing changed.'],
  ])('done: %j of %s', (result, target, text) => {
    expect(resultText(result, target)).toBe(text);
  });
});

describe("the browser's limits", () => {
  it("are the server's: the import body limit, the rows of a sheet and the cells of a row", () => {
    expect([MAX_BYTES, MAX_ROWS, MAX_COLUMNS]).toEqual([BODY_LIMITS.csv, MAX_IMPORT_ROWS, SERVER_MAX_COLUMNS]);
  });
});
