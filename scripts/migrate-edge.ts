// `npm run db:migrate:edge`: applies schema/migrations to the edge database — Turso/libSQL when
// LIBSQL_URL is set (the same drizzle migrator the Node host runs at start), otherwise the remote D1.
import { spawnSync } from 'node:child_process';
import { openDatabase } from '../worker/node/database.js';

if (process.env.LIBSQL_URL) {
  const { client } = await openDatabase(process.env.LIBSQL_URL, process.env.LIBSQL_AUTH_TOKEN);
  client.close();
  console.log(`migrated ${new URL(process.env.LIBSQL_URL).host}`);
} else {
  const res = spawnSync('wrangler', ['d1', 'migrations', 'apply', 'DB', '--remote'], { stdio: 'inherit', shell: false, env: process.env });
  process.exit(res.status ?? 1);
}
