import { sql, type SQL } from 'drizzle-orm';
import type { HostStatus } from '../../schema/tables/index.js';
import { muteCheck, tagsOf, type AlertSetup } from '../alerts/context.js';
import type { HostStep } from '../alerts/host-alerts.js';
import { hostStateWrite, stateStatements, subnetAlertStates, subnetStateWrite, type StateWrite } from '../alerts/store.js';
import { decideSubnet } from '../alerts/subnet-alerts.js';
import type { AlertDraft, AlertPolicy, HostAlert } from '../alerts/types.js';
import type { AppDeps } from '../deps.js';
import type { IngestPlan } from '../domain/ingest-plan.js';

/** A host never alerted is taken as its status says (up: nothing to tell; down: already told, before alerts existed). */
function assumed(status: HostStatus, at: number): HostAlert | null {
  if (status === 'up') return { state: 'up', notified: 'up', ups: 0, since: at, lastSentAt: null };
  if (status === 'down') return { state: 'down', notified: 'down', ups: 0, since: at, lastSentAt: at };
  return null;
}

const same = (a: HostAlert | null, b: HostAlert) =>
  !!a && a.state === b.state && a.notified === b.notified && a.ups === b.ups && a.since === b.since && a.lastSentAt === b.lastSentAt;

/**
 * The events of one subnet's sweeps and the alert states they leave, as statements for ingest's batch. Hosts the
 * batch creates have no alert yet (first seen is no news) and are left out. `reach`: the highest address key the
 * batch's complete sweeps cover when that is short of the subnet's end (a part of a split sweep), else null.
 */
export async function sweepAlerts(
  deps: AppDeps,
  setup: () => Promise<AlertSetup>,
  at: { subnetId: number; probeId: number; policy: AlertPolicy },
  before: ReadonlyArray<{ id: number; ip: string; status: HostStatus; lastChangeAt: number | null }>,
  plan: IngestPlan,
  reach: string | null = null,
): Promise<{ statements: SQL[]; drafts: AlertDraft[] }> {
  const stepsOf = new Map<string, HostStep[]>();
  for (const s of plan.samples) {
    const list = stepsOf.get(s.ip) ?? [];
    list.push({ at: s.at, answered: s.up, status: s.status });
    stepsOf.set(s.ip, list);
  }
  const observed = before.filter((h) => stepsOf.has(h.ip));
  const stored = await subnetAlertStates(deps, at.subnetId, observed.map((h) => h.id));
  const changing = new Set(plan.events.map((e) => e.ip));
  const hosts: { hostId: number; prev: HostAlert | null; steps: HostStep[] }[] = [];
  const candidates: number[] = [];
  for (const h of observed) {
    const steps = stepsOf.get(h.ip)!;
    const prev = stored.hosts.get(h.id) ?? assumed(h.status, h.lastChangeAt ?? 0);
    hosts.push({ hostId: h.id, prev, steps });
    if (prev?.state === 'down' || changing.has(h.ip)) candidates.push(h.id);
  }
  // only hosts alerted down or changing status can flip: without them nothing is judged, so nothing is read
  const judged = candidates.length ? await setup() : null;
  const mute = judged ? muteCheck(judged, await tagsOf(deps, judged, candidates)) : () => null;
  // a degraded subnet's hosts beyond this part are observed by the sweep's later parts: recovery waits for them
  const pending =
    reach !== null && stored.subnet?.state === 'degraded'
      ? new Set(
          (
            await deps.db.all<{ id: number }>(
              sql`SELECT id FROM hosts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(stored.subnet.hostIds)})) AND ip_key > ${reach}`,
            )
          ).map((r) => r.id),
        )
      : undefined;
  const decision = decideSubnet({ ...at, mute, hosts, others: stored.hosts, subnet: stored.subnet, pending });

  const prevOf = new Map(hosts.map((h) => [h.hostId, h.prev]));
  const writes: StateWrite[] = [];
  for (const [hostId, next] of decision.hosts) if (!same(prevOf.get(hostId) ?? null, next)) writes.push(hostStateWrite(hostId, at.subnetId, next));
  if (decision.subnet) writes.push(subnetStateWrite(at.subnetId, decision.subnet));
  // guarded: a duty that wrote one of these rows (or the subnet's, decided on) since the read fails ingest's batch, which is planned again
  return { statements: stateStatements(writes, stored.revs, [`subnet:${at.subnetId}`]), drafts: decision.drafts };
}
