import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole, type AppEnv } from '../auth-middleware.js';
import type { Role } from '../auth/roles.js';
import type { AppDeps } from '../deps.js';
import { errorBody } from '../errors.js';
import { auditDetails, recordAudit } from '../services/audit.js';

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

/** A JSON body that may be left out (then the route sees `{}`). */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: false },
});

/** The error answers every authenticated route can give. */
export const errors = {
  400: json(ErrorSchema, 'Invalid input; nothing was written'),
  401: json(ErrorSchema, 'Not logged in, or a bad API token'),
  403: json(ErrorSchema, 'Your role does not allow this, or a cookie-authenticated change came from another origin'),
  404: json(ErrorSchema, 'No such resource'),
} as const;

/** Who may call a route, and under which action name a successful call goes into the audit log. */
export interface Access {
  role: Role | 'public';
  audit?: string;
}

/** The OpenAPI extension naming a route's role; the contract suite reads it from /openapi.json. */
export const ROLE_EXTENSION = 'x-required-role';

/**
 * After a successful call: one audit row with the caller, the target (the path's id, else the answer's
 * `id`), and the validated JSON body (secrets hidden), else the JSON answer (e.g. an import's counts).
 */
function auditAfter(deps: AppDeps, action: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status >= 400) return;
    const body = (c.req.valid as (t: string) => unknown)('json');
    let targetId: string | number | undefined = c.req.param('id');
    let answer: Record<string, unknown> | undefined;
    if (c.res.headers.get('content-type')?.startsWith('application/json')) {
      answer = (await c.res.clone().json().catch(() => undefined)) as Record<string, unknown> | undefined;
      targetId ??= answer?.id as number | undefined;
    }
    const principal = c.get('principal');
    await recordAudit(deps, {
      action,
      actor: principal,
      targetType: action.split('.')[0],
      targetId,
      details: auditDetails(body ?? answer),
      clientAddress: deps.clientAddress(c.req.raw, c.env),
    });
  };
}

/** createRoute with its access rule: the role check runs before validation, the audit after the handler. */
export function secured<R extends RouteConfig>(deps: AppDeps, access: Access, config: R) {
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (access.role !== 'public') middleware.push(requireRole(access.role));
  if (access.audit) middleware.push(auditAfter(deps, access.audit));
  return createRoute({ ...config, middleware, [ROLE_EXTENSION]: access.role });
}

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
