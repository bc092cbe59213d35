import { describe, expect, it } from 'vitest';
import { cellText, columnHeader, findHeaderRow, headerKey, textRow, type Cell } from './sheet.js';

describe('cellText', () => {
  it.each<[Cell | undefined, string]>([
    [null, ''],
    [undefined, ''],
    ['', ''],
    ['  printer  ', 'printer'],
    [24, '24'],
    [24.0, '24'],
    [0, '0'],
    [-3, '-3'],
    [1.5, '1.5'],
    [1e21, '1000000000000000000000'],
    [Number.NaN, ''],
    [true, 'true'],
    [false, 'false'],
    ['0012', '0012'], // a number stored as text keeps its zeroes
    ["'=cmd|calc", '=cmd|calc'], // the export's formula quote comes off
    ["''=x", "'=x"],
    ["'plain quote", "'plain quote"],
    ['198.18.0.1', '198.18.0.1'],
  ])('%j → %j', (cell, text) => {
    expect(cellText(cell)).toBe(text);
  });
});

describe('textRow', () => {
  it.each<[Cell[], number, string[] | null]>([
    [['198.18.0.1', 'nas'], 3, ['198.18.0.1', 'nas']],
    [[null, '', '   '], 4, null],
    [[], 5, null],
    [['\uFEFFip', 'hostname'], 1, ['ip', 'hostname']],
    [['\uFEFF', 'x'], 1, ['', 'x']],
    [['\uFEFFip'], 2, ['ip']], // trimmed as whitespace anywhere else
    [[null, 7, true], 9, ['', '7', 'true']],
  ])('%j at line %i', (cells, line, out) => {
    expect(textRow(cells, line)).toEqual(out === null ? null : { line, cells: out });
  });
});

describe('headerKey', () => {
  it.each([
    ['IP Address', 'ip address'],
    ['ip_addr', 'ip addr'],
    ['  Reserved-By: ', 'reserved by'],
    ['DNS  Name', 'dns name'],
    ['assigned_object_type', 'assigned object type'],
    ['Hostname*', 'hostname'],
    ['', ''],
  ])('%j → %j', (text, key) => {
    expect(headerKey(text)).toBe(key);
  });
});

describe('columnHeader', () => {
  it.each<[string[] | undefined, number, string]>([
    [['ip', ''], 0, 'ip'],
    [['ip', ''], 1, 'column 2'],
    [['ip'], 4, 'column 5'],
    [undefined, 0, 'column 1'],
  ])('%j column %i → %j', (cells, index, header) => {
    expect(columnHeader(cells, index)).toBe(header);
  });
});

describe('findHeaderRow', () => {
  const score = (h: string[]) => h.filter((x) => ['ip', 'hostname'].includes(x)).length;
  const rows = (...lines: string[][]) => lines.map((cells, i) => ({ line: i + 1, cells }));

  it('takes the row that fits best, past a merged title row', () => {
    const sheet = rows(['Office LAN', '', ''], ['ip', 'hostname', ''], ['198.18.0.1', 'nas', '']);
    expect(findHeaderRow(sheet, score)).toEqual({ row: sheet[1], score: 2 });
  });

  it('keeps the first of equally good rows', () => {
    const sheet = rows(['ip'], ['hostname'], ['198.18.0.1']);
    expect(findHeaderRow(sheet, score)?.row.line).toBe(1);
  });

  it('looks at the first 10 rows only', () => {
    const sheet = rows(...Array.from({ length: 10 }, () => ['title']), ['ip', 'hostname']);
    expect(findHeaderRow(sheet, score)).toBeNull();
    expect(findHeaderRow(sheet.slice(1), score)?.row.line).toBe(11);
  });
});
