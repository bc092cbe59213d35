import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { probes } from '../../schema/tables/index.js';
import { ProbeAgent } from '../../probe/agent.js';
import { runnerConfig } from '../../probe/config.js';
import { jsonLogger } from '../../schema/log.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { AppDeps } from '../deps.js';
import { enrollProbe } from '../routes/probes.js';

/**
 * The probe that `npm start` runs beside the server, so a first run needs nothing else.
 * Its token is rotated at every start (only the hash is stored, so the old one cannot be reused).
 */
export async function localProbeCredentials(deps: AppDeps): Promise<{ id: number; token: string }> {
  const [existing] = await deps.db.select({ id: probes.id }).from(probes).where(eq(probes.isLocal, true));
  if (!existing) {
    const p = await enrollProbe(deps, 'local', 'this server', true);
    return { id: p.id, token: p.token };
  }
  const token = randomToken('eipp');
  await deps.db.update(probes).set({ tokenHash: await sha256Hex(token) }).where(eq(probes.id, existing.id));
  return { id: existing.id, token };
}

export function startLocalProbe(deps: AppDeps, serverUrl: string, token: string, dataDir: string): ProbeAgent {
  const agent = new ProbeAgent({
    serverUrl,
    token,
    stateDir: join(dataDir, 'local-probe'),
    heartbeatMs: deps.config.heartbeatSeconds * 1000,
    reconnectMaxMs: 5_000,
    // the probe's own variables (PING_WORKERS, SWEEP_ENGINE, DNS_SERVER, MAC_COLLECTION, …), read as the probe reads them
    ...runnerConfig(process.env),
    log: jsonLogger({ component: 'local-probe' }),
  });
  agent.start();
  return agent;
}
