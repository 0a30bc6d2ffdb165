import { createRoute, z } from '@hono/zod-openapi';
import { reconciliationMargins, sumAmounts } from '../../billing/index.js';
import { monthPeriods } from '../../db/views/management.js';
import { periodRevision } from '../../db/views/period-revision.js';
import { periodReconciliation } from '../../db/views/reconciliation.js';
import { allow, staff } from '../auth.js';
import { monthIndex, monthOf, monthRangeFields, monthSpan } from '../month-range.js';
import { errorResponses, router, security } from '../router.js';
import { decimal } from './view-shapes.js';

/** Each month's match reads a million vendor lines at most a few times: keep the range short. */
export const MAX_MARGIN_MONTHS = 24;

const Figures = { billed: decimal, cost: decimal, margin: decimal, linesWithoutCost: z.number().int() };
const MarginTrendSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    vendor: z.string().nullable(),
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
        vendors: z.array(z.object({ vendor: z.string(), ...Figures })),
      }),
    ),
  })
  .openapi('MarginTrend');

/** Management information's margin trend, month by month: staff only, since it shows costs. */
export function marginRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['Views'],
      security,
      summary:
        'Month by month: billed, vendor cost and margin, per vendor (periods counted in the month they end)',
      middleware: [allow(...staff)] as const,
      request: {
        query: z.object({ ...monthRangeFields('2026-10'), vendor: z.string().min(1).optional() }).strict(),
      },
      responses: {
        200: {
          description: 'One entry per month',
          content: { 'application/json': { schema: MarginTrendSchema } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { from, to, vendor } = c.req.valid('query');
      monthSpan(from, to, MAX_MARGIN_MONTHS);
      const { principal, deps } = c.var;
      const periods = await monthPeriods(deps.sql, { tenantId: principal.tenantId, from, to, minorUnits: 2 });
      const months = [];
      for (let index = monthIndex(from); index <= monthIndex(to); index++) {
        const month = monthOf(index);
        const inMonth = periods.filter((p) => p.month === month);
        const vendors = new Map<
          string,
          { billed: string[]; cost: string[]; margin: string[]; linesWithoutCost: number }
        >();
        for (const p of inMonth) {
          const revision = await periodRevision(deps.sql, principal.tenantId, p.startDate, p.revision);
          if (!revision) continue;
          const margins = reconciliationMargins(
            await periodReconciliation(deps.sql, revision, vendor),
            new Map(),
          );
          for (const v of margins.vendors) {
            const entry = vendors.get(v.vendor) ?? { billed: [], cost: [], margin: [], linesWithoutCost: 0 };
            entry.billed.push(v.billed);
            entry.cost.push(v.cost);
            entry.margin.push(v.margin);
            entry.linesWithoutCost += v.linesWithoutCost;
            vendors.set(v.vendor, entry);
          }
        }
        const perVendor = [...vendors]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, e]) => ({
            vendor: name,
            billed: sumAmounts(e.billed),
            cost: sumAmounts(e.cost),
            margin: sumAmounts(e.margin),
            linesWithoutCost: e.linesWithoutCost,
          }));
        months.push({
          month,
          periods: inMonth.map(({ startDate, endDate, revision, status }) => ({
            startDate,
            endDate,
            revision,
            status,
          })),
          billed: sumAmounts(perVendor.map((v) => v.billed)),
          cost: sumAmounts(perVendor.map((v) => v.cost)),
          margin: sumAmounts(perVendor.map((v) => v.margin)),
          linesWithoutCost: perVendor.reduce((n, v) => n + v.linesWithoutCost, 0),
          vendors: perVendor,
        });
      }
      return c.json({ from, to, vendor: vendor ?? null, months }, 200);
    },
  );
  return app;
}
