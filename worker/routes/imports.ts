import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { commitImport, previewImport } from '../services/imports.js';
import { errors, ErrorSchema, json, jsonBody, router, secured } from './common.js';
import { importFormatList } from '../import/formats.js';
import { ImportFormatsSchema, ImportPreviewSchema, ImportRequestSchema, ImportResultSchema } from './imports-schemas.js';

const refusals = {
  400: json(ErrorSchema, 'A bad request: unknown format or field, no address column (import_no_address_column), a watch list without a name, …'),
  401: errors[401],
  403: errors[403],
  413: json(ErrorSchema, 'More than 50,000 data rows, or a body over 8 MiB'),
};

/**
 * The checked body, handed to the service alone: Hono's copy of the parsed body is dropped, so the service lets go
 * of the rows as it reads them (a 50,000-row body is ~15 MB of objects).
 */
function bodyOf<T>(c: { req: { valid(target: 'json'): T; bodyCache: object } }): T {
  const body = c.req.valid('json');
  c.req.bodyCache = {};
  return body;
}

/** GET /api/import/formats, POST /api/import/preview and /commit: the import of worker/import/ (the CSV-only /api/import/hosts and /subnets are routes/csv.ts). */
export function importRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'editor' }, {
        method: 'get',
        path: '/api/import/formats',
        tags: ['import'],
        responses: { 200: json(ImportFormatsSchema, "The formats the import takes (the import page's list)"), 401: errors[401], 403: errors[403] },
      }),
      (c) => c.json({ formats: importFormatList() }, 200),
    )
    .openapi(
      secured(deps, { role: 'editor' }, {
        method: 'post',
        path: '/api/import/preview',
        tags: ['import'],
        request: jsonBody(ImportRequestSchema),
        responses: { 200: json(ImportPreviewSchema, 'How the columns map and what a commit would write; nothing is written'), ...refusals },
      }),
      async (c) => c.json(await previewImport(deps, bodyOf(c)), 200),
    )
    .openapi(
      // audited by the service (import.commit with the format and the counts), not with the body's rows
      secured(deps, { role: 'editor' }, {
        method: 'post',
        path: '/api/import/commit',
        tags: ['import'],
        request: jsonBody(ImportRequestSchema),
        responses: {
          200: json(ImportResultSchema, 'Everything written, in one atomic batch'),
          ...refusals,
          409: json(ErrorSchema, 'Another change wrote a clashing subnet or host meanwhile (import_conflict); nothing was written'),
          422: json(ErrorSchema, 'Some rows are invalid (import_invalid; details.rows lists line and message); nothing was written'),
        },
      }),
      async (c) => {
        const audit = { actor: c.get('principal'), clientAddress: deps.clientAddress(c.req.raw, c.env) };
        const { result, effects } = await commitImport(deps, bodyOf(c), audit);
        await follow(deps, effects);
        return c.json(result, 200);
      },
    );
}
