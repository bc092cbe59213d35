import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
// the browser UI is plain ES modules; this reads real workbooks through the vendored read-excel-file bundle
import { cellOf, kindOf, readWorkbook, rowsProblem, trimRow } from './workbook.js';

const xlsx = async (name: string, data: unknown[][]) => new File([await writeXlsxFile(data as any).toBuffer()], name);

describe('reading a chosen file', () => {
  it('reads the first sheet of a workbook as its rows: a title row and empty rows kept (the lines stay the sheet\'s), cells as they come', async () => {
    const file = await xlsx('lab.xlsx', [
      [{ value: 'Hosts of the lab', columnSpan: 3 }, null, null],
      ['ip', 'hostname', 'reserved'],
      ['198.18.240.1', 'gw', true],
      [null, null, null],
      ['198.18.240.2', '007', 3],
      ['198.18.240.3', null, { value: new Date(Date.UTC(2026, 0, 2)), format: 'yyyy-mm-dd' }],
    ]);
    expect(await readWorkbook(file)).toEqual({
      name: 'lab.xlsx',
      // empty cells at a row's end are dropped (read-excel-file pads rows to the widest)
      rows: [
        ['Hosts of the lab'],
        ['ip', 'hostname', 'reserved'],
        ['198.18.240.1', 'gw', true],
        [],
        ['198.18.240.2', '007', 3],
        ['198.18.240.3', null, '2026-01-02T00:00:00.000Z'],
      ],
    });
  });

  it('reads a workbook larger than fflate inflates without a Web Worker (the CSP refuses blob: workers)', async () => {
    const rows = [['ip', 'notes'], ...Array.from({ length: 20_000 }, (_, i) => [`198.18.${240 + (i >> 10)}.${(i >> 2) & 255}`, randomBytes(24).toString('hex')])];
    const file = await xlsx('big.xlsx', rows);
    expect(file.size).toBeGreaterThan(600_000);
    const read = await readWorkbook(file);
    expect('rows' in read && read.rows.length).toBe(20_001);
    expect('rows' in read && read.rows[20_000]).toEqual(rows[20_000]);
  });

  it('sends a CSV file as its text', async () => {
    expect(await readWorkbook(new File(['\ufeffsection,ip_addr\nlab,198.18.240.9\n'], 'addresses.CSV'))).toEqual({ name: 'addresses.CSV', csv: 'section,ip_addr\nlab,198.18.240.9\n' });
  });

  it.each([
    ['an old workbook', new File(['x'], 'old.xls'), 'old.xls: choose an .xlsx workbook or a .csv file (an old .xls workbook: save it as .xlsx first).'],
    ['more than 8 MiB', new File([new Uint8Array(8 * 1024 * 1024 + 1)], 'huge.csv'), 'huge.csv is 8.0 MiB: one import takes at most 8 MiB.'],
    ['an empty CSV', new File(['  \n'], 'empty.csv'), 'empty.csv is empty.'],
  ])('refuses %s', async (_name, file, message) => {
    await expect(readWorkbook(file)).rejects.toThrow(message);
  });

  it('says so when an .xlsx is no workbook', async () => {
    await expect(readWorkbook(new File(['ip\n198.18.240.1\n'], 'renamed.xlsx'))).rejects.toThrow(/^renamed\.xlsx could not be read as an \.xlsx workbook \(.+\)\.$/);
  });
});

describe('workbook helpers', () => {
  it.each([['a.xlsx', 'xlsx'], ['A.XLSX', 'xlsx'], ['b.csv', 'csv'], ['c.xls', null], ['d.ods', null], ['xlsx', null]])('kind of %s', (name, kind) => {
    expect(kindOf(name)).toBe(kind);
  });

  it.each([
    [new Date(Date.UTC(2026, 5, 1, 12)), '2026-06-01T12:00:00.000Z'],
    [new Date(NaN), null],
    [undefined, null],
    [Number.NaN, null],
    [0, 0],
    ['', ''],
    [false, false],
  ])('cell %s', (v, cell) => {
    expect(cellOf(v)).toBe(cell);
  });

  it.each([
    ['none', [], 'The first sheet is empty.'],
    ['a header and 50,000 rows', Array(50_001).fill(['198.18.240.1']), ''],
    ['one row more', Array(50_002).fill(['x']), 'The first sheet has 50,002 rows; one import takes at most 50,000 rows and a header: split the file.'],
    ['more than one request takes', Array(4).fill(['x'.repeat(2_200_000)]), 'The first sheet\'s cells come to 8.4 MiB, more than one import can send (8 MiB): split the file.'],
    ['a row wider than the server reads', [['ip'], [...Array(64).fill('x'), 'y']], 'Row 2 has 65 filled columns; an import reads at most 64: delete the columns you do not import.'],
    ['64 cells is fine', [Array(64).fill('x')], ''],
  ])('rows: %s', (_name, rows, problem) => {
    expect(rowsProblem(rows)).toBe(problem);
  });

  it.each([
    [['198.18.240.1', 'nas', null, '', null], ['198.18.240.1', 'nas']],
    [['198.18.240.1', null, 'x'], ['198.18.240.1', null, 'x']],
    [[null, null], []],
    [[0, false], [0, false]],
    [[], []],
  ])('trimRow %j', (row, want) => {
    expect(trimRow(row)).toEqual(want);
  });
});
