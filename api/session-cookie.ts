import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Principal, Role } from './context.js';
import { ProblemError } from './problems.js';

/** The console's sign-in cookie: an opaque session id, stored server-side only as its SHA-256. */
export const SESSION_COOKIE = 'monthend_session';
export const SESSION_HOURS = 12;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionHash(secret: string): string {
  return createHash('sha256').update(`session:${secret}`).digest('hex');
}

/**
 * The session's CSRF token, derived from its id so nothing more is stored: only same-origin script
 * can read it (from POST or GET /v1/session) and echo it in `X-CSRF-Token`.
 */
export function csrfTokenFor(secret: string): string {
  return createHash('sha256').update(`csrf:${secret}`).digest('base64url');
}

export function sessionSecretFrom(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** True when the browser reached us over TLS, directly or through a proxy that says so. */
export function overTls(c: Context<AppEnv>): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded ? forwarded === 'https' : new URL(c.req.url).protocol === 'https:';
}

/**
 * The principal of a session cookie, or undefined when there is none. An unknown, expired or
 * revoked-token session is a 401; a state-changing request must come from our own origin and carry
 * the session's CSRF token, else 403.
 */
export async function sessionPrincipal(c: Context<AppEnv>): Promise<Principal | undefined> {
  const secret = sessionSecretFrom(c);
  if (!secret) return undefined;
  const [row] = await c.var.deps.sql<
    { id: number; tenantId: string; role: Role; customerId: number | null; name: string }[]
  >`
    select t.id, t.tenant_id as "tenantId", t.role, t.customer_id as "customerId", t.name
    from sessions s
    join api_tokens t on t.id = s.token_id and t.tenant_id = s.tenant_id
    where s.id_hash = ${sessionHash(secret)} and s.expires_at > now() and t.revoked_at is null`;
  if (!row) {
    throw new ProblemError(401, 'Unauthorized', 'the session has ended or expired: sign in again');
  }
  if (!SAFE_METHODS.has(c.req.method)) refuseCrossSite(c, secret);
  return {
    tokenId: row.id,
    tenantId: row.tenantId,
    role: row.role,
    name: row.name,
    ...(row.customerId === null ? {} : { customerId: row.customerId }),
  };
}

function refuseCrossSite(c: Context<AppEnv>, secret: string): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== ownOrigin(c)) {
    throw new ProblemError(403, 'Forbidden', `a request from ${origin} may not use this session`, [
      { field: 'Origin', reason: 'not this server’s origin' },
    ]);
  }
  const sent = c.req.header('x-csrf-token') ?? '';
  const expected = csrfTokenFor(secret);
  const same = sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
  if (!same) {
    throw new ProblemError(403, 'Forbidden', 'a state-changing request needs the session’s X-CSRF-Token', [
      { field: 'X-CSRF-Token', reason: sent ? 'does not match the session' : 'missing' },
    ]);
  }
}

function ownOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? url.host;
  return `${overTls(c) ? 'https' : 'http'}://${host}`;
}
