// `npm run backup -- <file> [--force]`: a consistent copy of the Node host's database, safe while the server runs.
import { backupDatabase } from '../worker/node/backup.js';
import { dbCli, fail } from './db-cli.js';

const { file, flags, env } = dbCli('backup', 'npm run backup -- <file> [--force]', ['force']);
try {
  const r = await backupDatabase(env.url, file, { force: flags.force });
  const rows = Object.entries(r.tables).map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`backed up ${r.source} to ${r.target} (${r.bytes} bytes; rows: ${rows})`);
} catch (e) {
  fail('backup', (e as Error).message);
}
