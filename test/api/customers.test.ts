import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('customers');
const otherTenant = uniqueTenantId('customers-other');
const tokens = { admin: '', finance: '', operator: '', reseller: '', end: '', other: '' };
const ids: Record<string, number> = {};
const at = '2026-01-05T08:00:00Z';

// dist (aggregate) -> res (via dist, bills on_behalf) -> end1 (via res), end2 (direct)
//                  -> agg (via dist)
// solo (direct, tagged test, deleted)
beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createTenant(sql, { id: otherTenant });
  const created = (customer: string, name: string, extra: Record<string, unknown> = {}) => ({
    kind: 'customer.created',
    occurredAt: at,
    customer,
    name,
    ...extra,
  });
  await ingest(sql, tenantId, [
    created('dist', 'Distributor'),
    created('res', 'Reseller', { parent: 'dist', relationship: 'via', resellerBilling: 'on_behalf' }),
    created('end1', 'End One', { parent: 'res', relationship: 'via' }),
    created('end2', 'End Two', { parent: 'res' }),
    created('agg', 'Aggregated', { parent: 'dist', relationship: 'via' }),
    created('solo', 'Solo', { tags: ['test'] }),
    { kind: 'customer.deleted', occurredAt: '2026-01-20T00:00:00Z', customer: 'solo' },
    ...['a', 'b', 'c'].map((user) => ({
      kind: 'user.created',
      occurredAt: at,
      customer: 'end1',
      user: `end1-${user}`,
      name: `${user}@end1.example`,
    })),
    { kind: 'user.created', occurredAt: at, customer: 'dist', user: 'dist-a', name: 'a@dist.example' },
    { kind: 'user.deleted', occurredAt: '2026-01-10T00:00:00Z', customer: 'end1', user: 'end1-b' },
  ]);
  await ingest(sql, otherTenant, [created('theirs', 'Not yours')]);
  for (const row of await sql<{ ref: string; id: number }[]>`select ref, id from customers`)
    ids[row.ref] = row.id;
  tokens.admin = await api.token(tenantId, 'admin', undefined, 'root');
  tokens.finance = await api.token(tenantId, 'finance');
  tokens.operator = await api.token(tenantId, 'operator');
  tokens.reseller = await api.token(tenantId, 'customer', ids.res, 'reseller portal');
  tokens.end = await api.token(tenantId, 'customer', ids.end1, 'end1 portal');
  tokens.other = await api.token(otherTenant, 'admin');
});

const customer = (ref: string, fields: Record<string, unknown>) => ({
  ref,
  relationship: 'direct',
  resellerBilling: 'aggregate',
  tags: [],
  createdAt: '2026-01-05T08:00:00Z',
  deletedAt: null,
  ...fields,
});

