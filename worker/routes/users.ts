import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { createUser, listUsers, updateUser } from '../services/users.js';
import { NewPassword } from './auth.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';
import { line, RoleSchema } from './schemas.js';

const User = z.object({ id: z.number().int(), username: z.string(), role: RoleSchema, disabled: z.boolean(), createdAt: z.string() }).openapi('User');
const Username = line(100)
  .trim()
  .min(1)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
const conflict = { 409: json(ErrorSchema, 'user_exists, or last_admin: the last active admin cannot be demoted or disabled') };

export function userRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'admin' }, { method: 'get', path: '/api/users', tags: ['users'], responses: { 200: json(z.object({ users: z.array(User) }), 'Every user, by name'), 401: errors[401], 403: errors[403] } }),
      async (c) => c.json({ users: await listUsers(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'admin', audit: 'user.create' }, {
        method: 'post',
        path: '/api/users',
        tags: ['users'],
        request: jsonBody(z.object({ username: Username, password: NewPassword, role: RoleSchema }).strict()),
        responses: { 201: json(User, 'Created'), ...errors, ...conflict },
      }),
      async (c) => c.json(await createUser(deps, c.req.valid('json')), 201),
    )
    .openapi(
      secured(deps, { role: 'admin', audit: 'user.update' }, {
        method: 'patch',
        path: '/api/users/{id}',
        tags: ['users'],
        request: {
          params: IdParams,
          ...jsonBody(
            z
              .object({
                role: RoleSchema.optional(),
                disabled: z.boolean().optional().openapi({ description: 'true: cannot log in; sessions end; tokens stop working' }),
                password: NewPassword.optional().openapi({ description: 'a new password (reset); the user\'s sessions end' }),
              })
              .strict(),
          ),
        },
        responses: { 200: json(User, 'Updated'), ...errors, ...conflict },
      }),
      async (c) => c.json((await updateUser(deps, c.req.valid('param').id, c.req.valid('json'))).user, 200),
    );
}
