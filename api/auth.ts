import { createHash, randomBytes } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Principal, Role } from './context.js';
import { ProblemError } from './problems.js';
import { sessionPrincipal } from './session-cookie.js';

/** A new token secret: shown once, stored only as its SHA-256. */
export function newTokenSecret(): string {
  return `mt_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Bearer tokens, or HTTP Basic with the token as password (what Excel's and Power BI's OData
 * connectors can send), or the console's session cookie when no Authorization header is sent.
 * Looked up on every request, so a revocation counts from the next one.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const secret = secretFrom(header);
  if (!secret) {
    const fromSession = header === undefined ? await sessionPrincipal(c) : undefined;
    if (!fromSession) throw unauthorized('missing credentials: send Authorization: Bearer <token>');
    c.set('principal', fromSession);
    return next();
  }
  const [token] = await c.var.deps.sql<
    { id: number; tenantId: string; role: Role; customerId: number | null; name: string }[]
  >`
    select id, tenant_id as "tenantId", role, customer_id as "customerId", name
    from api_tokens where secret_hash = ${hashSecret(secret)} and revoked_at is null`;
  if (!token) throw unauthorized('unknown or revoked token');
  const principal: Principal = {
    tokenId: token.id,
    tenantId: token.tenantId,
    role: token.role,
    name: token.name,
    ...(token.customerId === null ? {} : { customerId: token.customerId }),
  };
  c.set('principal', principal);
  await next();
});

/** Lets only these roles through; everyone else with a valid token gets 403. */
export function allow(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { role } = c.var.principal;
    if (!roles.includes(role)) {
      throw new ProblemError(403, 'Forbidden', `the ${role} role may not ${c.req.method} ${c.req.routePath}`);
    }
    await next();
  });
}

export const readers: Role[] = ['admin', 'finance', 'operator', 'customer'];
export const staff: Role[] = ['admin', 'finance', 'operator'];

function secretFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

function unauthorized(detail: string): ProblemError {
  return new ProblemError(401, 'Unauthorized', detail, undefined, {
    'www-authenticate': 'Bearer realm="Monthend", Basic realm="Monthend"',
  });
}
