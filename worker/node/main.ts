import { jsonLogger } from '../../schema/log.js';
import { nodeEnv } from './env.js';
import { startServer } from './server.js';

// `npm start`: the control plane on Node with an embedded libSQL file and a local probe.
const log = jsonLogger({ component: 'server' });

async function main() {
  const server = await startServer(nodeEnv(process.env, process.argv.slice(2)), log);
  log.info('edge-ipam listening', { url: server.url, docs: `${server.url}/docs` });
  if (server.generatedAdminPassword) {
    console.log(`\n  First start: open ${server.url} and log in as "admin" with password: ${server.generatedAdminPassword}`);
    console.log('  (shown once; set ADMIN_PASSWORD to choose it yourself)\n');
  }
  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e) => {
  log.error('failed to start', { error: (e as Error).message });
  process.exit(1);
});
