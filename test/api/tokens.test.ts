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
