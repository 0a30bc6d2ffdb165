import { createRoute, z } from '@hono/zod-openapi';
import {
  customerMonths,
  type ManagementInput,
  type MonthRow,
  monthPeriods,
  monthTotals,
  skuHolders,
  vendorMonths,
} from '../../db/views/management.js';
import { allow, readers } from '../auth.js';
import { monthRangeFields, monthSpan } from '../month-range.js';
import { errorResponses, router, security } from '../router.js';

export const MAX_MONTHS = 60;

const decimal = z.string().openapi({ description: 'an exact decimal string' });
const Change = z
  .object({
    amount: decimal,
    percent: decimal.nullable().openapi({ description: 'null when the month before was 0' }),
  })
  .nullable()
  .openapi({ description: 'against the month before; null when that month has no period' });
const Figures = {
  total: decimal,
  users: z.number().int().openapi({ description: 'distinct users with billable items' }),
  costPerUser: decimal.nullable(),
  change: Change,
};

const ManagementSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    months: z.array(
      z.object({
        month: z.string(),
        periods: z.array(
          z.object({
            startDate: z.string(),
            endDate: z.string(),
            revision: z.number().int(),
            status: z.string(),
          }),
        ),
        ...Figures,
        customers: z.array(
          z.object({ customer: z.object({ ref: z.string(), name: z.string() }), ...Figures }),
        ),
        vendors: z.array(z.object({ vendor: z.string(), total: decimal })),
      }),
    ),
    usage: z.object({
      month: z.string().nullable().openapi({ description: 'the latest month with a period' }),
      skus: z.array(
        z.object({
          sku: z.string(),
          vendor: z.string().nullable(),
          users: z.number().int(),
          customers: z.number().int(),
        }),
      ),
    }),
  })
  .openapi('ManagementInformation');

/** Management information for every reader, a customer token's figures limited to its subtree. */
export function managementRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['Views'],
      security,
      summary: 'Month by month: totals, cost per customer and per user, vendors, changes, and who uses what',
      middleware: [allow(...readers)] as const,
      request: { query: z.object(monthRangeFields()).strict() },
      responses: {
        200: {
          description: 'One entry per month from `from` to `to`, both included',
          content: { 'application/json': { schema: ManagementSchema } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      monthSpan(from, to, MAX_MONTHS);
      const { principal, deps } = c.var;
      const [tenant] = await deps.sql<{ currency: string; minorUnits: number }[]>`
        select currency, currency_minor_units as "minorUnits" from tenants where id = ${principal.tenantId}`;
      const input: ManagementInput = {
        tenantId: principal.tenantId,
        ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
        from,
        to,
        minorUnits: tenant?.minorUnits ?? 2,
      };
      const [periods, totals, customers, vendors] = await Promise.all([
        monthPeriods(deps.sql, input),
        monthTotals(deps.sql, input),
        customerMonths(deps.sql, input),
        vendorMonths(deps.sql, input),
      ]);
      const latest = periods.at(-1)?.month ?? null;
      const skus = latest === null ? [] : await skuHolders(deps.sql, input, latest);
      const months = totals.map((month) => ({
        month: month.month,
        periods: periods
          .filter((p) => p.month === month.month)
          .map(({ startDate, endDate, revision, status }) => ({ startDate, endDate, revision, status })),
        ...figures(month),
        customers: customers
          .filter((row) => row.month === month.month)
          .map((row) => ({ customer: { ref: row.customerRef, name: row.customerName }, ...figures(row) })),
        vendors: vendors
          .filter((row) => row.month === month.month)
          .map(({ vendor, total }) => ({ vendor, total })),
      }));
      return c.json(
        { from, to, currency: tenant?.currency ?? '', months, usage: { month: latest, skus: [...skus] } },
        200,
      );
    },
  );
  return app;
}

function figures(row: MonthRow) {
  return {
    total: row.total,
    users: row.users,
    costPerUser: row.costPerUser,
    change: row.changeAmount === null ? null : { amount: row.changeAmount, percent: row.changePercent },
  };
}
