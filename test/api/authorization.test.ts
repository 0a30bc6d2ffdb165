import { beforeAll, describe, expect, it } from 'vitest';
import { openPeriod } from '../../activities/open-period.js';
import { runStages } from '../../activities/run-stages.js';
import { apiForTests } from '../support/api.js';
import { seedSeats, uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * Every role against every route of the OpenAPI document, in its own tenant, in another tenant, and
 * in and out of a customer token's subtree. Writes carry a body that fails validation: a role that
 * passes authorization gets exactly 400 and nothing changes; one that does not gets exactly 403.
 */
const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenant = uniqueTenantId('authz');
const otherTenant = uniqueTenantId('authz-other');

type Who = 'admin' | 'finance' | 'operator' | 'reseller' | 'endCustomer' | 'otherCustomer';
const everyone: Who[] = ['admin', 'finance', 'operator', 'reseller', 'endCustomer', 'otherCustomer'];
const staff: Who[] = ['admin', 'finance', 'operator'];
const tokens = {} as Record<Who | 'otherTenantAdmin', string>;
const ids = { rule: 0, token: 0, item: 0 };

beforeAll(async () => {
  await seedSeats(sql, tenant); // customer c1 with seats
  await ingest(sql, tenant, [
    {
      kind: 'customer.created',
      occurredAt: '2025-12-01T00:00:00Z',
      customer: 'r1',
      name: 'Reseller One',
      resellerBilling: 'aggregate',
    },
    {
      kind: 'customer.created',
      occurredAt: '2025-12-01T00:00:00Z',
      customer: 'e1',
      name: 'End One',
      parent: 'r1',
      relationship: 'via',
    },
    {
      kind: 'plan.changed',
      occurredAt: '2025-12-02T00:00:00Z',
      customer: 'e1',
      service: 'm365',
      plan: 'E3',
      quantity: 2,
    },
  ]);
  const [rule] =
    await sql`insert into rules (tenant_id, name, vendor, created_by) values (${tenant}, 'r', 'Nobody', 't') returning id`;
  ids.rule = rule?.id;
  await runStages(sql, (await openPeriod(sql, { tenantId: tenant, date: '2026-01-31' })).periodId);
  const customer = async (ref: string) =>
    (await sql`select id from customers where tenant_id = ${tenant} and ref = ${ref}`)[0]?.id;
  tokens.admin = await api.token(tenant, 'admin');
  tokens.finance = await api.token(tenant, 'finance');
  tokens.operator = await api.token(tenant, 'operator');
  tokens.reseller = await api.token(tenant, 'customer', await customer('r1'));
  tokens.endCustomer = await api.token(tenant, 'customer', await customer('e1'));
  tokens.otherCustomer = await api.token(tenant, 'customer', await customer('c1'));
  await createTenant(sql, { id: otherTenant });
  tokens.otherTenantAdmin = await api.token(otherTenant, 'admin');
  ids.token = (await sql`select id from api_tokens where tenant_id = ${tenant} order by id limit 1`)[0]?.id;
  ids.item = (
    await sql`select i.id from items i join customers c on c.id = i.customer_id
              where i.tenant_id = ${tenant} and c.ref = 'e1' limit 1`
  )[0]?.id;
});

const invalid = { bogus: true };
interface Case {
  method: string;
  /** The OpenAPI path; `path` is the concrete one requested. */
  route: string;
  path: () => string;
  body?: unknown;
  allowed: Who[];
  /** What an allowed role gets. */
  status: number;
  /** Per role, where the answer depends on the caller's customer scope. */
  scoped?: Partial<Record<Who, number>>;
}
const jan = '/v1/periods/2026-01-31';
const cases: Case[] = [
  // Console sign-in: any valid token may start a session; DELETE needs a session cookie, not a token.
  { method: 'POST', route: '/v1/session', path: () => '/v1/session', allowed: everyone, status: 201 },
  { method: 'GET', route: '/v1/session', path: () => '/v1/session', allowed: everyone, status: 200 },
  { method: 'DELETE', route: '/v1/session', path: () => '/v1/session', allowed: everyone, status: 404 },
  { method: 'GET', route: '/v1/periods', path: () => '/v1/periods', allowed: everyone, status: 200 },
  { method: 'GET', route: '/v1/periods/{period}', path: () => jan, allowed: everyone, status: 200 },
  ...['close', 'reprocess'].map((a) => ({
    method: 'POST',
    route: `/v1/periods/{period}/${a}`,
    path: () => `${jan}/${a}`,
    body: invalid,
    allowed: ['admin', 'operator'] as Who[],
    status: 400,
  })),
  ...['approve', 'reject'].map((a) => ({
    method: 'POST',
    route: `/v1/periods/{period}/${a}`,
    path: () => `${jan}/${a}`,
    body: invalid,
    allowed: ['admin', 'finance'] as Who[],
    status: 400,
  })),
  {
    method: 'POST',
    route: '/v1/periods/{period}/reopen',
    path: () => `${jan}/reopen`,
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  {
    method: 'POST',
    route: '/v1/changes',
    path: () => '/v1/changes',
    body: invalid,
    allowed: ['admin', 'operator'],
    status: 400,
  },
  { method: 'GET', route: '/v1/tokens', path: () => '/v1/tokens', allowed: ['admin'], status: 200 },
  {
    method: 'POST',
    route: '/v1/tokens',
    path: () => '/v1/tokens',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  { method: 'DELETE', route: '/v1/tokens/{id}', path: () => '/v1/tokens/0', allowed: ['admin'], status: 400 },
  { method: 'GET', route: '/v1/audit', path: () => '/v1/audit', allowed: ['admin', 'finance'], status: 200 },
  { method: 'GET', route: '/v1/tenant', path: () => '/v1/tenant', allowed: staff, status: 200 },
  {
    method: 'PATCH',
    route: '/v1/tenant',
    path: () => '/v1/tenant',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  { method: 'GET', route: '/v1/customers', path: () => '/v1/customers', allowed: everyone, status: 200 },
  {
    method: 'GET',
    route: '/v1/customers/{ref}',
    path: () => '/v1/customers/e1',
    allowed: everyone,
    status: 200,
    scoped: { otherCustomer: 404 },
  },
  {
    method: 'PATCH',
    route: '/v1/customers/{ref}',
    path: () => '/v1/customers/e1',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  { method: 'GET', route: '/v1/users', path: () => '/v1/users', allowed: everyone, status: 200 },
  { method: 'GET', route: '/v1/skus', path: () => '/v1/skus', allowed: everyone, status: 200 },
  {
    method: 'POST',
    route: '/v1/skus',
    path: () => '/v1/skus',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  { method: 'GET', route: '/v1/skus/{code}', path: () => '/v1/skus/E3', allowed: everyone, status: 200 },
  {
    method: 'PATCH',
    route: '/v1/skus/{code}',
    path: () => '/v1/skus/E3',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  { method: 'GET', route: '/v1/sku-mappings', path: () => '/v1/sku-mappings', allowed: staff, status: 200 },
  {
    method: 'POST',
    route: '/v1/sku-mappings',
    path: () => '/v1/sku-mappings',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  {
    method: 'DELETE',
    route: '/v1/sku-mappings/{id}',
    path: () => '/v1/sku-mappings/0',
    allowed: ['admin'],
    status: 400,
  },
  {
    method: 'GET',
    route: '/v1/vendor-discounts',
    path: () => '/v1/vendor-discounts',
    allowed: staff,
    status: 200,
  },
  {
    method: 'PUT',
    route: '/v1/vendor-discounts',
    path: () => '/v1/vendor-discounts',
    body: invalid,
    allowed: ['admin'],
    status: 400,
  },
  { method: 'GET', route: '/v1/rules', path: () => '/v1/rules', allowed: staff, status: 200 },
  {
    method: 'POST',
    route: '/v1/rules',
    path: () => '/v1/rules',
    body: invalid,
    allowed: ['admin', 'finance'],
    status: 400,
  },
  {
    method: 'PATCH',
    route: '/v1/rules/{id}',
    path: () => `/v1/rules/${ids.rule}`,
    body: invalid,
    allowed: ['admin', 'finance'],
    status: 400,
  },
  {
    method: 'POST',
    route: '/v1/rules/preview',
    path: () => '/v1/rules/preview',
    body: invalid,
    allowed: ['admin', 'finance'],
    status: 400,
  },
  {
    method: 'POST',
    route: '/v1/rules/{id}/end',
    path: () => `/v1/rules/${ids.rule}/end`,
    body: invalid,
    allowed: ['admin', 'finance'],
    status: 400,
  },
  ...['items', 'service-detail', 'service-summary', 'totals', 'comparison', 'export.xlsx', 'export.csv'].map(
    (view) => ({
      method: 'GET',
      route: `/v1/periods/{period}/${view}`,
      path: () => `${jan}/${view}`,
      allowed: everyone,
      status: 200,
    }),
  ),
  {
    method: 'GET',
    route: '/v1/periods/{period}/exports',
    path: () => `${jan}/exports`,
    allowed: staff,
    status: 200,
  },
  { method: 'GET', route: '/v1/exports/{id}', path: () => '/v1/exports/0', allowed: staff, status: 400 },
  {
    method: 'GET',
    route: '/v1/management',
    path: () => '/v1/management?from=2026-01&to=2026-01',
    allowed: everyone,
    status: 200,
  },
  {
    method: 'GET',
    route: '/v1/customers/{ref}/name-history',
    path: () => '/v1/customers/e1/name-history',
    allowed: everyone,
    status: 200,
    scoped: { otherCustomer: 404 },
  },
  ...['name-history', 'items-by-month?from=2026-01&to=2026-01'].map((view) => ({
    method: 'GET',
    route: `/v1/users/{ref}/${view.split('?')[0]}`,
    path: () => `/v1/users/u1/${view}`,
    allowed: everyone,
    status: 200,
    scoped: { reseller: 404, endCustomer: 404 } as Partial<Record<Who, number>>,
  })),
  {
    method: 'GET',
    route: '/v1/management/trends',
    path: () => '/v1/management/trends?from=2026-01&to=2026-01',
    allowed: everyone,
    status: 200,
  },
  {
    method: 'GET',
    route: '/v1/unmapped-elements',
    path: () => '/v1/unmapped-elements',
    allowed: staff,
    status: 200,
  },
  {
    method: 'GET',
    route: '/v1/tenant/period-preview',
    path: () => '/v1/tenant/period-preview?mode=calendar',
    allowed: staff,
    status: 200,
  },
  {
    method: 'GET',
    route: '/v1/items/{id}/explanation',
    path: () => `/v1/items/${ids.item}/explanation`,
    allowed: everyone,
    status: 200,
    scoped: { otherCustomer: 404 },
  },
  {
    method: 'GET',
    route: '/v1/management/margins',
    path: () => '/v1/management/margins?from=2026-01&to=2026-01',
    allowed: staff,
    status: 200,
  },
  // A vendor file must be CSV or NDJSON: the JSON body of this matrix gets 415 once authorized.
  {
    method: 'POST',
    route: '/v1/vendor-invoices',
    path: () => '/v1/vendor-invoices',
    body: invalid,
    allowed: ['admin', 'finance'],
    status: 415,
  },
  {
    method: 'GET',
    route: '/v1/vendor-invoices',
    path: () => '/v1/vendor-invoices',
    allowed: staff,
    status: 200,
  },
  {
    method: 'GET',
    route: '/v1/vendor-invoices/{id}',
    path: () => '/v1/vendor-invoices/0',
    allowed: staff,
    status: 400,
  },
  {
    method: 'GET',
    route: '/v1/vendor-invoices/{id}/unmapped',
    path: () => '/v1/vendor-invoices/0/unmapped',
    allowed: staff,
    status: 400,
  },
  ...['customers', 'products'].flatMap((kind) => [
    {
      method: 'GET',
      route: `/v1/vendor-mappings/${kind}`,
      path: () => `/v1/vendor-mappings/${kind}`,
      allowed: staff,
      status: 200,
    },
    {
      method: 'POST',
      route: `/v1/vendor-mappings/${kind}`,
      path: () => `/v1/vendor-mappings/${kind}`,
      body: invalid,
      allowed: ['admin', 'finance'] as Who[],
      status: 400,
    },
    {
      method: 'DELETE',
      route: `/v1/vendor-mappings/${kind}/{id}`,
      path: () => `/v1/vendor-mappings/${kind}/0`,
      allowed: ['admin', 'finance'] as Who[],
      status: 400,
    },
  ]),
  {
    method: 'PUT',
    route: '/v1/skus/{code}/cost',
    path: () => '/v1/skus/E3/cost',
    body: invalid,
    allowed: ['admin', 'finance'],
    status: 400,
  },
  {
    method: 'GET',
    route: '/v1/periods/{period}/reconciliation',
    path: () => `${jan}/reconciliation`,
    allowed: staff,
    status: 200,
  },
  { method: 'GET', route: '/odata', path: () => '/odata', allowed: everyone, status: 200 },
  {
    method: 'GET',
    route: '/odata/$metadata',
    path: () => '/odata/$metadata',
    allowed: everyone,
    status: 200,
  },
  { method: 'GET', route: '/odata/{entitySet}', path: () => '/odata/Items', allowed: everyone, status: 200 },
  {
    method: 'GET',
    route: '/odata/{entitySet}/$count',
    path: () => '/odata/Items/$count',
    allowed: everyone,
    status: 200,
  },
];

describe('authorization matrix', () => {
  it('covers every route of the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/openapi.json')).json as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(cases.map((c) => `${c.method} ${c.route}`).sort()).toEqual(documented.sort());
  });

  for (const c of cases) {
    it(`${c.method} ${c.route}: ${c.allowed.join(', ')} get ${c.status}; every other role 403; no token 401`, async () => {
      const statuses = Object.fromEntries(
        await Promise.all(
          everyone.map(
            async (who) => [who, (await api.call(c.method, c.path(), tokens[who], c.body)).status] as const,
          ),
        ),
      );
      const expected = Object.fromEntries(
        everyone.map((who) => [who, c.allowed.includes(who) ? (c.scoped?.[who] ?? c.status) : 403]),
      );
      expect(statuses).toEqual(expected);
      expect((await api.call(c.method, c.path(), undefined, c.body)).status).toBe(401);
    });
  }
});

describe('tenant and customer boundaries', () => {
  it("another tenant's admin finds none of this tenant's objects", async () => {
    const other = tokens.otherTenantAdmin;
    expect((await api.call('GET', '/v1/customers/c1', other)).status).toBe(404);
    expect((await api.call('GET', `${jan}/items`, other)).status).toBe(404);
    expect((await api.call('GET', '/v1/skus/E3', other)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/tokens/${ids.token}`, other)).status).toBe(404);
    expect((await api.call('PATCH', `/v1/rules/${ids.rule}`, other, { name: 'hijacked' })).status).toBe(404);
    expect((await api.call('GET', '/v1/customers', other)).json.customers).toEqual([]);
    expect((await api.call('GET', '/odata/Items', other)).json.value).toEqual([]);
    const [rule] = await sql`select name from rules where id = ${ids.rule}`;
    expect(rule?.name).toBe('r');
  });

  it("a reseller's token sees its subtree, an end customer only itself, another customer neither", async () => {
    const customersOf = async (who: Who) =>
      new Set(
        (
          (await api.call('GET', `${jan}/items`, tokens[who])).json.items as { customer: { ref: string } }[]
        ).map((i) => i.customer.ref),
      );
    expect(await customersOf('reseller')).toEqual(new Set(['e1']));
    expect(await customersOf('endCustomer')).toEqual(new Set(['e1']));
    expect(await customersOf('otherCustomer')).toEqual(new Set(['c1']));
    expect(await customersOf('admin')).toEqual(new Set(['c1', 'e1']));
    expect((await api.call('GET', `${jan}/items?customer=e1`, tokens.reseller)).status).toBe(200);
    expect((await api.call('GET', `${jan}/items?customer=r1`, tokens.endCustomer)).status).toBe(404);
    expect((await api.call('GET', `${jan}/items?customer=e1`, tokens.otherCustomer)).status).toBe(404);
    expect((await api.call('GET', '/v1/customers/r1', tokens.endCustomer)).status).toBe(404);
    const reseller = await api.call('GET', `${jan}/totals?level=reseller`, tokens.reseller);
    expect(reseller.json.totals.map((t: { customer: { ref: string } }) => t.customer.ref)).toEqual(['r1']);
  });
});
