import { z } from '@hono/zod-openapi';
import { asc, count, eq } from 'drizzle-orm';
import { hosts, maintenanceWindows, subnets, type MaintenanceWindowRow } from '../../schema/tables/index.js';
import { currentOrNext, covers, occurrences, type MaintenanceWindow, type Occurrence } from '../alerts/maintenance.js';
import { canonicalTimeZone } from '../alerts/zoned-time.js';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import { line, TagSchema } from '../routes/schemas.js';
import { getHost } from './hosts.js';

const DAY_MS = 86_400_000;
/** A one-off window lasts at most this long. */
export const MAX_ONCE_DAYS = 366;
/** The host view reads at most this span of occurrences. */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 7;
/** The alerting checks every window for every event of a batch: keep the list short enough for that. */
export const MAX_WINDOWS = 1000;

const SCOPES = ['subnet', 'host', 'tag'] as const;
const SCOPE_FIELD = { subnet: 'subnetId', host: 'hostId', tag: 'tag' } as const;
const ONCE_FIELDS = ['startsAt', 'endsAt'] as const;
const WEEKLY_FIELDS = ['weekdays', 'startTime', 'durationMinutes', 'timeZone'] as const;

const instant = z.iso.datetime({ offset: true });

/** A new window. Only the scope's target field and the kind's fields may be set (others absent or null). */
export const WindowInputSchema = z
  .object({
    name: line(200).trim().default(''),
    scope: z.enum(SCOPES),
    subnetId: z.number().int().positive().nullish().openapi({ description: 'scope subnet: the subnet (its hosts and the subnet itself)' }),
    hostId: z.number().int().positive().nullish().openapi({ description: 'scope host: the host' }),
    tag: TagSchema.nullish().openapi({ description: 'scope tag: hosts with this tag (exact)' }),
    kind: z.enum(['once', 'weekly']),
    startsAt: instant.nullish().openapi({ description: `once: start (ISO 8601 with offset)` }),
    endsAt: instant.nullish().openapi({ description: `once: end, after the start, at most ${MAX_ONCE_DAYS} days later` }),
    weekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7).nullish().openapi({ description: 'weekly: days it starts on, 0 = Sunday … 6 = Saturday (each once)' }),
    startTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM, 00:00–23:59')
      .nullish()
      .openapi({ description: 'weekly: local start time HH:MM (a time skipped by a DST change starts when the clock resumes; one that happens twice, the first time)', example: '02:00' }),
    durationMinutes: z.number().int().min(1).max(7 * 24 * 60).nullish().openapi({ description: 'weekly: minutes from each start, 1–10080' }),
    timeZone: z.string().min(1).max(64).nullish().openapi({ description: 'weekly: IANA time zone the start time is read in (400 invalid_time_zone if unknown)', example: 'Europe/Berlin' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const only = (fields: readonly (keyof typeof v)[], wanted: boolean, why: string) => {
      for (const k of fields) {
        const given = v[k] !== undefined && v[k] !== null;
        if (given !== wanted) ctx.addIssue({ code: 'custom', path: [k], message: `${wanted ? 'required' : 'not allowed'} ${why}` });
      }
    };
    for (const scope of SCOPES) only([SCOPE_FIELD[scope]], scope === v.scope, `for scope ${v.scope}`);
    only(ONCE_FIELDS, v.kind === 'once', `for kind ${v.kind}`);
    only(WEEKLY_FIELDS, v.kind === 'weekly', `for kind ${v.kind}`);
    if (v.kind === 'once' && v.startsAt && v.endsAt) {
      const length = Date.parse(v.endsAt) - Date.parse(v.startsAt);
      if (length <= 0) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
      else if (length > MAX_ONCE_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: `at most ${MAX_ONCE_DAYS} days after startsAt` });
    }
    if (v.weekdays && new Set(v.weekdays).size !== v.weekdays.length) ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'each day at most once' });
  })
  .openapi('MaintenanceWindowInput');
export type WindowInput = z.input<typeof WindowInputSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const isoSpan = (o: Occurrence) => ({ start: new Date(o.start).toISOString(), end: new Date(o.end).toISOString() });

function plain(r: MaintenanceWindowRow): MaintenanceWindow {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    subnetId: r.subnetId,
    hostId: r.hostId,
    tag: r.tag,
    kind: r.kind,
    startsAt: r.startsAt?.getTime() ?? null,
    endsAt: r.endsAt?.getTime() ?? null,
    weekdays: r.weekdays,
    startTime: r.startTime,
    durationMinutes: r.durationMinutes,
    timeZone: r.timeZone,
  };
}

/** A window as the API shows it at `now`. */
export function windowView(r: MaintenanceWindowRow, now: number) {
  const w = plain(r);
  const next = currentOrNext(w, now);
  return {
    ...w,
    startsAt: iso(w.startsAt),
    endsAt: iso(w.endsAt),
    createdAt: r.createdAt.toISOString(),
    activeNow: next !== null && next.start <= now,
    next: next && isoSpan(next),
  };
}
export type WindowView = ReturnType<typeof windowView>;

