import { createRoute, z } from '@hono/zod-openapi';
import { customerVisible, itemsPage, visibleCustomerRefs } from '../../db/views/items.js';
import { roundedTotals, scopeTotal } from '../../db/views/rounded-totals.js';
import { serviceSummary } from '../../db/views/service-summary.js';
import { allow, readers } from '../auth.js';
import { notFound } from '../problems.js';
import { errorResponses, router, security } from '../router.js';
import { ServiceDetailPageSchema, ServiceDetailQuery, serviceDetailGrid } from './service-detail-grid.js';
import {
  decimal,
  header,
  ItemSchema,
  ItemsQuery,
  item,
  itemCostsFor,
  nextCursor,
  PeriodHeaderSchema,
  PeriodParam,
  periodScope,
  RevisionQuery,
  revision,
  SummaryRowSchema,
  TotalsRowSchema,
} from './view-shapes.js';

const tags = ['Views'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Views of one period (its newest revision, or `?revision=n`), for every role, scoped in SQL. */
export function viewRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}/items',
      tags,
      security,
      summary: 'The period’s items, filtered, in pages of at most 5000 by item id',
      middleware: [allow(...readers)] as const,
      request: { params: PeriodParam, query: ItemsQuery },
      responses: {
        200: json(z.object({ items: z.array(ItemSchema), next: z.number().int().nullable() }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { revision: wanted, after, limit, ...filters } = c.req.valid('query');
      const { period, scope } = await periodScope(c, c.req.valid('param').period, wanted);
      const { sql } = c.var.deps;
      if (filters.customer !== undefined && !(await customerVisible(sql, scope, filters.customer))) {
        throw notFound(`no customer '${filters.customer}' in this period`);
      }
      const rows = await itemsPage(sql, scope, filters, { after, limit });
      const costs = await itemCostsFor(c, period, rows);
      return c.json(
        {
          items: rows.slice(0, limit).map((row) => item(row, costs)),
          next: nextCursor(rows, limit, (r) => r.id),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}/service-detail',
      tags,
      security,
      summary:
        'Service Detail: every item with the element it bills, span, days, quantity, SKU, prices, billable flag and rule; filtered, searched, sorted, in keyset pages',
      middleware: [allow(...readers)] as const,
      request: { params: PeriodParam, query: ServiceDetailQuery },
      responses: {
        200: json(ServiceDetailPageSchema, 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { revision: wanted, limit, ...query } = c.req.valid('query');
      const { period, scope } = await periodScope(c, c.req.valid('param').period, wanted);
      const { rows, next, cursor } = await serviceDetailGrid(c.var.deps.sql, scope, query, limit);
      const costs = await itemCostsFor(c, period, rows);
      const costed =
        costs === undefined
          ? rows
          : rows.map((row) => ({
              ...row,
              ...costs({ ...row, sku: row.skuCode, adjustment: row.adjustsPeriodId !== null }),
            }));
      return c.json({ rows: costed, next, cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}/service-summary',
      tags,
      security,
      summary: 'Service Summary: per customer and service, count at start, added, removed, at end',
      middleware: [allow(...readers)] as const,
      request: { params: PeriodParam, query: RevisionQuery },
      responses: {
        200: json(z.object({ period: PeriodHeaderSchema, rows: z.array(SummaryRowSchema) }), 'The summary'),
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
      const [summary, refs] = await Promise.all([
        serviceSummary(sql, scope),
        visibleCustomerRefs(sql, scope),
      ]);
      const rows = summary.map(({ customerId, customerName, service, atStart, added, removed, atEnd }) => ({
        customer: { ref: refs.get(customerId) ?? '', name: customerName },
        service,
        atStart,
        added,
        removed,
        atEnd,
      }));
      return c.json({ period: header(period), rows }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}/totals',
      tags,
      security,
      summary: 'Customer totals, invoice-to totals or the reseller roll-up, and the scope’s total',
      middleware: [allow(...readers)] as const,
      request: {
        params: PeriodParam,
        query: z
          .object({
            revision,
            level: z
              .enum(['customer', 'invoice_to', 'reseller'])
              .default('customer')
              .openapi({ param: { name: 'level', in: 'query' } }),
          })
          .strict(),
      },
      responses: {
        200: json(
          z.object({
            period: PeriodHeaderSchema,
            level: z.enum(['customer', 'invoice_to', 'reseller']),
            totals: z.array(TotalsRowSchema),
            total: decimal.openapi({ description: 'everything the caller’s scope consumed in the period' }),
          }),
          'The totals, rounded to the currency’s minor unit',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { revision: wanted, level } = c.req.valid('query');
      const { period, scope } = await periodScope(c, c.req.valid('param').period, wanted);
      const { sql } = c.var.deps;
      const [rows, total] = await Promise.all([
        roundedTotals(sql, scope, level, period.minorUnits),
        scopeTotal(sql, scope, period.minorUnits),
      ]);
      const totals = rows.map((row) => ({
        customer: { ref: row.customerRef, name: row.customerName },
        parent: row.parentRef,
        depth: row.depth,
        itemCount: row.itemCount,
        amount: row.amount,
      }));
      return c.json({ period: header(period), level, totals, total }, 200);
    },
  );
  return app;
}
