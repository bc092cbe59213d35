import { eq, sql } from 'drizzle-orm';
import { probes, subnets } from '../../schema/tables/index.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { notFound } from '../errors.js';
import { subnetsChanged } from '../live/announce.js';
import { probeDisconnected } from '../probe-link/session.js';

/** Enrols a probe and returns its token, which is stored only as a hash. */
export async function enrollProbe(deps: AppDeps, name: string, site = '', isLocal = false) {
  const token = randomToken('eipp');
  const [row] = await deps.db
    .insert(probes)
    .values({ name, site, isLocal, tokenHash: await sha256Hex(token), createdAt: new Date(deps.clock.now()) })
    .returning({ id: probes.id });
  return { id: row!.id, name, site, token };
}

export async function listProbes(deps: AppDeps) {
  const rows = await deps.db
    // spelled out: drizzle leaves a one-table select's columns unqualified, so `${probes.id}` in the subquery read subnets.id
    .select({ p: probes, subnetCount: sql<number>`(SELECT count(*) FROM subnets s WHERE s.probe_id = "probes"."id")` })
    .from(probes)
    .orderBy(probes.id);
  return rows.map(({ p, subnetCount }) => ({
    id: p.id,
    name: p.name,
    site: p.site,
    isLocal: p.isLocal,
    connected: p.connected,
    version: p.version,
    kinds: p.kinds,
    rawSockets: p.rawSockets,
    network: p.network ?? null,
    lastSeenAt: p.lastSeenAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    subnetCount: Number(subnetCount),
  }));
}

/** Revokes a probe: its hosts become unknown, the row goes (its subnets are unassigned), its connection closes. */
export async function revokeProbe(deps: AppDeps, id: number): Promise<{ effects: Effects }> {
  const [row] = await deps.db.select({ id: probes.id }).from(probes).where(eq(probes.id, id));
  if (!row) throw notFound(`probe ${id}`);
  await probeDisconnected(deps, id);
  await deps.db.delete(probes).where(eq(probes.id, id));
  await deps.hub.disconnect(id, 'revoked');
  // its subnets lost their probe
  return { effects: { live: [subnetsChanged] } };
}
