import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { apiTokens } from './access.js';
import { elementKind } from './catalog.js';
import { customers, periodMode, relationship, resellerBilling, tenants } from './tenancy.js';

/** Billing periods, the items generated for them, the rules applied, roll-ups and exports. */

export const periodStatus = pgEnum('period_status', [
  'open',
  'generating',
  'awaiting_approval',
  'approved',
  'exported',
]);

/**
 * One row per revision of a period. Reopening an approved period adds revision n+1; the earlier
 * revision keeps its items, totals and exports, readable but never changed again.
 */
export const periods = pgTable(
  'periods',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    // Local dates in the tenant's zone, both inclusive, and the instants they stand for.
    startDate: date('start_date').notNull(),
    endDate: date('end_date').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    mode: periodMode('mode').notNull(),
    revision: integer('revision').notNull().default(1),
    status: periodStatus('status').notNull().default('open'),
    workflowId: text('workflow_id'),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    rejectedReason: text('rejected_reason'),
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
    reopenedBy: text('reopened_by'),
    reopenReason: text('reopen_reason'),
    // The newest change-log entry this revision's last computation was sure to see. Anything newer
    // may be missing from its items, so once approved it is checked again by the next open period's
    // adjustments, whichever period the entry's date falls in and whenever it was approved.
    seenThroughChangeId: bigint('seen_through_change_id', { mode: 'number' }),
  },
  (t) => [
    unique('periods_revision').on(t.tenantId, t.startDate, t.revision),
    unique('periods_tenant_id').on(t.tenantId, t.id),
    check('periods_dates', sql`${t.endDate} >= ${t.startDate}`),
    check('periods_instants', sql`${t.endsAt} > ${t.startsAt}`),
    index('periods_tenant_start').on(t.tenantId, t.startDate),
  ],
);

export const rules = pgTable(
  'rules',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    // Inclusive local dates; null is an open end.
    fromDate: date('from_date'),
    toDate: date('to_date'),
    // Criteria: every one that is set must match.
    customerId: bigint('customer_id', { mode: 'number' }),
    customerPattern: text('customer_pattern'),
    customerTag: text('customer_tag'),
    userPattern: text('user_pattern'),
    skuCode: text('sku_code'),
    vendor: text('vendor'),
    service: text('service'),
    elementKind: elementKind('element_kind'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: 'rules_customer_fk',
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    unique('rules_tenant_id').on(t.tenantId, t.id),
    check('rules_range', sql`${t.fromDate} is null or ${t.toDate} is null or ${t.toDate} >= ${t.fromDate}`),
    check(
      'rules_has_criterion',
      sql`num_nonnulls(${t.customerId}, ${t.customerPattern}, ${t.customerTag}, ${t.userPattern},
        ${t.skuCode}, ${t.vendor}, ${t.service}, ${t.elementKind}) > 0`,
    ),
  ],
);

const money = (name: string) => numeric(name, { precision: 20, scale: 4 });

/**
 * An item is one element (or one usage entry) for the part of a period it was active, or a piece of
 * it after rules split it. Names are the period's snapshot; amounts are rounded to the currency.
 */
export const items = pgTable(
  'items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    periodId: bigint('period_id', { mode: 'number' }).notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    invoiceToId: bigint('invoice_to_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    elementId: bigint('element_id', { mode: 'number' }),
    changeId: bigint('change_id', { mode: 'number' }),
    kind: elementKind('kind').notNull(),
    service: text('service').notNull(),
    product: text('product').notNull(),
    customerName: text('customer_name').notNull(),
    userName: text('user_name'),
    skuCode: text('sku_code'),
    vendor: text('vendor'),
    unmapped: boolean('unmapped').notNull().default(false),
    // Active local dates [activeFrom, activeTo): the day of removal is not billed.
    activeFrom: date('active_from').notNull(),
    activeTo: date('active_to').notNull(),
    daysActive: integer('days_active').notNull(),
    periodDays: integer('period_days').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    unitPrice: numeric('unit_price', { precision: 20, scale: 6 }).notNull().default('0'),
    discountPercent: numeric('discount_percent', { precision: 5, scale: 2 }).notNull().default('0'),
    amount: money('amount').notNull().default('0'),
    billable: boolean('billable').notNull().default(true),
    ruleId: bigint('rule_id', { mode: 'number' }),
    // The rule's name when the item was computed: renaming the rule later changes nothing shown here.
    ruleName: text('rule_name'),
    carriedOver: boolean('carried_over').notNull().default(false),
    // An adjustment bills, in this period, a late change that belongs to an approved period.
    adjustsPeriodId: bigint('adjusts_period_id', { mode: 'number' }),
  },
  // No foreign keys, on purpose: items are derived rows, written only by the close's COPY
  // (activities/compute-shard.ts), whose every parent (period, customer, element, change, rule) was
  // loaded from within the tenant, and nothing is ever deleted from those parents. Row-by-row foreign-key triggers cost
  // more than the insert itself (about 1.1 s of 1.8 s per 45,000 items, docs/performance.md).
  (t) => [
    check('items_span', sql`${t.activeTo} >= ${t.activeFrom}`),
    check('items_days', sql`${t.daysActive} between 0 and ${t.periodDays}`),
    check('items_rule_only_unbillable', sql`${t.ruleId} is null or not ${t.billable}`),
    // With the id, a customer's items come in the Service Detail grid's default order, unsorted.
    index('items_period_customer').on(t.periodId, t.customerId, t.id),
    // Views, exports and the OData feed page through a period's items in id order.
    index('items_period_id').on(t.periodId, t.id),
    index('items_period_invoice_to').on(t.periodId, t.invoiceToId),
    // A period's adjustment items (few), for a rule edit to find the periods whose adjustments it
    // reaches (db/views/rules.ts) without reading the period's every item.
    index('items_period_adjustments')
      .on(t.periodId, t.activeFrom)
      .where(sql`${t.adjustsPeriodId} is not null`),
    // The Service Detail grid's other orders and filters, read as keyset ranges (service-detail-grid.ts).
    index('items_period_amount').on(t.periodId, t.amount, t.id),
    index('items_period_customer_name').on(t.periodId, t.customerName, t.id),
    index('items_period_sku').on(t.periodId, t.skuCode, t.id),
    index('items_period_rule').on(t.periodId, t.ruleId).where(sql`${t.ruleId} is not null`),
    // The grid's text search reads the period's few distinct products here (a loose index scan);
    // user and element names are found in users, name_history and elements (service-detail-search.ts).
    index('items_period_product').on(t.periodId, t.product),
    index('items_period_element').on(t.periodId, t.elementId),
    // Non-billable items are few: the grid's `billable=false` reads them without a scan.
    index('items_period_unbillable').on(t.periodId, t.id).where(sql`not ${t.billable}`),
  ],
);

