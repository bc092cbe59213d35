// `npm run restore -- <file>`: puts a backup in place of the Node host's database (the server must be stopped).
import { restoreDatabase } from '../worker/node/backup.js';
import { dbCli, fail } from './db-cli.js';

const { file, env } = dbCli('restore', 'npm run restore -- <file>');
try {
  const r = await restoreDatabase(env, file);
  const rows = Object.entries(r.tables).map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`restored ${file} to ${r.target} (rows: ${rows})`);
  if (r.previous) console.log(`the database it replaced is kept as ${r.previous}`);
  for (const f of r.removed) console.log(`removed stale ${f}`);
} catch (e) {
  fail('restore', (e as Error).message);
}
