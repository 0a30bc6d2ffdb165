import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type ItemCosts, periodItemCosts } from '../../db/views/item-costs.js';
import type { ItemRow } from '../../db/views/items.js';
import { type PeriodRevision, periodRevision } from '../../db/views/period-revision.js';
import type { ViewScope } from '../../db/views/scope.js';
import { staff } from '../auth.js';
import type { AppEnv } from '../context.js';
import { notFound } from '../problems.js';
import { LocalDateSchema, MAX_ID, MAX_INT32 } from '../router.js';

/** The request and response shapes of the period views and exports, and the revision they read. */

export const PeriodParam = z.object({
  period: LocalDateSchema.openapi({
    param: { name: 'period', in: 'path' },
    description: 'any date of the period',
  }),
});

export const revision = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_INT32)
  .optional()
  .openapi({
    param: { name: 'revision', in: 'query' },
    description: 'an earlier revision; default the newest',
  });
export const RevisionQuery = z.object({ revision }).strict();

/**
 * The revision a view reads and whose figures the caller may see: the tenant always, and a
 * customer token's subtree (put into every query's SQL by the views). 404 if never opened.
 */
export async function periodScope(c: Context<AppEnv>, date: string, revisionNumber?: number) {
  const { principal, deps } = c.var;
  const period = await periodRevision(deps.sql, principal.tenantId, date, revisionNumber);
  if (!period) {
    throw notFound(
      revisionNumber === undefined
        ? `no period holding ${date} has been generated`
        : `the period holding ${date} has no revision ${revisionNumber}`,
    );
  }
  const scope: ViewScope = {
    tenantId: principal.tenantId,
    periodId: period.id,
    ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
  };
  return { period, scope };
}

export const PeriodHeaderSchema = z
  .object({
    startDate: z.string(),
    endDate: z.string(),
    revision: z.number().int(),
    status: z.enum(['open', 'generating', 'awaiting_approval', 'approved', 'exported']),
    currency: z.string(),
  })
  .openapi('PeriodHeader');
export const header = (p: PeriodRevision) => ({
  startDate: p.startDate,
  endDate: p.endDate,
  revision: p.revision,
  status: p.status,
  currency: p.currency,
});

export const decimal = z.string().openapi({ description: 'an exact decimal, as PostgreSQL numeric::text' });
export const Ref = z.object({ ref: z.string(), name: z.string() });

/** An item's cost and margin: staff only, absent for a customer token (customers never see costs). */
export const costFields = {
  cost: decimal.nullable().optional().openapi({
    description:
      'staff only: unit-days x the unit-day cost of the customer’s SKU in the period (the vendor’s effective price, else the SKU’s cost price), rounded; null when unknown, for usage items and adjustments',
  }),
  margin: decimal.nullable().optional().openapi({
    description: 'staff only: the rounded amount billed (0 when not billable) - cost; null without a cost',
  }),
};

/**
 * Staff see each item's cost and margin; a customer's token gets neither field. Only the vendor
 * lines of the page's customers are read, so a page stays quick beside a million vendor lines.
 */
export async function itemCostsFor(
  c: Context<AppEnv>,
  period: Pick<PeriodRevision, 'tenantId' | 'startDate' | 'endDate' | 'minorUnits'>,
  rows: readonly { customerId: number }[],
): Promise<ItemCosts | undefined> {
  if (!staff.includes(c.var.principal.role)) return undefined;
  return periodItemCosts(c.var.deps.sql, period, [...new Set(rows.map((row) => row.customerId))]);
}

export const ItemSchema = z
  .object({
    id: z.number().int(),
    customer: Ref,
    invoiceTo: Ref.nullable().openapi({
      description: 'who pays; null when outside a customer token’s scope',
    }),
    user: z.object({ ref: z.string().nullable(), name: z.string() }).nullable(),
    kind: z.string(),
    service: z.string(),
    product: z.string(),
    sku: z.string().nullable(),
    vendor: z.string().nullable(),
    unmapped: z.boolean(),
    activeFrom: z.string(),
    activeTo: z.string().openapi({ description: 'exclusive: the day of removal is not billed' }),
    daysActive: z.number().int(),
    periodDays: z.number().int(),
    quantity: decimal,
    unitPrice: decimal,
    discountPercent: decimal,
    amount: decimal,
    billable: z.boolean(),
    rule: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    carriedOver: z.boolean(),
    adjusts: z.object({ periodEnd: z.string() }).nullable(),
    ...costFields,
  })
  .openapi('Item');

