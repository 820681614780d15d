import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './tenancy';

/**
 * Every value each filterable column has ever had in an organization, kept by a trigger on audit_events,
 * so the filter option lists are complete without scanning millions of events.
 */
export const auditFacets = pgTable(
  'audit_facets',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    facet: text('facet').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ name: 'audit_facets_pkey', columns: [t.orgId, t.facet, t.value] })],
);
