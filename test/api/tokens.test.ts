import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('tokens');
let admin = '';

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2026-01-01T00:00:00Z', customer: 'c1', name: 'Contoso' },
  ]);
  admin = await api.token(tenantId, 'admin', undefined, 'root');
});

describe('/v1/tokens', () => {
  it('creates a token whose secret is shown once and stored only as a hash', async () => {
    const created = await api.call('POST', '/v1/tokens', admin, { name: 'fiona@msp', role: 'finance' });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^mt_[A-Za-z0-9_-]{43}$/);
    const [row] =
      await sql`select secret_hash, name, role, created_by from api_tokens where id = ${created.json.id}`;
    expect(row).toMatchObject({ name: 'fiona@msp', role: 'finance', created_by: 'root' });
    expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await sql`select * from api_tokens`)).not.toContain(created.json.secret);

    const listed = await api.call('GET', '/v1/tokens', admin);
    expect(listed.status).toBe(200);
    expect(listed.json.tokens.map((t: { name: string }) => t.name)).toEqual(['root', 'fiona@msp']);
    expect(listed.text).not.toContain(created.json.secret);
  });

  it('scopes customer tokens to a customer and refuses bad combinations', async () => {
    const ok = await api.call('POST', '/v1/tokens', admin, {
      name: 'contoso portal',
      role: 'customer',
      customer: 'c1',
    });
    expect(ok.status).toBe(201);
    const missing = await api.call('POST', '/v1/tokens', admin, { name: 'x', role: 'customer' });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ field: 'customer', reason: 'required for the customer role' }]);
    const unknown = await api.call('POST', '/v1/tokens', admin, {
      name: 'x',
      role: 'customer',
      customer: 'nope',
    });
    expect(unknown.json.errors).toEqual([{ field: 'customer', reason: "no customer 'nope' in this tenant" }]);
    const badRole = await api.call('POST', '/v1/tokens', admin, { name: 'x', role: 'owner' });
    expect(badRole.status).toBe(400);
    expect(badRole.json.errors[0].field).toBe('role');
  });

  it('revokes a token effective on its next request, with Basic auth working until then', async () => {
    const created = await api.call('POST', '/v1/tokens', admin, { name: 'powerbi', role: 'finance' });
    const basic = `Basic ${Buffer.from(`anyone:${created.json.secret}`).toString('base64')}`;
    expect(
      (await api.call('GET', '/v1/periods', undefined, undefined, { authorization: basic })).status,
    ).toBe(200);
    expect((await api.call('DELETE', `/v1/tokens/${created.json.id}`, admin)).status).toBe(204);
    const after = await api.call('GET', '/v1/periods', created.json.secret);
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ title: 'Unauthorized', detail: 'unknown or revoked token' });
    expect(after.headers.get('x-request-id')).toBeTruthy();
    expect(after.json.requestId).toBe(after.headers.get('x-request-id'));
  });

  it('keeps tokens inside their tenant', async () => {
    const other = uniqueTenantId('other');
    await createTenant(sql, { id: other });
    const otherAdmin = await api.token(other, 'admin');
    const [mine] = await sql`select id from api_tokens where tenant_id = ${tenantId} limit 1`;
    expect((await api.call('DELETE', `/v1/tokens/${mine?.id}`, otherAdmin)).status).toBe(404);
    const listed = await api.call('GET', '/v1/tokens', otherAdmin);
    expect(listed.json.tokens).toHaveLength(1);
  });

  it('is for admins only', async () => {
    const operator = await api.token(tenantId, 'operator');
    const response = await api.call('GET', '/v1/tokens', operator);
    expect(response.status).toBe(403);
    expect(response.json.detail).toBe('the operator role may not GET /v1/tokens/*');
  });
});

describe('no lockout', () => {
  const lockout =
    'the last active admin token of the tenant cannot be revoked: nobody could manage the tenant afterwards';
  const ownLast =
    'this is the last active admin token of the tenant: create another admin token before revoking your own';

  it("refuses to revoke the tenant's last active admin token, its own or another's", async () => {
    const tenant = uniqueTenantId('lockout');
    await createTenant(sql, { id: tenant });
    const first = await api.token(tenant, 'admin', undefined, 'first');
    const [firstRow] = await sql`select id from api_tokens where tenant_id = ${tenant}`;
    const own = await api.call('DELETE', `/v1/tokens/${firstRow?.id}`, first);
    expect(own.status).toBe(409);
    expect(own.json).toMatchObject({ status: 409, title: 'Conflict', detail: ownLast });

    // A second admin revokes the first one, and is then the last: its own revocation is refused.
    const second = await api.call('POST', '/v1/tokens', first, { name: 'second', role: 'admin' });
    expect((await api.call('DELETE', `/v1/tokens/${firstRow?.id}`, second.json.secret)).status).toBe(204);
    const last = await api.call('DELETE', `/v1/tokens/${second.json.id}`, second.json.secret);
    expect(last.status).toBe(409);
    expect(last.json.detail).toBe(ownLast);
    expect(
      await sql`select name, revoked_at is null as active from api_tokens where tenant_id = ${tenant} order by id`,
    ).toEqual([
      { name: 'first', active: false },
      { name: 'second', active: true },
    ]);
    expect(
      (await sql`select action from audit_log where tenant_id = ${tenant} and action = 'token.revoked'`)
        .length,
    ).toBe(1);
  });

  it('lets an admin revoke its own token while another active admin token remains', async () => {
    const tenant = uniqueTenantId('selfrevoke');
    await createTenant(sql, { id: tenant });
    const mine = await api.token(tenant, 'admin', undefined, 'leaving');
    const other = await api.call('POST', '/v1/tokens', mine, { name: 'staying', role: 'admin' });
    const [mineRow] = await sql`select id from api_tokens where tenant_id = ${tenant} and name = 'leaving'`;
    expect((await api.call('DELETE', `/v1/tokens/${mineRow?.id}`, mine)).status).toBe(204);
    expect((await api.call('GET', '/v1/tokens', mine)).status).toBe(401);
    // A finance token does not count as an admin: the remaining admin stays unrevocable.
    await api.call('POST', '/v1/tokens', other.json.secret, { name: 'fiona', role: 'finance' });
    const refused = await api.call('DELETE', `/v1/tokens/${other.json.id}`, other.json.secret);
    expect(refused.status).toBe(409);
  });

  it('counts concurrent revocations of the last two admin tokens against each other', async () => {
    const tenant = uniqueTenantId('race');
    await createTenant(sql, { id: tenant });
    const a = await api.token(tenant, 'admin', undefined, 'a');
    const b = await api.call('POST', '/v1/tokens', a, { name: 'b', role: 'admin' });
    const [aRow] = await sql`select id from api_tokens where tenant_id = ${tenant} and name = 'a'`;
    const answers = await Promise.all([
      api.call('DELETE', `/v1/tokens/${b.json.id}`, a),
      api.call('DELETE', `/v1/tokens/${aRow?.id}`, b.json.secret),
    ]);
    // One wins; the other is refused, or finds its own token already revoked when it authenticates.
    const [won, lost] = [...answers].sort((x, y) => x.status - y.status);
    expect(won?.status).toBe(204);
    expect([401, 409]).toContain(lost?.status);
    const refusals: Record<number, string> = { 409: lockout, 401: 'unknown or revoked token' };
    expect(lost?.json.detail).toBe(refusals[lost?.status ?? 0]);
    const [active] = await sql`select count(*)::int as n from api_tokens
                               where tenant_id = ${tenant} and role = 'admin' and revoked_at is null`;
    expect(active?.n).toBe(1);
  });
});
