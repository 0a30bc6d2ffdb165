import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createToken } from '../../api/routes/tokens.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';

// Session routes need no Temporal: the app gets the database only.
const database = await freshDatabase();
const { sql } = database;
const app = createApp({ db: database.db, sql, temporal: {} as never, closes: {} as never });
const tenantId = uniqueTenantId('session');
const origin = 'http://console.test';
let adminSecret = '';
let adminId = 0;
let financeSecret = '';
let customerSecret = '';

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, currency: 'EUR', timeZone: 'Europe/Amsterdam' });
  await sql`insert into customers (tenant_id, ref, name, created_at) values (${tenantId}, 'c1', 'Contoso', now())`;
  const [contoso] = await sql<{ id: number }[]>`select id from customers where tenant_id = ${tenantId}`;
  const admin = await createToken(sql, { tenantId, name: 'alice', role: 'admin', createdBy: 'test' });
  adminSecret = admin.secret;
  adminId = admin.id;
  financeSecret = (await createToken(sql, { tenantId, name: 'fiona', role: 'finance', createdBy: 'test' }))
    .secret;
  customerSecret = (
    await createToken(sql, {
      tenantId,
      name: 'contoso',
      role: 'customer',
      customerId: contoso?.id,
      createdBy: 'test',
    })
  ).secret;
});

async function signIn(secret: string, url = `${origin}/v1/session`, headers: Record<string, string> = {}) {
  const response = await app.request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, ...headers },
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  const value = /monthend_session=([^;]*)/.exec(cookie)?.[1] ?? '';
  return { response, cookie, value, body: (await response.json()) as Record<string, unknown> };
}

const problemOf = async (response: Response) =>
  (await response.json()) as { errors?: unknown; detail?: string };

const withCookie = (value: string, headers: Record<string, string> = {}) => ({
  cookie: `monthend_session=${value}`,
  ...headers,
});

describe('/v1/session', () => {
  it('exchanges a token for an HttpOnly SameSite=Strict cookie, stored only as a hash', async () => {
    const { response, cookie, value, body } = await signIn(financeSecret);
    expect(response.status).toBe(201);
    expect(cookie).toMatch(
      /^monthend_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect(body).toMatchObject({
      tenant: { id: tenantId, currency: 'EUR', currencyMinorUnits: 2, timeZone: 'Europe/Amsterdam' },
      role: 'finance',
      name: 'fiona',
      customer: null,
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const rows = await sql`select id_hash from sessions where tenant_id = ${tenantId}`;
    expect(rows.map((r) => r.id_hash)).not.toContain(value);
    expect(rows.length).toBeGreaterThan(0);

    const me = await app.request(`${origin}/v1/session`, { headers: withCookie(value) });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(body);
    // The cookie alone reads the API like the token did.
    const periods = await app.request(`${origin}/v1/periods`, { headers: withCookie(value) });
    expect(periods.status).toBe(200);
  });

  it('is Secure when the request came over TLS, directly or via X-Forwarded-Proto', async () => {
    expect((await signIn(financeSecret, 'https://console.test/v1/session')).cookie).toContain('; Secure');
    const proxied = await signIn(financeSecret, `${origin}/v1/session`, { 'x-forwarded-proto': 'https' });
    expect(proxied.cookie).toContain('; Secure');
  });

  it('names the customer of a customer token', async () => {
    const { body } = await signIn(customerSecret);
    expect(body).toMatchObject({ role: 'customer', customer: { ref: 'c1', name: 'Contoso' } });
  });

  it('refuses a bad token, and a sign-in without one', async () => {
    const bad = await signIn('mt_nope');
    expect(bad.response.status).toBe(401);
    expect(bad.cookie).toBe('');
    const none = await app.request(`${origin}/v1/session`, { method: 'POST' });
    expect(none.status).toBe(401);
  });

  it('needs the CSRF token and our own origin for a state-changing request', async () => {
    const { value, body } = await signIn(adminSecret);
    const csrf = String(body.csrfToken);
    const patch = (headers: Record<string, string>) =>
      app.request(`${origin}/v1/tenant`, {
        method: 'PATCH',
        headers: withCookie(value, { 'content-type': 'application/json', ...headers }),
        body: JSON.stringify({ name: 'Renamed MSP' }),
      });
    const missing = await patch({});
    expect(missing.status).toBe(403);
    expect((await problemOf(missing)).errors).toEqual([{ field: 'X-CSRF-Token', reason: 'missing' }]);
    const wrong = await patch({ 'x-csrf-token': `${csrf.slice(0, -1)}x` });
    expect((await problemOf(wrong)).errors).toEqual([
      { field: 'X-CSRF-Token', reason: 'does not match the session' },
    ]);
    const foreign = await patch({ 'x-csrf-token': csrf, origin: 'http://evil.test' });
    expect(foreign.status).toBe(403);
    expect((await problemOf(foreign)).errors).toEqual([
      { field: 'Origin', reason: 'not this server’s origin' },
    ]);
    const [unchanged] = await sql`select name from tenants where id = ${tenantId}`;
    expect(unchanged?.name).toBe(`${tenantId} MSP`);

    const ok = await patch({ 'x-csrf-token': csrf, origin });
    expect(ok.status).toBe(200);
    const [renamed] = await sql`select name from tenants where id = ${tenantId}`;
    expect(renamed?.name).toBe('Renamed MSP');
  });

  it('ends server-side on sign-out', async () => {
    const { value, body } = await signIn(financeSecret);
    const out = await app.request(`${origin}/v1/session`, {
      method: 'DELETE',
      headers: withCookie(value, { 'x-csrf-token': String(body.csrfToken) }),
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^monthend_session=; Max-Age=0; Path=\//);
    const after = await app.request(`${origin}/v1/periods`, { headers: withCookie(value) });
    expect(after.status).toBe(401);
    expect((await problemOf(after)).detail).toBe('the session has ended or expired: sign in again');
  });

  it('ends when its token is revoked, and when it expires', async () => {
    const { value } = await signIn(adminSecret);
    const expiring = await signIn(financeSecret);
    await sql`update sessions set expires_at = now() - interval '1 second' where id_hash = (
      select id_hash from sessions order by id desc limit 1)`;
    expect((await app.request(`${origin}/v1/periods`, { headers: withCookie(expiring.value) })).status).toBe(
      401,
    );

    expect((await app.request(`${origin}/v1/periods`, { headers: withCookie(value) })).status).toBe(200);
    await sql`update api_tokens set revoked_at = now() where id = ${adminId}`;
    expect((await app.request(`${origin}/v1/periods`, { headers: withCookie(value) })).status).toBe(401);
  });

  it('is unknown to another cookie value', async () => {
    const response = await app.request(`${origin}/v1/periods`, { headers: withCookie('forged') });
    expect(response.status).toBe(401);
  });
});
