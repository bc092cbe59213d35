import { z } from '@hono/zod-openapi';
import { IMPORT_FORMAT_IDS } from '../import/formats.js';
import { MAX_COLUMNS, MAX_IMPORT_ROWS } from '../import/sheet.js';
import { line } from './schemas.js';

export const ImportRequestSchema = z
  .object({
    format: z.enum(['auto', ...IMPORT_FORMAT_IDS]).openapi({ description: 'the file\'s format; auto: told by its header row' }),
    // each row is checked by the service a few hundred at a time (sheet.ts CellsSchema), not here in one go; more
    // rows than MAX_IMPORT_ROWS are 413 import_too_large there, as a CSV with too many is
    rows: z
      .array(z.unknown())
      .optional()
      .openapi({
        description: `the sheet's rows as the browser read them from a workbook, header included (at most ${MAX_IMPORT_ROWS}); a row's line is its position + 1. Each row is an array of at most ${MAX_COLUMNS} cells: a string (at most 10,000 characters), a number, a boolean or null`,
      }),
    csv: z.string().optional().openapi({ description: "a CSV file's text (the body is at most 8 MiB); exactly one of rows and csv" }),
    mapping: z
      .record(z.string(), z.string().max(64).nullable())
      .optional()
      .openapi({ description: 'column index (0-based, as text) → field of the format, or null to leave the column out; overrides the headers' }),
    headerRow: z.number().int().min(0).max(MAX_IMPORT_ROWS).optional().openapi({ description: "the header's line (1-based); 0: the sheet has none; left out: found among the first 10 rows" }),
    outside: z.enum(['refuse', 'watch']).optional().openapi({ description: 'addresses outside every subnet: refuse the row (default), or import each as a /32 or /128 subnet of a watch list' }),
    watch: z
      .object({
        name: line(200).trim().openapi({ description: 'the watch list: the group its subnets are listed under' }),
        probeId: z.number().int().positive().nullable().optional().openapi({ description: 'the probe that sweeps them; null: none; left out: the default probe' }),
      })
      .optional(),
  })
  .refine((b) => (b.rows === undefined) !== (b.csv === undefined), { message: 'send exactly one of rows and csv', path: ['rows'] })
  .openapi('ImportRequest');

const RowErrorSchema = z.object({ line: z.number().int(), message: z.string() }).openapi('ImportRowError');

export const ImportPreviewSchema = z
  .object({
    format: z.enum(IMPORT_FORMAT_IDS),
    target: z.enum(['hosts', 'subnets']),
    headerRow: z.number().int().openapi({ description: "the header's line; 0: none" }),
    columns: z.array(z.object({ index: z.number().int(), header: z.string(), field: z.string().nullable() })).openapi({ description: 'each column with its header ("column N" when empty or merged) and the field it fills' }),
    fields: z.array(z.object({ field: z.string(), label: z.string() })).openapi({ description: "the format's fields, for the mapping" }),
    total: z.number().int().openapi({ description: 'data rows (empty rows left out)' }),
    create: z.number().int(),
    update: z.number().int(),
    createSubnets: z.number().int(),
    watch: z.number().int().openapi({ description: 'addresses imported as watch-list subnets' }),
    errors: z.array(RowErrorSchema).openapi({ description: 'bad rows by line, at most 500 listed' }),
    errorCount: z.number().int(),
    sample: z
      .array(z.object({ line: z.number().int(), action: z.enum(['create', 'update', 'watch']) }).catchall(z.unknown()))
      .openapi({ description: 'the first 20 planned records, each with its line and action' }),
  })
  .openapi('ImportPreview');

export const ImportResultSchema = z
  .object({ created: z.number().int(), updated: z.number().int(), createdSubnets: z.number().int(), watch: z.number().int() })
  .openapi('ImportResult');

export const ImportFormatsSchema = z
  .object({
    formats: z
      .array(
        z.object({
          id: z.enum(IMPORT_FORMAT_IDS),
          label: z.string(),
          target: z.enum(['hosts', 'subnets']),
          fields: z.array(z.object({ field: z.string(), label: z.string(), required: z.boolean() })),
        }),
      )
      .openapi({ description: "every format a preview or commit takes besides auto, in the order auto prefers them on equal scores" }),
  })
  .openapi('ImportFormats');
