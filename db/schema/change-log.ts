import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { elementKind } from './catalog.js';
import { customers, users } from './tenancy.js';

/** The append-only change log (the single source of truth) and the elements it starts and ends. */

export const changeKinds = [
  'customer.created',
  'customer.deleted',
  'customer.renamed',
  'user.created',
  'user.deleted',
  'user.renamed',
  'plan.changed',
  'instance.added',
  'instance.removed',
  'application.added',
  'application.removed',
  'domain.added',
  'domain.removed',
  'usage.recorded',
] as const;
export type ChangeKind = (typeof changeKinds)[number];
export const changeKind = pgEnum('change_kind', changeKinds);

export const changeLog = pgTable(
  'change_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign key to tenants: ingestion checks the tenant under its lock, tenants are never
    // deleted, and a row-by-row RI check cost as much as a tenth of the insert (docs/performance.md).
    tenantId: text('tenant_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    kind: changeKind('kind').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    customerRef: text('customer_ref').notNull(),
    userRef: text('user_ref'),
    // The entry as the sender wrote it; its hash tells a resend from a reused key.
    payload: jsonb('payload').notNull(),
    payloadHash: text('payload_hash').notNull(),
    // Set when the entry belongs to an already approved period: it is billed as an adjustment of
    // the next open period, pointing back at this one.
    latePeriodId: bigint('late_period_id', { mode: 'number' }),
  },
  (t) => [
    unique('change_log_idempotency').on(t.tenantId, t.idempotencyKey),
    index('change_log_occurred').on(t.tenantId, t.occurredAt),
    index('change_log_usage').on(t.tenantId, t.occurredAt).where(sql`${t.kind} = 'usage.recorded'`),
    // Usage of one customer: a close joins usage to the shard's customers by ref, and without this
    // the join scanned the tenant's whole year of usage once per customer (docs/performance.md).
    index('change_log_usage_customer')
      .on(t.tenantId, t.customerRef, t.occurredAt)
      .where(sql`${t.kind} = 'usage.recorded'`),
  ],
);

/**
 * A billable element (a plan held by a customer or user, an instance, an application, a domain)
 * with the instants the change log started and ended it. It is a projection of the change log,
 * kept by ingestion so that generating a period is a range query rather than a replay.
 */
export const elements = pgTable(
  'elements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // The tenant is guaranteed by elements_customer_fk (tenant_id, customer_id) -> customers.
    tenantId: text('tenant_id').notNull(),
    kind: elementKind('kind').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    service: text('service').notNull(),
    product: text('product').notNull(),
    // The sender's identity of the element (instance id, domain name...); plans use the service.
    ref: text('ref').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull().default('1'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    // Change-log ids without foreign keys: ingestion writes the ids its own insert returned, in the
    // same transaction, and the change log is append-only (no row is ever deleted or updated).
    startChangeId: bigint('start_change_id', { mode: 'number' }).notNull(),
    endChangeId: bigint('end_change_id', { mode: 'number' }),
  },
  (t) => [
    foreignKey({
      name: 'elements_customer_fk',
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    foreignKey({
      name: 'elements_user_fk',
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }),
    check('elements_span', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt}`),
    check('elements_quantity', sql`${t.quantity} > 0`),
    check('elements_not_usage', sql`${t.kind} <> 'usage'`),
    index('elements_span').on(t.tenantId, t.startedAt, t.endedAt),
    index('elements_customer').on(t.tenantId, t.customerId),
    // The Service Detail grid finds items by their element's name (db/views/service-detail-grid.ts).
    index('elements_ref_search').using('gin', sql`${t.ref} gin_trgm_ops`),
    // At most one live element per identity: a second add without a removal is a contradiction.
    unique('elements_live_identity')
      .on(t.tenantId, t.kind, t.customerId, t.userId, t.ref, t.endChangeId)
      .nullsNotDistinct(),
  ],
);
