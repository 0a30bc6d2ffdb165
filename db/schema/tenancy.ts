import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

/** Who is who: tenants (MSPs), their customer tree, users, and the history of their names. */

export const periodMode = pgEnum('period_mode', ['calendar', 'fixed_day', 'days_before_end']);
export const relationship = pgEnum('billing_relationship', ['direct', 'via']);
export const resellerBilling = pgEnum('reseller_billing', ['aggregate', 'on_behalf']);
export const nameSubject = pgEnum('name_subject', ['customer', 'user']);

export const tenants = pgTable(
  'tenants',
  {
    // A short slug chosen by the operator: it appears in workflow ids and URLs.
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    // ISO 4217 minor unit (2 for EUR, 0 for JPY, 3 for KWD): every item is rounded to it.
    currencyMinorUnits: integer('currency_minor_units').notNull().default(2),
    timeZone: text('time_zone').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('tenants_id_slug', sql`${t.id} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    check('tenants_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('tenants_minor_units', sql`${t.currencyMinorUnits} between 0 and 4`),
    // An IANA name PostgreSQL knows (an unknown one raises); offsets are refused, their sign reads backwards.
    check(
      'tenants_time_zone',
      sql`${t.timeZone} ~ '^[A-Za-z][A-Za-z0-9_+/-]*$' and timezone(${t.timeZone}, timestamptz '2000-01-01 00:00:00+00') is not null`,
    ),
  ],
);

/**
 * Period configuration history: a change of mode takes effect from the first period starting on or
 * after `effectiveFrom`, so closed periods keep the boundaries they were generated with.
 */
export const periodConfigs = pgTable(
  'period_configs',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    effectiveFrom: date('effective_from').notNull(),
    mode: periodMode('mode').notNull(),
    // fixed_day: D in 1..31; days_before_end: N in 0..27; calendar: null.
    day: integer('day'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.effectiveFrom] }),
    check(
      'period_configs_day',
      // `is not null` spelled out: a null day makes `between` null, and a null check passes.
      sql`(${t.mode} = 'calendar' and ${t.day} is null)
        or (${t.mode} = 'fixed_day' and ${t.day} is not null and ${t.day} between 1 and 31)
        or (${t.mode} = 'days_before_end' and ${t.day} is not null and ${t.day} between 0 and 27)`,
    ),
  ],
);

/**
 * The customer tree. `ref` is the sender's own identifier, used by every change-log entry.
 * A `via` customer is invoiced through its parent; the parent's `resellerBilling` decides whether
 * the parent pays (`aggregate`) or the tenant invoices the child on the parent's behalf.
 */
export const customers = pgTable(
  'customers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    ref: text('ref').notNull(),
    name: text('name').notNull(),
    parentId: bigint('parent_id', { mode: 'number' }),
    relationship: relationship('relationship').notNull().default('direct'),
    resellerBilling: resellerBilling('reseller_billing').notNull().default('aggregate'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    unique('customers_tenant_ref').on(t.tenantId, t.ref),
    // Composite key so children, users and items can only point inside their own tenant.
    unique('customers_tenant_id').on(t.tenantId, t.id),
    foreignKey({
      name: 'customers_parent_fk',
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    check('customers_via_has_parent', sql`${t.relationship} = 'direct' or ${t.parentId} is not null`),
    check('customers_not_own_parent', sql`${t.parentId} is distinct from ${t.id}`),
    index('customers_parent').on(t.tenantId, t.parentId),
  ],
);

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // The tenant is guaranteed by users_customer_fk (tenant_id, customer_id) -> customers.
    tenantId: text('tenant_id').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    ref: text('ref').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    unique('users_tenant_ref').on(t.tenantId, t.ref),
    unique('users_tenant_id').on(t.tenantId, t.id),
    foreignKey({
      name: 'users_customer_fk',
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    index('users_customer').on(t.tenantId, t.customerId),
    // The Service Detail grid finds items by their user's name here first (service-detail-search.ts).
    index('users_name_search').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/** Every name a customer or user ever had, with who changed it: periods snapshot names from here. */
export const nameHistory = pgTable(
  'name_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign key to tenants: only ingestion writes names, for the tenant it checked under its
    // lock, and tenants are never deleted; the row-by-row RI check was pure cost.
    tenantId: text('tenant_id').notNull(),
    subject: nameSubject('subject').notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    changeId: bigint('change_id', { mode: 'number' }),
  },
  (t) => [
    index('name_history_subject').on(t.tenantId, t.subject, t.subjectId, t.validFrom),
    // An item keeps its user's name at the period's end: the grid's search looks in every name here.
    index('name_history_name_search').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/**
 * The customer tree through time, from `customer.updated` entries: each row is a customer's whole
 * place in the tree from `validFrom` on, until its next row. A customer without rows has never moved
 * and stands as its customers row says; its first update also records that state from its creation.
 * A period reads the tree as at its end from here (activities/prepare-period.ts).
 */
export const customerTree = pgTable(
  'customer_tree',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    parentId: bigint('parent_id', { mode: 'number' }),
    relationship: relationship('relationship').notNull(),
    resellerBilling: resellerBilling('reseller_billing').notNull(),
    tags: text('tags').array().notNull(),
    actor: text('actor').notNull(),
    // Null for the state recorded from the customer's creation, before its first update.
    changeId: bigint('change_id', { mode: 'number' }),
  },
  (t) => [
    foreignKey({
      name: 'customer_tree_customer_fk',
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    foreignKey({
      name: 'customer_tree_parent_fk',
      columns: [t.tenantId, t.parentId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    check('customer_tree_via_has_parent', sql`${t.relationship} = 'direct' or ${t.parentId} is not null`),
    check('customer_tree_not_own_parent', sql`${t.parentId} is distinct from ${t.customerId}`),
    index('customer_tree_customer').on(t.tenantId, t.customerId, t.validFrom),
  ],
);
