import { createRoute, z } from '@hono/zod-openapi';
import { sumAmounts, toDecimal, toFixedMinor } from '../../billing/index.js';
import { customerMonths, type ManagementInput } from '../../db/views/management.js';
import { type MarginMonth, marginMonths } from '../../db/views/management-margins.js';
import { skuMonths } from '../../db/views/management-trends.js';
import { allow, readers, staff } from '../auth.js';
import { monthIndex, monthOf, monthRangeFields, monthSpan } from '../month-range.js';
import { errorResponses, router, security } from '../router.js';
import { MAX_MONTHS } from './management.js';
import { decimal } from './view-shapes.js';

const Mover = z.object({ before: decimal, after: decimal, delta: decimal });
const staffOnly = (description: string) =>
  decimal.optional().openapi({ description: `staff only: ${description}` });
const MarginFields = {
  revenue: staffOnly('what the month’s items bill, each rounded'),
  cost: staffOnly('the sum of the items’ costs (see Item.cost)'),
  margin: staffOnly('revenue - cost of the items with a known cost'),
  revenueWithoutCost: staffOnly('revenue of items with no known cost (not in margin)'),
};

const TrendsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    months: z.array(
      z.object({
        month: z.string(),
        skus: z.array(
          z.object({
            sku: z.string(),
            vendor: z.string().nullable(),
            total: decimal,
            users: z.number().int(),
            customers: z.number().int(),
          }),
        ),
        ...MarginFields,
        vendors: z
          .array(z.object({ vendor: z.string(), ...MarginFields }))
          .optional()
          .openapi({ description: 'staff only: the same figures per vendor' }),
      }),
    ),
    movers: z
      .object({
        month: z.string(),
        customers: z.array(Mover.extend({ customer: z.object({ ref: z.string(), name: z.string() }) })),
        skus: z.array(Mover.extend({ sku: z.string() })),
      })
      .openapi({
        description: 'the largest changes (either way) of `to` against the month before, at most 10 each',
      }),
  })
  .openapi('ManagementTrends');

/** Trends per SKU month by month and the top movers, for the management charts. */
export function managementTrendRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/trends',
      tags: ['Views'],
      security,
      summary:
        'Month by month per SKU (total, users, customers), for staff revenue, cost and margin (per vendor too), and the top movers of the last month',
      middleware: [allow(...readers)] as const,
      request: { query: z.object(monthRangeFields()).strict() },
      responses: {
        200: { description: 'The trends', content: { 'application/json': { schema: TrendsSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      const span = monthSpan(from, to, MAX_MONTHS);
      const { principal, deps } = c.var;
      const [tenant] = await deps.sql<{ currency: string; minorUnits: number }[]>`
        select currency, currency_minor_units as "minorUnits" from tenants where id = ${principal.tenantId}`;
      const minorUnits = tenant?.minorUnits ?? 2;
      const input: ManagementInput = {
        tenantId: principal.tenantId,
        ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
        from,
        to,
        minorUnits,
      };
      // Costs are the tenant's own: a customer's token gets no margin fields at all.
      const [skus, customers, margins] = await Promise.all([
        skuMonths(deps.sql, input),
        customerMonths(deps.sql, input),
        staff.includes(principal.role) ? marginMonths(deps.sql, input) : undefined,
      ]);
      const previous = monthOf(monthIndex(to) - 1);
      const delta = (after: string, before: string) =>
        toFixedMinor(sumAmounts([after, toDecimal(before).negated()]), minorUnits);
      const largest = <T extends { delta: string }>(rows: T[]) =>
        rows
          .filter((row) => !toDecimal(row.delta).isZero())
          .sort((a, b) => toDecimal(b.delta).abs().comparedTo(toDecimal(a.delta).abs()))
          .slice(0, 10);
      const zero = toFixedMinor('0', minorUnits);
      const skuCodes = [
        ...new Set(skus.filter((r) => r.month === to || r.month === previous).map((r) => r.sku)),
      ];
      const marginOf = (rows: MarginMonth[], month: string) => {
        const { month: _, ...figures } = rows.find((m) => m.month === month) ?? {
          month,
          revenue: zero,
          cost: zero,
          margin: zero,
          revenueWithoutCost: zero,
          vendors: [],
        };
        return figures;
      };
      const skuTotal = (sku: string, month: string) =>
        skus.find((r) => r.sku === sku && r.month === month)?.total ?? zero;
      return c.json(
        {
          from,
          to,
          currency: tenant?.currency ?? '',
          months: Array.from({ length: span }, (_, n) => monthOf(monthIndex(from) + n)).map((month) => ({
            month,
            skus: skus
              .filter((r) => r.month === month)
              .map(({ sku, vendor, total, users, customers }) => ({ sku, vendor, total, users, customers })),
            ...(margins === undefined ? {} : marginOf(margins, month)),
          })),
          movers: {
            month: to,
            customers: largest(
              customers
                .filter((r) => r.month === to && r.changeAmount !== null)
                .map((r) => ({
                  customer: { ref: r.customerRef, name: r.customerName },
                  before: delta(r.total, r.changeAmount ?? '0'),
                  after: r.total,
                  delta: r.changeAmount ?? zero,
                })),
            ),
            skus: largest(
              skuCodes.map((sku) => ({
                sku,
                before: skuTotal(sku, previous),
                after: skuTotal(sku, to),
                delta: delta(skuTotal(sku, to), skuTotal(sku, previous)),
              })),
            ),
          },
        },
        200,
      );
    },
  );
  return app;
}
