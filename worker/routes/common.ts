import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../auth-middleware.js';
import { errorBody } from '../errors.js';

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

export const IdParams = z.object({
  id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/** The error answers every authenticated route can give. */
export const errors = {
  400: json(ErrorSchema, 'Invalid input; nothing was written'),
  401: json(ErrorSchema, 'Not logged in, or a bad API token'),
  404: json(ErrorSchema, 'No such resource'),
} as const;

/** A sub-app whose validation failures answer 400 with the shared error shape. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        const first = issues[0];
        const message = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid request';
        return c.json(errorBody('invalid_request', message, { issues }), 400);
      }
    },
  });
}