/**
 * The customer tree as it stood at the period's end: snapshot name, invoice-to customer, depth and
 * every ancestor. Computed once per period so each shard and each view reads it instead of walking
 * the tree again, and so a closed period keeps the tree it was billed with.
 */
export const periodCustomers = pgTable(
  'period_customers',
  {
    periodId: bigint('period_id', { mode: 'number' }).notNull(),
    tenantId: text('tenant_id').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    parentId: bigint('parent_id', { mode: 'number' }),
    // How the customer was billed then: with the parent, they say why invoice_to is who it is.
    relationship: relationship('relationship').notNull(),
    resellerBilling: resellerBilling('reseller_billing').notNull(),
    invoiceToId: bigint('invoice_to_id', { mode: 'number' }).notNull(),
    depth: integer('depth').notNull(),
    // Every customer above this one, nearest first: the reseller tiers whose roll-ups include it.
    ancestorIds: bigint('ancestor_ids', { mode: 'number' }).array().notNull(),
    name: text('name').notNull(),
    tags: text('tags').array().notNull(),
  },
  (t) => [
    unique('period_customers_key').on(t.periodId, t.customerId),
    foreignKey({
      name: 'period_customers_period_fk',
      columns: [t.tenantId, t.periodId],
      foreignColumns: [periods.tenantId, periods.id],
    }),
    index('period_customers_invoice_to').on(t.periodId, t.invoiceToId),
  ],
);

export const rollupLevel = pgEnum('rollup_level', ['customer', 'invoice_to', 'reseller']);

/** Totals per customer, per invoice-to customer and per reseller (its whole subtree). */
export const rollups = pgTable(
  'rollups',
  {
    periodId: bigint('period_id', { mode: 'number' }).notNull(),
    tenantId: text('tenant_id').notNull(),
    level: rollupLevel('level').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    // Depth of the customer in the tree (0 = a top-level customer of the tenant).
    depth: integer('depth').notNull(),
    itemCount: integer('item_count').notNull(),
    billableAmount: money('billable_amount').notNull(),
  },
  (t) => [
    unique('rollups_key').on(t.periodId, t.level, t.customerId),
    foreignKey({
      name: 'rollups_period_fk',
      columns: [t.tenantId, t.periodId],
      foreignColumns: [periods.tenantId, periods.id],
    }),
  ],
);

export const exportFormat = pgEnum('export_format', ['xlsx', 'csv']);

/** A period's export, stored durably with its checksum so a download can be verified later. */
export const exports = pgTable(
  'exports',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    periodId: bigint('period_id', { mode: 'number' }).notNull(),
    format: exportFormat('format').notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('exports_period_format').on(t.periodId, t.format),
    foreignKey({
      name: 'exports_period_fk',
      columns: [t.tenantId, t.periodId],
      foreignColumns: [periods.tenantId, periods.id],
    }),
  ],
);

export const decisionAction = pgEnum('decision_action', ['approve', 'reject', 'reprocess', 'reopen']);

/**
 * A decision finance or an admin made through the API, with the token that made it. The close run
 * receives only its id and consumes it once (activities/verify-decision.ts): a message that reaches
 * Temporal any other way names no unconsumed decision of this period, so it changes nothing.
 */
export const decisions = pgTable(
  'decisions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    // The revision decided on (for a reopen: the approved revision being reopened).
    periodId: bigint('period_id', { mode: 'number' }).notNull(),
    periodEnd: date('period_end').notNull(),
    revision: integer('revision').notNull(),
    action: decisionAction('action').notNull(),
    actor: text('actor').notNull(),
    tokenId: bigint('token_id', { mode: 'number' })
      .notNull()
      .references(() => apiTokens.id),
    note: text('note'),
    reason: text('reason'),
    // A reprocess asked for by a rule edit: the rule versions whose reach is computed again.
    rules: jsonb('rules'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    // The workflow update (or run) that consumed it, so a retried check by the same one still passes.
    consumedBy: text('consumed_by'),
  },
  (t) => [
    foreignKey({
      name: 'decisions_period_fk',
      columns: [t.tenantId, t.periodId],
      foreignColumns: [periods.tenantId, periods.id],
    }),
    check('decisions_reason', sql`${t.action} not in ('reject', 'reopen') or ${t.reason} is not null`),
    check('decisions_consumed', sql`(${t.consumedAt} is null) = (${t.consumedBy} is null)`),
    index('decisions_period').on(t.periodId, t.createdAt),
  ],
);
