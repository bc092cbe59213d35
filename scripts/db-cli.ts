// Shared by `npm run backup` and `npm run restore`: the same DATA_DIR / DATABASE_URL resolution as `npm start`.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeEnvSchema } from '../worker/node/env.js';
import { databaseUrl } from '../worker/node/database.js';

export function dbCli(name: string, usage: string, flags: string[] = []) {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: Object.fromEntries(flags.map((f) => [f, { type: 'boolean' as const }])) });
  } catch (e) {
    fail(name, `${(e as Error).message}\nusage: ${usage}`, 2);
  }
  if (parsed.positionals.length !== 1) fail(name, `usage: ${usage}`, 2);
  const env = nodeEnvSchema.pick({ DATA_DIR: true, DATABASE_URL: true }).parse(process.env);
  // npm runs scripts from the package root; a relative path means relative to where the user typed it
  const file = parsed.positionals[0]!;
  return {
    file: isAbsolute(file) ? file : resolve(process.env.INIT_CWD ?? process.cwd(), file),
    flags: parsed.values as Record<string, boolean | undefined>,
    env: { DATA_DIR: env.DATA_DIR, url: databaseUrl(env) },
  };
}

export function fail(name: string, message: string, code = 1): never {
  console.error(`${name}: ${message}`);
  process.exit(code);
}
