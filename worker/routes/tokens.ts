import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { createToken, listTokens, revokeToken } from '../services/tokens.js';
import { errors, IdParams, json, jsonBody, router, secured } from './common.js';
import { line, RoleSchema } from './schemas.js';

const Token = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: RoleSchema,
    scope: z.enum(['metrics']).nullable().openapi({ description: 'metrics: the token may call GET /metrics only (403 token_scope elsewhere); null: the whole API its role allows' }),
    userId: z.number().int().nullable(),
    username: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().openapi({ description: 'updated at most once a minute' }),
  })
  .openapi('ApiToken');
const NewToken = z
  .object({
    name: line(100).trim().min(1),
    role: RoleSchema.optional().openapi({ description: 'at most your role and the owner\'s; default editor where allowed, else viewer' }),
    scope: z.enum(['metrics']).optional().openapi({ description: 'metrics: a scraper\'s token for GET /metrics only (its role is viewer); absent: the whole API its role allows' }),
    expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'when the token stops working (ISO 8601); none: never' }),
    userId: z.number().int().positive().optional().openapi({ description: 'owner (admins only); default: you' }),
  })
  .strict();

export function tokenRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/tokens', tags: ['tokens'], responses: { 200: json(z.object({ tokens: z.array(Token) }), 'Your tokens (an admin: every token); never the secrets'), 401: errors[401] } }),
      async (c) => c.json({ tokens: await listTokens(deps, c.get('principal')) }, 200),
    )
    .openapi(
      secured(deps, { role: 'viewer', audit: 'token.create' }, {
        method: 'post',
        path: '/api/tokens',
        tags: ['tokens'],
        request: jsonBody(NewToken),
        responses: {
          201: json(Token.omit({ username: true, lastUsedAt: true }).extend({ token: z.string() }), 'The token, shown only this once'),
          ...errors,
        },
      }),
      async (c) => c.json(await createToken(deps, c.get('principal'), c.req.valid('json')), 201),
    )
    .openapi(
      secured(deps, { role: 'viewer', audit: 'token.revoke' }, {
        method: 'delete',
        path: '/api/tokens/{id}',
        tags: ['tokens'],
        request: { params: IdParams },
        responses: { 204: { description: 'Revoked; it stops working at once' }, ...errors },
      }),
      async (c) => {
        await revokeToken(deps, c.get('principal'), c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
}
