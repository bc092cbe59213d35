import type { AlertPolicy, HostAlert } from './types.js';

export type Catch = { next: HostAlert; send: null | { to: 'up' | 'down'; reminder: boolean; held: boolean } };

/**
 * What a host's alert owes once nothing holds it back any more: a change a maintenance window muted is sent when
 * the window is over (only if it still stands: down and back up inside the window is nothing), and a host that
 * stays down is reminded of every `reminderMinutes`. `inIncident`: its subnet's "degraded" event speaks for it.
 * Null: nothing to do.
 */
export function catchUp(h: HostAlert, policy: Pick<AlertPolicy, 'reminderMinutes' | 'sendResolved'>, now: number, muted: boolean, inIncident: boolean): Catch | null {
  if (muted || inIncident) return null;
  if (h.notified !== h.state) {
    // a host first alerted up has nothing to say; an "up" is only sent when resolved ones are
    if (h.state === 'up' && (h.notified === null || !policy.sendResolved)) return { next: { ...h, notified: 'up' }, send: null };
    return { next: { ...h, notified: h.state, lastSentAt: now }, send: { to: h.state, reminder: false, held: true } };
  }
  const every = policy.reminderMinutes * 60_000;
  if (h.state === 'down' && every > 0 && now - (h.lastSentAt ?? h.since) >= every) {
    return { next: { ...h, lastSentAt: now }, send: { to: 'down', reminder: true, held: false } };
  }
  return null;
}

/**
 * Whether the "down"s a window held back in one subnet, sent together when it ends, are a degraded subnet: the rule
 * of one sweep (worker/alerts/subnet-alerts.ts), the up hosts before being those up now and the held ones.
 */
export function heldDegraded(held: number, upNow: number, policy: Pick<AlertPolicy, 'degradedShare' | 'degradedMinHosts'>): boolean {
  return held >= policy.degradedMinHosts && held > policy.degradedShare * (upNow + held);
}
