import { createRoute, z } from '@hono/zod-openapi';
import type postgres from 'postgres';
import { allow, hashSecret, newTokenSecret } from '../auth.js';
import type { Role } from '../context.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, ProblemSchema, router, security } from '../router.js';

const TokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(['admin', 'finance', 'operator', 'customer']),
    customer: z.string().nullable().openapi({ description: "the customer's ref, for customer tokens" }),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token');

const CreateToken = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .openapi({ description: 'who the token is for; recorded as the actor' }),
    role: z.enum(['admin', 'finance', 'operator', 'customer']),
    customer: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: "required for the customer role: the customer's ref" }),
  })
  .strict();

/** Issues a token; the secret is returned once and only its hash is kept. */
export async function createToken(
  sql: postgres.Sql,
  input: { tenantId: string; name: string; role: Role; customerId?: number; createdBy: string },
) {
  const secret = newTokenSecret();
  const [row] = await sql<{ id: number }[]>`
    insert into api_tokens (tenant_id, name, role, customer_id, secret_hash, created_by)
    values (${input.tenantId}, ${input.name}, ${input.role}, ${input.customerId ?? null}, ${hashSecret(secret)}, ${input.createdBy})
    returning id`;
  await sql`
    insert into audit_log (tenant_id, actor, action, subject, details)
    values (${input.tenantId}, ${input.createdBy}, 'token.created', ${`token:${row?.id}`},
            ${sql.json({ name: input.name, role: input.role, customerId: input.customerId ?? null })})`;
  return { id: row?.id ?? 0, secret };
}

export function tokenRoutes() {
  const app = router();
  const tags = ['Tokens'];
  app.use('*', allow('admin'));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'Every token of the tenant (never their secrets)',
      responses: {
        200: {
          description: 'Tokens',
          content: { 'application/json': { schema: z.object({ tokens: z.array(TokenSchema) }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const tokens = await c.var.deps.sql<z.infer<typeof TokenSchema>[]>`
        select t.id, t.name, t.role, c.ref as customer, t.created_by as "createdBy",
               to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
               to_char(t.revoked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "revokedAt"
        from api_tokens t left join customers c on c.id = t.customer_id and c.tenant_id = t.tenant_id
        where t.tenant_id = ${c.var.principal.tenantId}
        order by t.id`;
      return c.json({ tokens }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      security,
      summary: 'Create a token; its secret is in this answer and nowhere else, ever',
      request: { body: { required: true, content: { 'application/json': { schema: CreateToken } } } },
      responses: {
        201: {
          description: 'The new token with its secret',
          content: { 'application/json': { schema: z.object({ id: z.number().int(), secret: z.string() }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { principal, deps } = c.var;
      let customerId: number | undefined;
      if (body.role === 'customer') {
        if (!body.customer) throw invalid('customer', 'required for the customer role');
        const [customer] = await deps.sql<{ id: number }[]>`
          select id from customers where tenant_id = ${principal.tenantId} and ref = ${body.customer}`;
        if (!customer) throw invalid('customer', `no customer '${body.customer}' in this tenant`);
        customerId = customer.id;
      } else if (body.customer) {
        throw invalid('customer', 'only customer tokens are scoped to a customer');
      }
      const token = await createToken(deps.sql, {
        tenantId: principal.tenantId,
        name: body.name,
        role: body.role,
        ...(customerId === undefined ? {} : { customerId }),
        createdBy: principal.name,
      });
      return c.json(token, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags,
      security,
      summary: 'Revoke a token: it fails from the next request on',
      description:
        "The tenant's last active admin token cannot be revoked (409), so revoking one's own admin token " +
        'needs another active admin token.',
      request: {
        params: IdParam,
      },
      responses: {
        204: { description: 'Revoked (or already revoked)' },
        ...errorResponses,
        409: {
          description: "The tenant's last active admin token: it would lock every admin out",
          content: { 'application/problem+json': { schema: ProblemSchema } },
        },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { principal, deps } = c.var;
      await deps.sql.begin(async (tx) => {
        // Locking the tenant's active admin tokens makes two concurrent revocations count each other.
        const admins = await tx<{ id: number }[]>`
          select id from api_tokens
          where tenant_id = ${principal.tenantId} and role = 'admin' and revoked_at is null
          order by id for update`;
        const [target] = await tx<{ role: Role; revoked: boolean }[]>`
          select role, revoked_at is not null as revoked from api_tokens
          where id = ${id} and tenant_id = ${principal.tenantId}`;
        if (!target) throw notFound(`no token ${id} in this tenant`);
        if (target.role === 'admin' && !target.revoked && admins.every((admin) => admin.id === id)) {
          throw new ProblemError(
            409,
            'Conflict',
            id === principal.tokenId
              ? 'this is the last active admin token of the tenant: create another admin token before revoking your own'
              : 'the last active admin token of the tenant cannot be revoked: nobody could manage the tenant afterwards',
          );
        }
        await tx`update api_tokens set revoked_at = coalesce(revoked_at, now())
                 where id = ${id} and tenant_id = ${principal.tenantId}`;
        await tx`
          insert into audit_log (tenant_id, actor, action, subject) values (${principal.tenantId}, ${principal.name}, 'token.revoked', ${`token:${id}`})`;
      });
      return c.body(null, 204);
    },
  );
  return app;
}
