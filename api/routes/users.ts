import { createRoute, z } from '@hono/zod-openapi';
import { customerIdInScope, usersPage } from '../../db/views/customers.js';
import { allow, readers } from '../auth.js';
import { notFound } from '../problems.js';
import { errorResponses, MAX_ID, router, security } from '../router.js';

const UserSchema = z
  .object({
    id: z.number().int(),
    ref: z.string(),
    name: z.string(),
    customer: z.string().openapi({ description: "the customer's ref" }),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .openapi('User');

/** GET /v1/users: users (mailboxes, logins, seats) in pages, inside the caller's customer scope. */
export function userRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['Customers'],
      security,
      summary: 'Users in id order, in pages; a customer token sees the users of its subtree',
      middleware: [allow(...readers)] as const,
      request: {
        query: z.object({
          customer: z
            .string()
            .min(1)
            .optional()
            .openapi({ description: "only this customer's users (its ref)" }),
          includeDeleted: z.enum(['true', 'false']).optional().openapi({ description: 'default false' }),
          after: z.coerce.number().int().nonnegative().optional().openapi({
            description: 'cursor: users with a larger id (the `next` of the previous page)',
            maximum: MAX_ID,
          }),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: {
        200: {
          description: 'A page of users and the cursor of the next one (null on the last page)',
          content: {
            'application/json': {
              schema: z.object({ users: z.array(UserSchema), next: z.number().int().nullable() }),
            },
          },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { principal, deps } = c.var;
      const scope = {
        tenantId: principal.tenantId,
        ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
      };
      let customerId: number | undefined;
      if (query.customer !== undefined) {
        customerId = await customerIdInScope(deps.sql, scope, query.customer);
        if (customerId === undefined) throw notFound(`no customer '${query.customer}'`);
      }
      const rows = await usersPage(deps.sql, scope, {
        ...(customerId === undefined ? {} : { customerId }),
        includeDeleted: query.includeDeleted === 'true',
        ...(query.after === undefined ? {} : { after: query.after }),
        limit: query.limit,
      });
      const users = rows.slice(0, query.limit);
      const next = rows.length > query.limit ? (users.at(-1)?.id ?? null) : null;
      return c.json({ users, next }, 200);
    },
  );
  return app;
}
