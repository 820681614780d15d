import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Fixed-window counters shared by every app instance (`export:user:…`, `denied:ip:…`, `integrity:key:…`): a
 * limit that lived in one process's memory would let N instances allow N times as much. Not tenant data.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true, precision: 3 }).notNull(),
  hits: integer('hits').notNull(),
});
