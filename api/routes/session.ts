import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../context.js';
import { notFound, ProblemError } from '../problems.js';
import { errorResponses, router, security } from '../router.js';
import {
  csrfTokenFor,
  newSessionSecret,
  overTls,
  SESSION_COOKIE,
  SESSION_HOURS,
  sessionHash,
  sessionSecretFrom,
} from '../session-cookie.js';

const SessionSchema = z
  .object({
    tenant: z.object({
      id: z.string(),
      name: z.string(),
      currency: z.string(),
      currencyMinorUnits: z.number().int(),
      timeZone: z.string(),
    }),
    role: z.enum(['admin', 'finance', 'operator', 'customer']),
    name: z.string().openapi({ description: "the token's name: the actor of what this session does" }),
    customer: z
      .object({ ref: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: 'for a customer token: the customer whose subtree it sees' }),
    expiresAt: z.string().nullable().openapi({ description: 'null when called with a token, not a session' }),
    csrfToken: z.string().nullable().openapi({
      description: 'send as X-CSRF-Token on every state-changing request made with the session cookie',
    }),
  })
  .openapi('Session');

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: SessionSchema } },
});

/**
 * The console's sign-in: a token, sent once as a bearer, is exchanged for an HttpOnly SameSite=Strict
 * cookie so the token never sits in browser storage; DELETE ends the session server-side.
 */
export function sessionRoutes() {
  const app = router();
  const tags = ['Session'];

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      security: [{ bearer: [] }],
      summary: 'Sign in: exchange a token for a session cookie',
      description:
        `Send the token as \`Authorization: Bearer\`. The answer sets \`${SESSION_COOKIE}\` (HttpOnly, ` +
        `SameSite=Strict, Secure over TLS, ${SESSION_HOURS} hours) and returns the CSRF token that every ` +
        'POST, PATCH, PUT and DELETE made with the cookie must send as `X-CSRF-Token` (from this origin). ' +
        'Revoking the token ends its sessions.',
      responses: { 201: json('Signed in: the session cookie is set'), ...errorResponses },
    }),
    async (c) => {
      if (c.req.header('authorization') === undefined) {
        throw new ProblemError(
          401,
          'Unauthorized',
          'sign in with a token: send Authorization: Bearer <token>',
          [{ field: 'Authorization', reason: 'missing' }],
        );
      }
      const { principal, deps } = c.var;
      const secret = newSessionSecret();
      const [row] = await deps.sql<{ expiresAt: string }[]>`
        insert into sessions (tenant_id, token_id, id_hash, expires_at)
        values (${principal.tenantId}, ${principal.tokenId}, ${sessionHash(secret)},
                now() + make_interval(hours => ${SESSION_HOURS}))
        returning to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "expiresAt"`;
      await deps.sql`
        insert into audit_log (tenant_id, actor, action, subject, details)
        values (${principal.tenantId}, ${principal.name}, 'session.started', ${`token:${principal.tokenId}`}, '{}'::jsonb)`;
      setCookie(c, SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: overTls(c),
        path: '/',
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json(await describe(c, row?.expiresAt ?? null, csrfTokenFor(secret)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security: [...security, { cookie: [] }],
      summary: 'Who is signed in: role, scope, the tenant’s currency and zone, and the CSRF token',
      responses: { 200: json('The caller'), ...errorResponses },
    }),
    async (c) => {
      const secret = c.req.header('authorization') === undefined ? sessionSecretFrom(c) : undefined;
      if (!secret) return c.json(await describe(c, null, null), 200);
      const [row] = await c.var.deps.sql<{ expiresAt: string }[]>`
        select to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "expiresAt"
        from sessions where id_hash = ${sessionHash(secret)} and tenant_id = ${c.var.principal.tenantId}`;
      return c.json(await describe(c, row?.expiresAt ?? null, csrfTokenFor(secret)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/',
      tags,
      security: [{ cookie: [] }],
      summary: 'Sign out: end this session server-side and clear its cookie',
      responses: { 204: { description: 'Signed out' }, ...errorResponses },
    }),
    async (c) => {
      const secret = sessionSecretFrom(c);
      if (!secret || c.req.header('authorization') !== undefined) {
        // No session of this request's own: the thing to delete does not exist (a bearer call has none).
        throw new ProblemError(
          404,
          'Not Found',
          'no session to end: this request carries no session cookie',
          [{ field: SESSION_COOKIE, reason: 'missing' }],
        );
      }
      await c.var.deps.sql`
        delete from sessions where id_hash = ${sessionHash(secret)} and tenant_id = ${c.var.principal.tenantId}`;
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: overTls(c) });
      return c.body(null, 204);
    },
  );
  return app;
}

async function describe(c: Context<AppEnv>, expiresAt: string | null, csrfToken: string | null) {
  const { principal, deps } = c.var;
  const [tenant] = await deps.sql<
    { id: string; name: string; currency: string; currencyMinorUnits: number; timeZone: string }[]
  >`
    select id, name, currency, currency_minor_units as "currencyMinorUnits", time_zone as "timeZone"
    from tenants where id = ${principal.tenantId}`;
  if (!tenant) throw notFound('no such tenant');
  const [customer] =
    principal.customerId === undefined
      ? []
      : await deps.sql<{ ref: string; name: string }[]>`
          select ref, name from customers where tenant_id = ${principal.tenantId} and id = ${principal.customerId}`;
  return {
    tenant,
    role: principal.role,
    name: principal.name,
    customer: customer ?? null,
    expiresAt,
    csrfToken,
  };
}
