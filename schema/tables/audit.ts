import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Who changed what and when; logins too. Pruned with the history (HOURLY_RETENTION_DAYS). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** The user acting (null for a failed login of an unknown user, or a deleted user). */
    userId: integer('user_id'),
    /** Username at the time, or `token:<name>` when an API token acted; kept when the user goes. */
    actor: text('actor').notNull(),
    /** `<resource>.<verb>`, e.g. `subnet.create`, `auth.login_failed`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** What was asked (secrets removed), as JSON. */
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    clientAddress: text('client_address'),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_action_idx').on(t.action, t.at), index('audit_actor_idx').on(t.actor, t.at)],
);
