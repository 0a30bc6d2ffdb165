import { createRoute, z } from '@hono/zod-openapi';
import { sumAmounts, toFixedMinor } from '../../billing/index.js';
import { customerIdInScope } from '../../db/views/customers.js';
import {
  nameHistory,
  type UserMonthItem,
  userInScope,
  userItemsByMonth,
} from '../../db/views/people-history.js';
import { allow, readers } from '../auth.js';
import type { Principal } from '../context.js';
import { invalid, notFound } from '../problems.js';
import { errorResponses, router, security } from '../router.js';
import { decimal } from './view-shapes.js';

const MAX_MONTHS = 24;
const RefParam = z.object({
  ref: z
    .string()
    .min(1)
    .openapi({ param: { name: 'ref', in: 'path' } }),
});
const Month = (name: string) =>
  z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
    .openapi({ param: { name, in: 'query' }, example: '2026-01' });

const NameHistorySchema = z
  .object({
    ref: z.string(),
    names: z.array(
      z.object({
        name: z.string(),
        validFrom: z.string(),
        actor: z.string().openapi({ description: 'who made the change (the change-log entry’s actor)' }),
        changeId: z.number().int().nullable(),
      }),
    ),
  })
  .openapi('NameHistory');

const UserMonthsSchema = z
  .object({
    user: z.object({ ref: z.string(), name: z.string() }),
    from: z.string(),
    to: z.string(),
    months: z.array(
      z.object({
        month: z.string(),
        period: z.object({
          startDate: z.string(),
          endDate: z.string(),
          revision: z.number().int(),
          status: z.string(),
        }),
        total: decimal.openapi({ description: 'the billed amount of these items' }),
        items: z.array(
          z.object({
            itemId: z.number().int(),
            customerName: z.string(),
            userName: z.string().nullable(),
            sku: z.string().nullable(),
            vendor: z.string().nullable(),
            service: z.string(),
            product: z.string(),
            elementKind: z.string(),
            elementName: z.string(),
            activeFrom: z.string(),
            activeTo: z.string(),
            daysActive: z.number().int(),
            quantity: decimal,
            amount: decimal,
            billable: z.boolean(),
            ruleName: z.string().nullable(),
            adjusts: z
              .string()
              .nullable()
              .openapi({ description: 'the end of the period an adjustment corrects' }),
          }),
        ),
      }),
    ),
  })
  .openapi('UserItemsByMonth');

const scopeOf = (principal: Principal) => ({
  tenantId: principal.tenantId,
  ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
});

/** Name histories and a user's items month by month, inside the caller's customer scope. */
export function peopleHistoryRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{ref}/name-history',
      tags: ['Customers'],
      security,
      summary: 'Every name the customer had, with when and who changed it',
      middleware: [allow(...readers)] as const,
      request: { params: RefParam },
      responses: {
        200: { description: 'The names', content: { 'application/json': { schema: NameHistorySchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { ref } = c.req.valid('param');
      const { principal, deps } = c.var;
      const id = await customerIdInScope(deps.sql, scopeOf(principal), ref);
      if (id === undefined) throw notFound(`no customer '${ref}'`);
      return c.json({ ref, names: await nameHistory(deps.sql, principal.tenantId, 'customer', id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{ref}/name-history',
      tags: ['Customers'],
      security,
      summary: 'Every name the user had, with when and who changed it',
      middleware: [allow(...readers)] as const,
      request: { params: RefParam },
      responses: {
        200: { description: 'The names', content: { 'application/json': { schema: NameHistorySchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { ref } = c.req.valid('param');
      const { principal, deps } = c.var;
      const user = await userInScope(deps.sql, scopeOf(principal), ref);
      if (!user) throw notFound(`no user '${ref}'`);
      return c.json({ ref, names: await nameHistory(deps.sql, principal.tenantId, 'user', user.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{ref}/items-by-month',
      tags: ['Customers'],
      security,
      summary: "A user's items month by month (the current revision of each period ending in the month)",
      middleware: [allow(...readers)] as const,
      request: {
        params: RefParam,
        query: z.object({ from: Month('from'), to: Month('to') }).strict(),
      },
      responses: {
        200: { description: 'The months', content: { 'application/json': { schema: UserMonthsSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { ref } = c.req.valid('param');
      const { from, to } = c.req.valid('query');
      if (from > to) throw invalid('to', 'must not be before from');
      const months =
        (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
        Number(to.slice(5)) -
        Number(from.slice(5));
      if (months >= MAX_MONTHS) throw invalid('to', `at most ${MAX_MONTHS} months`);
      const { principal, deps } = c.var;
      const user = await userInScope(deps.sql, scopeOf(principal), ref);
      if (!user) throw notFound(`no user '${ref}'`);
      const [tenant] = await deps.sql<{ minorUnits: number }[]>`
        select currency_minor_units as "minorUnits" from tenants where id = ${principal.tenantId}`;
      const rows = await userItemsByMonth(deps.sql, scopeOf(principal), user.id, from, to);
      const byPeriod = new Map<string, UserMonthItem[]>();
      for (const row of rows) byPeriod.set(row.startDate, [...(byPeriod.get(row.startDate) ?? []), row]);
      return c.json(
        {
          user: { ref, name: user.name },
          from,
          to,
          months: [...byPeriod.values()].map((items) => {
            const [first] = items as [UserMonthItem, ...UserMonthItem[]];
            return {
              month: first.month,
              period: {
                startDate: first.startDate,
                endDate: first.endDate,
                revision: first.revision,
                status: first.status,
              },
              total: toFixedMinor(sumAmounts(items.map((i) => i.amount)), tenant?.minorUnits ?? 2),
              items: items.map(({ month, startDate, endDate, revision, status, ...item }) => item),
            };
          }),
        },
        200,
      );
    },
  );
  return app;
}
