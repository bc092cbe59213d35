import { jsonLogger } from '../schema/log.js';
import { ProbeAgent } from './agent.js';
import { probeConfig } from './config.js';

// `npm run probe -- --server https://ipam.example.net --token eipp_…` (or SERVER_URL / PROBE_TOKEN)
const log = jsonLogger({ component: 'probe' });
let config;
try {
  config = probeConfig(process.argv.slice(2), process.env);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const agent = new ProbeAgent({ ...config, log });
agent.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log.info('stopping', { signal });
    void agent.stop().then(() => process.exit(0));
  });
}
