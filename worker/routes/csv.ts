import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { follow } from '../effects.js';
import { exportHostsCsv, exportSubnetsCsv, importHosts, importSubnets } from '../services/csv.js';
import { exportHostsXlsx, exportSubnetsXlsx, XLSX_TYPE } from '../services/xlsx-export.js';
import { errors, ErrorSchema, json, router, secured } from './common.js';

const csvResponse = (description: string) => ({ content: { 'text/csv': { schema: z.string() } }, description });
const csvBody = { body: { content: { 'text/csv': { schema: z.string() } }, required: true } };
const invalidRows = { 422: json(ErrorSchema, 'Some rows are invalid (details.rows lists line and message); nothing was written') };

/** The body, read as it streams in; its size is checked in bytes by limitBodies (worker/http/body-limits.ts). */
function csvBodyOf(req: Request): ReadableStream<Uint8Array> | null {
  const type = req.headers.get('content-type') ?? '';
  if (!/^(text\/csv|text\/plain|application\/csv)/i.test(type)) throw new AppError(400, 'unsupported_media_type', 'send the file as text/csv');
  return req.body;
}

const csvHeaders = (file: string) => ({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}"` });
const xlsxResponse = (description: string) => ({ content: { [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } }, description });
const xlsxHeaders = (file: string) => ({ 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="${file}"` });

export function csvRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/export/subnets.csv', tags: ['csv'], responses: { 200: csvResponse('Every subnet'), 401: errors[401] } }),
      async (c) => c.body(exportSubnetsCsv(deps), 200, csvHeaders('subnets.csv')),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/export/hosts.csv', tags: ['csv'], responses: { 200: csvResponse('Every host record'), 401: errors[401] } }),
      async (c) => c.body(exportHostsCsv(deps), 200, csvHeaders('hosts.csv')),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/export/subnets.xlsx', tags: ['csv'], responses: { 200: xlsxResponse('Every subnet, as the CSV export has them, in a workbook'), 401: errors[401], 413: json(ErrorSchema, 'More rows than a worksheet holds (export_too_large)') } }),
      async (c) => c.body(await exportSubnetsXlsx(deps), 200, xlsxHeaders('subnets.xlsx')),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/export/hosts.xlsx', tags: ['csv'], responses: { 200: xlsxResponse('Every host record, as the CSV export has them, in a workbook'), 401: errors[401], 413: json(ErrorSchema, 'More rows than a worksheet holds (export_too_large)') } }),
      async (c) => c.body(await exportHostsXlsx(deps), 200, xlsxHeaders('hosts.xlsx')),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'import.subnets' }, {
        method: 'post',
        path: '/api/import/subnets',
        tags: ['csv'],
        request: csvBody,
        responses: { 200: json(z.object({ created: z.number() }), 'All rows imported'), 400: errors[400], 401: errors[401], ...invalidRows },
      }),
      async (c) => {
        const { created, effects } = await importSubnets(deps, csvBodyOf(c.req.raw));
        await follow(deps, effects);
        return c.json({ created }, 200);
      },
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'import.hosts' }, {
        method: 'post',
        path: '/api/import/hosts',
        tags: ['csv'],
        request: csvBody,
        responses: { 200: json(z.object({ created: z.number(), updated: z.number() }), 'All rows imported (existing addresses updated)'), 400: errors[400], 401: errors[401], ...invalidRows },
      }),
      async (c) => {
        const { created, updated, effects } = await importHosts(deps, csvBodyOf(c.req.raw));
        await follow(deps, effects);
        return c.json({ created, updated }, 200);
      },
    );
}