/** Every window, as plain values (the alerting reads them once per batch). */
export async function loadWindows(deps: AppDeps): Promise<MaintenanceWindow[]> {
  return (await deps.db.select().from(maintenanceWindows).orderBy(asc(maintenanceWindows.id))).map(plain);
}

export async function listWindows(deps: AppDeps): Promise<WindowView[]> {
  const rows = await deps.db.select().from(maintenanceWindows).orderBy(asc(maintenanceWindows.id));
  const now = deps.clock.now();
  return rows.map((r) => windowView(r, now));
}

function parseInput(input: unknown) {
  const parsed = WindowInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  throw new AppError(400, 'invalid_request', `${first.path ? `${first.path}: ` : ''}${first.message}`, { issues });
}

async function assertTarget(deps: AppDeps, v: { scope: string; subnetId?: number | null; hostId?: number | null }) {
  if (v.scope === 'subnet') {
    const [s] = await deps.db.select({ id: subnets.id }).from(subnets).where(eq(subnets.id, v.subnetId!));
    if (!s) throw notFound(`subnet ${v.subnetId}`);
  } else if (v.scope === 'host') {
    const [h] = await deps.db.select({ id: hosts.id }).from(hosts).where(eq(hosts.id, v.hostId!));
    if (!h) throw notFound(`host ${v.hostId}`);
  }
}

const isForeignKeyViolation = (e: unknown) => /foreign key constraint failed/i.test(String((e as { message?: unknown })?.message ?? e) + String((e as { cause?: unknown })?.cause ?? ''));

/** Validates everything first (400, 404, 409); writes one row. */
export async function createWindow(deps: AppDeps, input: unknown): Promise<WindowView> {
  const v = parseInput(input);
  let timeZone: string | null = null;
  if (v.kind === 'weekly') {
    timeZone = canonicalTimeZone(v.timeZone!);
    if (!timeZone) throw new AppError(400, 'invalid_time_zone', `unknown time zone "${v.timeZone}": give an IANA name such as Europe/Berlin or UTC`);
  }
  await assertTarget(deps, v);
  const [{ n } = { n: 0 }] = await deps.db.select({ n: count() }).from(maintenanceWindows);
  if (n >= MAX_WINDOWS) throw new AppError(409, 'too_many_windows', `at most ${MAX_WINDOWS} maintenance windows; delete old ones first`);
  const values = {
    name: v.name,
    scope: v.scope,
    subnetId: v.scope === 'subnet' ? v.subnetId! : null,
    hostId: v.scope === 'host' ? v.hostId! : null,
    tag: v.scope === 'tag' ? v.tag! : null,
    kind: v.kind,
    startsAt: v.kind === 'once' ? new Date(v.startsAt!) : null,
    endsAt: v.kind === 'once' ? new Date(v.endsAt!) : null,
    weekdays: v.kind === 'weekly' ? [...v.weekdays!].sort((a, b) => a - b) : null,
    startTime: v.kind === 'weekly' ? v.startTime! : null,
    durationMinutes: v.kind === 'weekly' ? v.durationMinutes! : null,
    timeZone,
    createdAt: new Date(deps.clock.now()),
  };
  try {
    const [row] = await deps.db.insert(maintenanceWindows).values(values).returning();
    return windowView(row!, deps.clock.now());
  } catch (e) {
    // the subnet or host was deleted between the check and the insert
    if (isForeignKeyViolation(e)) throw notFound(v.scope === 'subnet' ? `subnet ${v.subnetId}` : `host ${v.hostId}`);
    throw e;
  }
}

/** Deletes a window and returns what it was. */
export async function deleteWindow(deps: AppDeps, id: number): Promise<MaintenanceWindow> {
  const [row] = await deps.db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, id)).returning();
  if (!row) throw notFound(`maintenance window ${id}`);
  return plain(row);
}

/**
 * The windows covering a host (its own, its subnet's, its tags'), each with its occurrences overlapping [from, to)
 * (default: to now, from 7 days before `to`), for the host's history.
 */
export async function windowsForHost(deps: AppDeps, hostId: number, from?: number, to?: number) {
  const host = await getHost(deps, hostId);
  const now = deps.clock.now();
  const end = to ?? now;
  const start = from ?? end - DEFAULT_RANGE_DAYS * DAY_MS;
  if (start >= end) throw new AppError(400, 'bad_range', 'from must be before to');
  if (end - start > MAX_RANGE_DAYS * DAY_MS) throw new AppError(400, 'bad_range', `at most ${MAX_RANGE_DAYS} days from from to to`);
  const target = { hostId: host.id, subnetId: host.subnetId, tags: host.tags };
  const rows = await deps.db.select().from(maintenanceWindows).orderBy(asc(maintenanceWindows.id));
  const windows = rows
    .filter((r) => covers(plain(r), target))
    .map((r) => ({ ...windowView(r, now), occurrences: occurrences(plain(r), start, end).map(isoSpan) }));
  return { hostId: host.id, from: new Date(start).toISOString(), to: new Date(end).toISOString(), windows };
}
