import { describe, expect, it } from 'vitest';
import { sanitizeTextContent } from 'write-excel-file/utility';
import { cellXml, columnName, rowsXml } from './xlsx-rows.js';

describe('columnName', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [51, 'AZ'],
    [52, 'BA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('column %i is %s', (index, name) => expect(columnName(index)).toBe(name));
});

describe('cellXml', () => {
  it.each([
    ['a number', 42, '<c r="B3"><v>42</v></c>'],
    ['a fraction', 0.5, '<c r="B3"><v>0.5</v></c>'],
    ['not a number: no cell', Number.NaN, ''],
    ['empty text: no cell', '', ''],
    ['plain text', '198.18.240.7', '<c r="B3" t="inlineStr"><is><t>198.18.240.7</t></is></c>'],
    ['markup escaped', 'a<b>&c', '<c r="B3" t="inlineStr"><is><t>a&lt;b&gt;&amp;c</t></is></c>'],
    ['quotes kept', `"x" 'y'`, `<c r="B3" t="inlineStr"><is><t>"x" 'y'</t></is></c>`],
    ['edge spaces preserved', ' x ', '<c r="B3" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c>'],
    ['a protected tab', "'\tindented", `<c r="B3" t="inlineStr"><is><t>'\tindented</t></is></c>`],
    ['control characters XML forbids dropped', 'a\u0001b', '<c r="B3" t="inlineStr"><is><t>ab</t></is></c>'],
    ['non-ASCII kept', 'Zürich €', '<c r="B3" t="inlineStr"><is><t>Zürich €</t></is></c>'],
  ])('%s', (_, value, xml) => expect(cellXml('B3', value, sanitizeTextContent)).toBe(xml));
});

describe('rowsXml', () => {
  it('numbers rows from the first one given and leaves empty cells and rows out', () => {
    expect(rowsXml([['198.18.240.1', '', 3], ['', ''], ['x']], 2, sanitizeTextContent)).toBe(
      '<row r="2"><c r="A2" t="inlineStr"><is><t>198.18.240.1</t></is></c><c r="C2"><v>3</v></c></row>' +
        '<row r="4"><c r="A4" t="inlineStr"><is><t>x</t></is></c></row>',
    );
  });
});
