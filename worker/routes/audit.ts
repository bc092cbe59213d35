import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { queryAudit } from '../services/audit.js';
import { errors, json, router, secured } from './common.js';

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    userId: z.number().int().nullable(),
    actor: z.string().openapi({ description: 'username, or "<username> (token <name>)"' }),
    action: z.string().openapi({ example: 'subnet.create' }),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    clientAddress: z.string().nullable(),
  })
  .openapi('AuditEntry');

const AuditQuery = z.object({
  action: z.string().max(100).optional().openapi({ description: 'exact action, or a prefix ending in ".*" (e.g. "auth.*")' }),
  actor: z.string().max(200).optional(),
  targetType: z.string().max(40).optional(),
  targetId: z.string().max(100).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional().openapi({ description: 'page back: entries older than this id (the previous answer\'s `next`)' }),
});

export function auditRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'admin' }, {
      method: 'get',
      path: '/api/audit',
      tags: ['audit'],
      request: { query: AuditQuery },
      responses: { 200: json(z.object({ entries: z.array(AuditEntry), next: z.number().int().nullable() }), 'Newest first'), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json(await queryAudit(deps, c.req.valid('query')), 200),
  );
}
