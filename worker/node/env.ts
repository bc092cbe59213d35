import { z } from 'zod';

const flag = z
  .string()
  .optional()
  .transform((v) => v === undefined || !['0', 'false', 'no', 'off'].includes(v.toLowerCase()));

/** The Node host's own settings (the app's settings come from `appConfig`). */
export const nodeEnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must have at least 8 characters').optional(),
  LOCAL_PROBE: flag,
  /** The URL the local probe uses to reach this server (default: http://127.0.0.1:PORT). */
  LOCAL_PROBE_SERVER: z.string().optional(),
});
export type NodeEnv = z.infer<typeof nodeEnvSchema>;

export function nodeEnv(env: NodeJS.ProcessEnv, argv: string[]): NodeEnv {
  const parsed = nodeEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return argv.includes('--no-probe') ? { ...parsed.data, LOCAL_PROBE: false } : parsed.data;
}
