import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Monotonic counters for `/metrics` (Prometheus `_total`), bumped in the same atomic batch as what they count, so
 * both hosts read the same figures from the database (a Workers isolate's memory is not the process's). `labels` is
 * the label set as Prometheus text (`probe="3",outcome="ok"`), bounded by what writes it.
 */
export const metricCounters = sqliteTable(
  'metric_counters',
  {
    name: text('name').notNull(),
    labels: text('labels').notNull().default(''),
    value: integer('value').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.name, t.labels] })],
);