export const flag = (name: string, description: string) =>
  z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ param: { name, in: 'query' }, description });
export const query = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .optional()
    .openapi({ param: { name, in: 'query' }, description });
export const paging = {
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({
      param: { name: 'after', in: 'query' },
      description: 'the last id of the previous page',
      maximum: MAX_ID,
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(1000)
    .openapi({ param: { name: 'limit', in: 'query' } }),
};

export const ItemsQuery = z
  .object({
    revision,
    ...paging,
    customer: query('customer', 'the consuming customer’s ref (404 if outside the caller’s scope)'),
    user: query('user', 'the user’s ref'),
    sku: query('sku', 'a SKU code'),
    vendor: query('vendor', 'a vendor'),
    billable: flag('billable', 'only billable (true) or non-billable (false) items'),
    carriedOver: flag('carriedOver', 'only items carried over from before the period'),
    adjustment: flag('adjustment', 'only adjustments of approved periods (true), or none (false)'),
  })
  .strict();

export const ServiceDetailRowSchema = z
  .object({
    itemId: z.number().int(),
    customerId: z.number().int(),
    customerName: z.string(),
    invoiceToId: z.number().int().nullable(),
    invoiceToName: z.string().nullable(),
    userName: z.string().nullable(),
    kind: z.string(),
    service: z.string(),
    product: z.string(),
    skuCode: z.string().nullable(),
    vendor: z.string().nullable(),
    unmapped: z.boolean(),
    activeFrom: z.string(),
    activeTo: z.string(),
    daysActive: z.number().int(),
    periodDays: z.number().int(),
    quantity: decimal,
    unitPrice: decimal,
    discountPercent: decimal,
    amount: decimal,
    billable: z.boolean(),
    ruleId: z.number().int().nullable(),
    ruleName: z.string().nullable(),
    carriedOver: z.boolean(),
    adjustsPeriodId: z.number().int().nullable(),
  })
  .openapi('ServiceDetailRow');

export const SummaryRowSchema = z
  .object({
    customer: Ref,
    service: z.string(),
    atStart: z.number().int(),
    added: z.number().int(),
    removed: z.number().int(),
    atEnd: z.number().int(),
  })
  .openapi('ServiceSummaryRow');

export const TotalsRowSchema = z
  .object({
    customer: Ref,
    parent: z.string().nullable().openapi({ description: 'the parent’s ref; null at the top of the scope' }),
    depth: z.number().int(),
    itemCount: z.number().int(),
    amount: decimal,
  })
  .openapi('TotalsRow');

export function nextCursor<T>(rows: T[], limit: number, id: (row: T) => number): number | null {
  const last = rows[limit - 1];
  return rows.length > limit && last !== undefined ? id(last) : null;
}

export function item(row: ItemRow, costs?: ItemCosts) {
  return {
    id: row.id,
    customer: { ref: row.customerRef, name: row.customerName },
    invoiceTo:
      row.invoiceToRef === null
        ? null
        : { ref: row.invoiceToRef, name: row.invoiceToName ?? row.invoiceToRef },
    user:
      row.userName === null && row.userRef === null ? null : { ref: row.userRef, name: row.userName ?? '' },
    kind: row.kind,
    service: row.service,
    product: row.product,
    sku: row.sku,
    vendor: row.vendor,
    unmapped: row.unmapped,
    activeFrom: row.activeFrom,
    activeTo: row.activeTo,
    daysActive: row.daysActive,
    periodDays: row.periodDays,
    quantity: row.quantity,
    unitPrice: row.unitPrice,
    discountPercent: row.discountPercent,
    amount: row.amount,
    billable: row.billable,
    rule: row.ruleId === null ? null : { id: row.ruleId, name: row.ruleName ?? '' },
    carriedOver: row.carriedOver,
    adjusts: row.adjustsPeriodEnd === null ? null : { periodEnd: row.adjustsPeriodEnd },
    ...(costs === undefined ? {} : costs({ ...row, adjustment: row.adjustsPeriodEnd !== null })),
  };
}
