import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvLine, protectCell, unprotectCell } from './csv-cells.js';

describe('protectCell', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+41 22 000', "'+41 22 000"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindented', "'\tindented"],
    ['\rline', "'\rline"],
    ["'=x", "''=x"],
    ["''-x", "'''-x"],
    ['', ''],
    ['nas', 'nas'],
    ['a=b', 'a=b'],
    [' =x', ' =x'],
    ["'quoted", "'quoted"],
    ["'", "'"],
    ['198.18.0.1', '198.18.0.1'],
    ['fd00::1', 'fd00::1'],
    ['\nfirst line empty', '\nfirst line empty'],
  ])('%j → %j', (value, cell) => {
    expect(protectCell(value)).toBe(cell);
  });
});

describe('unprotectCell', () => {
  it.each([
    ["'=1+2", '=1+2'],
    ["'-5", '-5'],
    ["''=x", "'=x"],
    ["'\tindented", '\tindented'],
    ['=1+2', '=1+2'], // not from our export: imported as written
    ["'quoted", "'quoted"],
    ["'", "'"],
    ["''", "''"],
    ['', ''],
    ['nas', 'nas'],
  ])('%j → %j', (cell, value) => {
    expect(unprotectCell(cell)).toBe(value);
  });

  it('gives back every value export wrote', () => {
    const values = ['=cmd|calc', "'=x", "''@y", '-', '+', "'", "'a", 'plain', '', '\t', "'\r"];
    for (const v of values) expect(unprotectCell(protectCell(v))).toBe(v);
  });
});

describe('csvLine', () => {
  it.each<(string | number)[][]>([
    [['a', 'b', 'c']],
    [['', '', '']],
    [['floor 1, east', 'say "hi"', 'two\nlines', 'cr\rhere', 'crlf\r\n']],
    [["'\tindented", "'=x", 'tab\tinside', ' padded ', 'ümlaut €']],
    [[60, 0, -1.5, 'x']],
    [['"', ',', '""']],
  ])('%j is what csv-stringify writes', (cells) => {
    expect(csvLine(cells)).toBe(stringify([cells]));
  });
});