describe('GET /v1/customers', () => {
  it('lists the tree in order with depth and the invoice-to customer of billing.md', async () => {
    const response = await api.call('GET', '/v1/customers', tokens.operator);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      customers: [
        customer('dist', { name: 'Distributor', parent: null, depth: 0, invoiceTo: 'dist' }),
        customer('agg', {
          name: 'Aggregated',
          parent: 'dist',
          relationship: 'via',
          depth: 1,
          invoiceTo: 'dist',
        }),
        customer('res', {
          name: 'Reseller',
          parent: 'dist',
          relationship: 'via',
          resellerBilling: 'on_behalf',
          depth: 1,
          invoiceTo: 'dist',
        }),
        customer('end1', {
          name: 'End One',
          parent: 'res',
          relationship: 'via',
          depth: 2,
          invoiceTo: 'end1',
        }),
        customer('end2', { name: 'End Two', parent: 'res', depth: 2, invoiceTo: 'end2' }),
        customer('solo', {
          name: 'Solo',
          parent: null,
          tags: ['test'],
          deletedAt: '2026-01-20T00:00:00Z',
          depth: 0,
          invoiceTo: 'solo',
        }),
      ],
    });
  });

  it('nests children with ?tree=true', async () => {
    const response = await api.call('GET', '/v1/customers?tree=true', tokens.finance);
    expect(response.status).toBe(200);
    const shape = (node: { ref: string; children: unknown[] }): unknown => [
      node.ref,
      (node.children as { ref: string; children: unknown[] }[]).map(shape),
    ];
    expect(response.json.customers.map(shape)).toEqual([
      [
        'dist',
        [
          ['agg', []],
          [
            'res',
            [
              ['end1', []],
              ['end2', []],
            ],
          ],
        ],
      ],
      ['solo', []],
    ]);
    expect(response.json.customers[0].children[1]).toMatchObject({ ref: 'res', depth: 1, invoiceTo: 'dist' });
  });

  it('shows a customer token its subtree only, with refs above it hidden', async () => {
    const reseller = await api.call('GET', '/v1/customers?tree=true', tokens.reseller);
    expect(reseller.status).toBe(200);
    expect(reseller.json.customers).toHaveLength(1);
    expect(reseller.json.customers[0]).toMatchObject({ ref: 'res', parent: null, depth: 1, invoiceTo: null });
    expect(reseller.json.customers[0].children.map((c: { ref: string }) => c.ref)).toEqual(['end1', 'end2']);
    const end = await api.call('GET', '/v1/customers', tokens.end);
    expect(end.json.customers).toEqual([
      customer('end1', { name: 'End One', parent: null, relationship: 'via', depth: 2, invoiceTo: 'end1' }),
    ]);
  });

  it('answers one customer, and 404 outside the tenant or the token subtree', async () => {
    const one = await api.call('GET', '/v1/customers/end2', tokens.reseller);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(
      customer('end2', { name: 'End Two', parent: 'res', depth: 2, invoiceTo: 'end2' }),
    );
    const above = await api.call('GET', '/v1/customers/dist', tokens.reseller);
    expect(above.status).toBe(404);
    expect(above.json).toMatchObject({ status: 404, title: 'Not Found', detail: "no customer 'dist'" });
    expect((await api.call('GET', '/v1/customers/end2', tokens.end)).status).toBe(404);
    expect((await api.call('GET', '/v1/customers/theirs', tokens.admin)).status).toBe(404);
    expect((await api.call('GET', '/v1/customers/end1', tokens.other)).status).toBe(404);
  });
});

