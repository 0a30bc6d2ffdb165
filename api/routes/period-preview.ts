import { createRoute, z } from '@hono/zod-openapi';
import {
  addDays,
  instantToLocalDate,
  type Period,
  periodConfigOf,
  periodContainingWithHistory,
  periodDays,
  TenantConfigError,
} from '../../billing/index.js';
import { periodConfigHistory } from '../../db/views/periods.js';
import { allow, staff } from '../auth.js';
import { invalid, notFound } from '../problems.js';
import { errorResponses, router, security } from '../router.js';
import { nextPeriodStart } from './tenant.js';

const PeriodPreviewSchema = z
  .object({
    mode: z.enum(['calendar', 'fixed_day', 'days_before_end']),
    day: z.number().int().nullable(),
    effectiveFrom: z
      .string()
      .openapi({ description: 'where the mode would take effect (as PATCH /v1/tenant sets it)' }),
    periods: z.array(z.object({ startDate: z.string(), endDate: z.string(), days: z.number().int() })),
  })
  .openapi('PeriodPreview');

/** Before changing the period mode: the periods it would make, cut by billing/periods.ts. */
export function periodPreviewRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/period-preview',
      tags: ['Tenant'],
      security,
      summary: 'The next periods a period mode would make, from where a change would take effect',
      middleware: [allow(...staff)] as const,
      request: {
        query: z
          .object({
            mode: z
              .enum(['calendar', 'fixed_day', 'days_before_end'])
              .openapi({ param: { name: 'mode', in: 'query' } }),
            day: z.coerce
              .number()
              .int()
              .optional()
              .openapi({
                param: { name: 'day', in: 'query' },
                description: 'fixed_day 1..31, days_before_end 0..27',
              }),
            count: z.coerce
              .number()
              .int()
              .min(1)
              .max(24)
              .default(6)
              .openapi({ param: { name: 'count', in: 'query' } }),
          })
          .strict(),
      },
      responses: {
        200: { description: 'The periods', content: { 'application/json': { schema: PeriodPreviewSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { mode, day, count } = c.req.valid('query');
      // The same validation as PATCH /v1/tenant, reported under the query's own field name.
      let config: ReturnType<typeof periodConfigOf>;
      try {
        config = periodConfigOf(mode, day);
      } catch (error) {
        if (error instanceof TenantConfigError) throw invalid('day', error.reason);
        throw error;
      }
      const { principal, deps } = c.var;
      const [tenant] = await deps.sql<{ timeZone: string }[]>`
        select time_zone as "timeZone" from tenants where id = ${principal.tenantId}`;
      if (!tenant) throw notFound('no such tenant');
      const history = await periodConfigHistory(deps.sql, principal.tenantId);
      const today = instantToLocalDate(new Date(), tenant.timeZone);
      const from = await deps.sql.begin((tx) => nextPeriodStart(tx, principal.tenantId, history, today));
      const future = [...history.filter((h) => h.effectiveFrom < from), { effectiveFrom: from, config }];
      const periods: Period[] = [];
      let next = from;
      while (periods.length < count) {
        const period = periodContainingWithHistory(future, next);
        periods.push(period);
        next = addDays(period.end, 1);
      }
      return c.json(
        {
          mode,
          day: config.mode === 'calendar' ? null : config.day,
          effectiveFrom: from,
          periods: periods.map((p) => ({ startDate: p.start, endDate: p.end, days: periodDays(p) })),
        },
        200,
      );
    },
  );
  return app;
}
