import { createRoute, z } from '@hono/zod-openapi';
import { type Decimal, sumAmounts, toDecimal, toFixedMinor } from '../../billing/index.js';
import { adjustmentRows, comparisonRows, customerMoves, previousPeriod } from '../../db/views/comparison.js';
import { allow, readers } from '../auth.js';
import { errorResponses, router, security } from '../router.js';
import {
  decimal,
  header,
  PeriodHeaderSchema,
  PeriodParam,
  periodScope,
  Ref,
  RevisionQuery,
} from './view-shapes.js';

const ComparisonRowSchema = z
  .object({
    customer: Ref,
    sku: z.string().nullable().openapi({ description: 'null for an unmapped element' }),
    vendor: z.string().nullable(),
    service: z.string(),
    product: z.string(),
    quantityBefore: decimal.openapi({ description: 'units held on the previous period’s last day' }),
    quantityAfter: decimal.openapi({ description: 'units held on this period’s last day' }),
    added: decimal.openapi({ description: 'units of elements itemised now and not in the previous period' }),
    removed: decimal.openapi({ description: 'units of elements itemised then and not in this period' }),
    amountBefore: decimal,
    amountAfter: decimal,
    amountDelta: decimal,
  })
  .openapi('ComparisonRow');

const AdjustmentSchema = z
  .object({
    itemId: z.number().int(),
    customer: Ref,
    userName: z.string().nullable(),
    sku: z.string().nullable(),
    service: z.string(),
    product: z.string(),
    activeFrom: z.string(),
    activeTo: z.string(),
    quantity: decimal.openapi({ description: 'negative for a credit' }),
    amount: decimal,
    adjusts: z.object({ startDate: z.string(), endDate: z.string(), revision: z.number().int() }),
  })
  .openapi('AdjustmentItem');

const ComparisonSchema = z
  .object({
    period: PeriodHeaderSchema,
    previous: PeriodHeaderSchema.nullable().openapi({ description: 'null for the tenant’s first period' }),
    rows: z.array(ComparisonRowSchema),
    newCustomers: z.array(Ref),
    departedCustomers: z.array(Ref),
    totals: z.object({ before: decimal, after: decimal, delta: decimal }),
    adjustments: z.array(AdjustmentSchema),
  })
  .openapi('PeriodComparison');

/** The evidence a person approves a period with: what changed since the previous one. */
export function approvalRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}/comparison',
      tags: ['Views'],
      security,
      summary: 'What changed since the previous period, per customer and SKU, and the adjustments billed',
      middleware: [allow(...readers)] as const,
      request: { params: PeriodParam, query: RevisionQuery },
      responses: {
        200: { description: 'The comparison', content: { 'application/json': { schema: ComparisonSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { period, scope } = await periodScope(
        c,
        c.req.valid('param').period,
        c.req.valid('query').revision,
      );
      const { sql } = c.var.deps;
      const previous = await previousPeriod(sql, scope.tenantId, scope.periodId);
      const previousId = previous?.id ?? 0;
      const [rows, moves, adjustments] = await Promise.all([
        comparisonRows(sql, scope, previousId, period.minorUnits),
        customerMoves(sql, scope, previousId),
        adjustmentRows(sql, scope),
      ]);
      // Every total is the sum of its rounded rows, as billing.md has it.
      const total = (amounts: (string | Decimal)[]) => toFixedMinor(sumAmounts(amounts), period.minorUnits);
      const before = total(rows.map((r) => r.amountBefore));
      const after = total(rows.map((r) => r.amountAfter));
      return c.json(
        {
          period: header(period),
          previous: previous
            ? {
                startDate: previous.startDate,
                endDate: previous.endDate,
                revision: previous.revision,
                status: previous.status,
                currency: period.currency,
              }
            : null,
          rows: rows.map(({ customerRef, customerName, ...row }) => ({
            customer: { ref: customerRef, name: customerName },
            ...row,
          })),
          newCustomers: moves.filter((m) => m.move === 'new').map(({ ref, name }) => ({ ref, name })),
          departedCustomers: moves
            .filter((m) => m.move === 'departed')
            .map(({ ref, name }) => ({ ref, name })),
          totals: { before, after, delta: total([after, toDecimal(before).negated()]) },
          adjustments: adjustments.map((a) => ({
            itemId: a.itemId,
            customer: { ref: a.customerRef, name: a.customerName },
            userName: a.userName,
            sku: a.sku,
            service: a.service,
            product: a.product,
            activeFrom: a.activeFrom,
            activeTo: a.activeTo,
            quantity: a.quantity,
            amount: a.amount,
            adjusts: { startDate: a.adjustsStart, endDate: a.adjustsEnd, revision: a.adjustsRevision },
          })),
        },
        200,
      );
    },
  );
  return app;
}