describe('PATCH /v1/customers/{ref}', () => {
  it('changes billing configuration, recomputes invoice-to and audits it', async () => {
    const response = await api.call('PATCH', '/v1/customers/res', tokens.admin, {
      resellerBilling: 'aggregate',
      tags: ['gold', 'gold', 'eu'],
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(
      customer('res', {
        name: 'Reseller',
        parent: 'dist',
        relationship: 'via',
        tags: ['gold', 'eu'],
        depth: 1,
        invoiceTo: 'dist',
      }),
    );
    // end1 is billed via res, which now aggregates: dist pays.
    expect((await api.call('GET', '/v1/customers/end1', tokens.admin)).json.invoiceTo).toBe('dist');
    const audit = await sql`
      select actor, action, subject, details - 'requestId' as details from audit_log
      where tenant_id = ${tenantId} and action = 'customer.updated'`;
    expect(audit).toEqual([
      {
        actor: 'root',
        action: 'customer.updated',
        subject: 'customer:res',
        details: {
          resellerBilling: { from: 'on_behalf', to: 'aggregate' },
          tags: { from: [], to: ['gold', 'eu'] },
          changeIds: [expect.any(Number)],
        },
      },
    ]);
    // The edit is a customer.updated entry of the change log, with the token's actor and only what changed.
    const [entry] = await sql`
      select actor, customer_ref as customer, payload - 'key' - 'occurredAt' as payload from change_log
      where tenant_id = ${tenantId} and kind = 'customer.updated'`;
    expect(entry).toEqual({
      actor: 'root',
      customer: 'res',
      payload: {
        kind: 'customer.updated',
        actor: 'root',
        customer: 'res',
        resellerBilling: 'aggregate',
        tags: ['gold', 'eu'],
      },
    });
    const direct = await api.call('PATCH', '/v1/customers/end1', tokens.admin, { relationship: 'direct' });
    expect(direct.json).toMatchObject({ ref: 'end1', relationship: 'direct', invoiceTo: 'end1' });
  });

  it('refuses via without a parent, empty names, unknown fields, and other roles', async () => {
    const orphan = await api.call('PATCH', '/v1/customers/dist', tokens.admin, { relationship: 'via' });
    expect(orphan.status).toBe(400);
    expect(orphan.json.errors).toEqual([
      { field: 'relationship', reason: "customer 'dist' would be billed 'via' a parent but has none" },
    ]);
    const blank = await api.call('PATCH', '/v1/customers/dist', tokens.admin, { name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.json.errors).toEqual([{ field: 'name', reason: 'a name must not be empty' }]);
    const unknown = await api.call('PATCH', '/v1/customers/dist', tokens.admin, { ref: 'd2' });
    expect(unknown.json.errors).toEqual([{ field: 'ref', reason: 'unknown field' }]);
    const bad = await api.call('PATCH', '/v1/customers/dist', tokens.admin, {
      resellerBilling: 'both',
      tags: [''],
    });
    expect(bad.json.errors).toEqual([
      { field: 'resellerBilling', reason: 'Invalid option: expected one of "aggregate"|"on_behalf"' },
      { field: 'tags.0', reason: 'a tag must not be empty' },
    ]);
    const finance = await api.call('PATCH', '/v1/customers/dist', tokens.finance, { tags: ['x'] });
    expect(finance.status).toBe(403);
    expect(finance.json.detail).toBe('the finance role may not PATCH /v1/customers/:ref');
    expect((await api.call('PATCH', '/v1/customers/end1', tokens.other, { tags: [] })).status).toBe(404);
  });

  it('moves a customer under another parent, refusing cycles and unknown or foreign parents', async () => {
    const cycle = await api.call('PATCH', '/v1/customers/dist', tokens.admin, { parent: 'end1' });
    expect(cycle.status).toBe(400);
    expect(cycle.json.errors).toEqual([
      {
        field: 'parent',
        reason: expect.stringMatching(
          /^would make customer 'dist' its own ancestor \(dist -> end1 -> res -> dist\) at \d{4}-/,
        ),
      },
    ]);
    const unknown = await api.call('PATCH', '/v1/customers/agg', tokens.admin, { parent: 'nobody' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([
      { field: 'parent', reason: "parent customer 'nobody' does not exist" },
    ]);
    const foreign = await api.call('PATCH', '/v1/customers/agg', tokens.admin, { parent: 'theirs' });
    expect(foreign.json.errors).toEqual([
      { field: 'parent', reason: "parent customer 'theirs' does not exist" },
    ]);
    const self = await api.call('PATCH', '/v1/customers/agg', tokens.admin, { parent: 'agg' });
    expect(self.json.errors).toEqual([
      { field: 'parent', reason: "'parent' must not be the customer itself" },
    ]);
    const orphan = await api.call('PATCH', '/v1/customers/agg', tokens.admin, { parent: null });
    expect(orphan.json.errors).toEqual([
      { field: 'parent', reason: "customer 'agg' would be billed 'via' a parent but has none" },
    ]);

    // res bills aggregate since the test above, so dist pays for what agg consumes beneath it.
    const moved = await api.call('PATCH', '/v1/customers/agg', tokens.admin, { parent: 'res' });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({
      ref: 'agg',
      parent: 'res',
      relationship: 'via',
      depth: 2,
      invoiceTo: 'dist',
    });
    const top = await api.call('PATCH', '/v1/customers/agg', tokens.admin, {
      parent: null,
      relationship: 'direct',
    });
    expect(top.json).toMatchObject({
      ref: 'agg',
      parent: null,
      relationship: 'direct',
      depth: 0,
      invoiceTo: 'agg',
    });
    const history = await sql`
      select c.ref, p.ref as parent, h.relationship, h.actor, h.change_id is null as created
      from customer_tree h join customers c on c.id = h.customer_id left join customers p on p.id = h.parent_id
      where h.tenant_id = ${tenantId} and c.ref = 'agg' order by h.valid_from, h.id`;
    expect(history).toEqual([
      { ref: 'agg', parent: 'dist', relationship: 'via', actor: 'test', created: true },
      { ref: 'agg', parent: 'res', relationship: 'via', actor: 'root', created: false },
      { ref: 'agg', parent: null, relationship: 'direct', actor: 'root', created: false },
    ]);
  });
});

describe('PATCH /v1/customers/{ref} with a name', () => {
  const changesOf = (ref: string) => sql`
    select kind, actor, payload - 'key' - 'occurredAt' - 'actor' - 'customer' as payload from change_log
    where tenant_id = ${tenantId} and customer_ref = ${ref} and kind in ('customer.renamed', 'customer.updated')
    order by id`;

  it('renames from now on with a customer.renamed entry, beside a tree change, audited', async () => {
    const response = await api.call('PATCH', '/v1/customers/end2', tokens.admin, {
      name: ' End Two Ltd ',
      tags: ['vip'],
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ ref: 'end2', name: 'End Two Ltd', tags: ['vip'], parent: 'res' });
    expect(await changesOf('end2')).toEqual([
      { kind: 'customer.renamed', actor: 'root', payload: { kind: 'customer.renamed', name: 'End Two Ltd' } },
      { kind: 'customer.updated', actor: 'root', payload: { kind: 'customer.updated', tags: ['vip'] } },
    ]);
    const history = await api.call('GET', '/v1/customers/end2/name-history', tokens.admin);
    expect(history.json.names.map((n: { name: string; actor: string }) => [n.name, n.actor])).toEqual([
      ['End Two', 'test'],
      ['End Two Ltd', 'root'],
    ]);
    const [audit] = await sql`
      select details - 'requestId' as details from audit_log
      where tenant_id = ${tenantId} and subject = 'customer:end2'`;
    expect(audit?.details).toEqual({
      name: { from: 'End Two', to: 'End Two Ltd' },
      tags: { from: [], to: ['vip'] },
      changeIds: [expect.any(Number), expect.any(Number)],
    });
    // The same name again changes nothing and writes nothing.
    const same = await api.call('PATCH', '/v1/customers/end2', tokens.admin, { name: 'End Two Ltd' });
    expect(same.status).toBe(200);
    expect(await changesOf('end2')).toHaveLength(2);
  });

  it('stores nothing of a rename when the move beside it is refused', async () => {
    const refused = await api.call('PATCH', '/v1/customers/end2', tokens.admin, {
      name: 'Never stored',
      parent: 'nobody',
    });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([
      { field: 'parent', reason: "parent customer 'nobody' does not exist" },
    ]);
    expect((await api.call('GET', '/v1/customers/end2', tokens.admin)).json.name).toBe('End Two Ltd');
    expect(await changesOf('end2')).toHaveLength(2);
  });
});

describe('GET /v1/users', () => {
  it('pages through users in id order with a cursor', async () => {
    const first = await api.call('GET', '/v1/users?limit=2', tokens.operator);
    expect(first.status).toBe(200);
    expect(first.json.users.map((u: { ref: string }) => u.ref)).toEqual(['end1-a', 'end1-c']);
    expect(first.json.users[0]).toEqual({
      id: first.json.users[0].id,
      ref: 'end1-a',
      name: 'a@end1.example',
      customer: 'end1',
      createdAt: '2026-01-05T08:00:00Z',
      deletedAt: null,
    });
    expect(first.json.next).toBe(first.json.users[1].id);
    const second = await api.call('GET', `/v1/users?limit=2&after=${first.json.next}`, tokens.operator);
    expect(second.json).toEqual({ users: [expect.objectContaining({ ref: 'dist-a' })], next: null });
  });

  it('filters by customer, includes deleted users on request, and scopes customer tokens', async () => {
    const all = await api.call('GET', '/v1/users?customer=end1&includeDeleted=true', tokens.admin);
    expect(
      all.json.users.map((u: { ref: string; deletedAt: string | null }) => [u.ref, u.deletedAt]),
    ).toEqual([
      ['end1-a', null],
      ['end1-b', '2026-01-10T00:00:00Z'],
      ['end1-c', null],
    ]);
    const scoped = await api.call('GET', '/v1/users', tokens.reseller);
    expect(scoped.json.users.map((u: { ref: string }) => u.ref)).toEqual(['end1-a', 'end1-c']);
    const outside = await api.call('GET', '/v1/users?customer=dist', tokens.reseller);
    expect(outside.status).toBe(404);
    expect(outside.json.detail).toBe("no customer 'dist'");
    expect((await api.call('GET', '/v1/users', tokens.other)).json).toEqual({ users: [], next: null });
  });

  it('validates its query', async () => {
    const response = await api.call('GET', '/v1/users?limit=1001&includeDeleted=yes', tokens.admin);
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      { field: 'includeDeleted', reason: 'Invalid option: expected one of "true"|"false"' },
      { field: 'limit', reason: 'Too big: expected number to be <=1000' },
    ]);
  });
});
