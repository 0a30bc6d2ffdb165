import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { freshDatabase } from '../support/database.js';

const database = await freshDatabase();
const { sql } = database;

let tenantCount = 0;
/** Each test gets a tenant of its own, so counts and refs never leak between tests. */
async function newTenant(): Promise<string> {
  tenantCount += 1;
  const id = `msp-${tenantCount}`;
  await sql`insert into tenants (id, name, currency, time_zone) values (${id}, ${`MSP ${tenantCount}`}, 'EUR', 'Europe/Amsterdam')`;
  return id;
}

let keyCount = 0;
type Fields = Record<string, unknown>;
/** One entry as a sender writes it, with a fresh idempotency key. */
function entry(kind: string, occurredAt: string, customer: string, fields: Fields = {}): Fields {
  keyCount += 1;
  return { key: `key-${keyCount}`, kind, occurredAt, actor: 'ops@msp.example', customer, ...fields };
}
const keyOf = (e: Fields) => e.key as string;

const utc = (column: string) =>
  sql.unsafe(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

async function customersOf(tenant: string) {
  return sql`
    select c.ref, c.name, p.ref as parent, c.relationship, c.reseller_billing, c.tags,
      ${utc('c.created_at')} as created_at, ${utc('c.deleted_at')} as deleted_at
    from customers c left join customers p on p.id = c.parent_id
    where c.tenant_id = ${tenant} order by c.ref`;
}

async function usersOf(tenant: string) {
  return sql`
    select u.ref, c.ref as customer, u.name, ${utc('u.created_at')} as created_at, ${utc('u.deleted_at')} as deleted_at
    from users u join customers c on c.id = u.customer_id
    where u.tenant_id = ${tenant} order by u.ref`;
}

async function elementsOf(tenant: string) {
  return sql`
    select e.kind, c.ref as customer, u.ref as user, e.service, e.product, e.ref, e.quantity::text as quantity,
      ${utc('e.started_at')} as started, ${utc('e.ended_at')} as ended, s.idempotency_key as start_key,
      x.idempotency_key as end_key
    from elements e
    join customers c on c.id = e.customer_id
    left join users u on u.id = e.user_id
    join change_log s on s.id = e.start_change_id
    left join change_log x on x.id = e.end_change_id
    where e.tenant_id = ${tenant}
    order by e.kind::text, e.ref, u.ref nulls first, e.started_at`;
}

async function namesOf(tenant: string) {
  return sql`
    select h.subject, coalesce(c.ref, u.ref) as ref, h.name, ${utc('h.valid_from')} as valid_from, h.actor,
      l.idempotency_key as change_key
    from name_history h
    left join customers c on h.subject = 'customer' and c.id = h.subject_id
    left join users u on h.subject = 'user' and u.id = h.subject_id
    join change_log l on l.id = h.change_id
    where h.tenant_id = ${tenant}
    order by h.valid_from, h.id`;
}

async function rowCounts(tenant: string) {
  const [counts] = await sql`
    select
      (select count(*)::int from change_log where tenant_id = ${tenant}) as change_log,
      (select count(*)::int from customers where tenant_id = ${tenant}) as customers,
      (select count(*)::int from users where tenant_id = ${tenant}) as users,
      (select count(*)::int from name_history where tenant_id = ${tenant}) as name_history,
      (select count(*)::int from elements where tenant_id = ${tenant}) as elements`;
  return counts;
}
const nothing = { change_log: 0, customers: 0, users: 0, name_history: 0, elements: 0 };

/** Ingests and insists on success: every entry stored. */
async function ingestAll(tenant: string, entries: Fields[]) {
  const result = await ingestChanges(sql, tenant, entries);
  expect(result.rejected).toEqual([]);
  expect(result.stored.map((s) => s.index)).toEqual(entries.map((_, index) => index));
  return result;
}

/** A customer with a user, the usual ground for element tests. */
async function customerWithUser(tenant: string, customer: string, user: string) {
  await ingestAll(tenant, [
    entry('customer.created', '2026-01-01T00:00:00Z', customer, { name: `${customer} Ltd` }),
    entry('user.created', '2026-01-01T00:00:00Z', customer, { user, name: `${user}@${customer}.example` }),
  ]);
}

describe('ingestChanges: a batch that holds together', () => {
  it('creates a reseller tree, users, every element kind and usage in one batch', async () => {
    const tenant = await newTenant();
    const batch = [
      // The end customer comes first in the batch but occurs after its parents: replay goes by time.
      entry('customer.created', '2026-03-01T09:00:00Z', 'end', {
        name: 'End Customer BV',
        parent: 'res',
        relationship: 'via',
        tags: ['demo'],
      }),
      entry('customer.created', '2026-03-01T08:00:00Z', 'dist', {
        name: 'Distributor',
        resellerBilling: 'on_behalf',
      }),
      entry('customer.created', '2026-03-01T09:30:00+01:00', 'res', {
        name: 'Reseller',
        parent: 'dist',
        relationship: 'via',
        resellerBilling: 'aggregate',
      }),
      entry('user.created', '2026-03-01T10:00:00Z', 'end', { user: 'u1', name: 'alice@end.example' }),
      entry('plan.changed', '2026-03-02T00:00:00Z', 'end', { service: 'm365', plan: 'E3', quantity: 10 }),
      entry('plan.changed', '2026-03-02T00:00:00Z', 'end', { service: 'm365', plan: 'E5', user: 'u1' }),
      entry('instance.added', '2026-03-03T12:00:00Z', 'end', {
        service: 'iaas',
        product: 'vm-small',
        instance: 'vm-1',
        quantity: '2.5',
      }),
      entry('application.added', '2026-03-04T00:00:00Z', 'end', {
        service: 'vdi',
        product: 'Citrix Desktop',
        application: 'ctx-1',
        user: 'u1',
      }),
      entry('domain.added', '2026-03-05T00:00:00Z', 'end', { domain: 'acme.com' }),
      entry('instance.added', '2026-03-06T00:00:00Z', 'end', {
        service: 'iaas',
        product: 'vm-large',
        instance: 'vm-2',
      }),
      entry('instance.removed', '2026-03-07T00:00:00Z', 'end', { service: 'iaas', instance: 'vm-2' }),
      entry('usage.recorded', '2026-03-08T00:00:00Z', 'end', {
        service: 'storage',
        product: 'GB',
        quantity: 12.75,
        user: 'u1',
      }),
    ];
    const [e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11] = batch as [Fields, ...Fields[]];

    const result = await ingestAll(tenant, batch);
    expect(result.duplicates).toEqual([]);

    const log = await sql`
      select id::float8 as id, idempotency_key as key, kind, customer_ref, user_ref, ${utc('occurred_at')} as occurred_at,
        actor, payload, payload_hash, late_period_id
      from change_log where tenant_id = ${tenant} order by id`;
    expect(log.map((row) => row.key)).toEqual(batch.map(keyOf));
    expect(result.stored).toEqual(log.map((row, index) => ({ index, key: row.key, id: row.id })));
    expect(log[0]).toMatchObject({
      kind: 'customer.created',
      customer_ref: 'end',
      user_ref: null,
      occurred_at: '2026-03-01T09:00:00Z',
      actor: 'ops@msp.example',
      payload: e0,
      late_period_id: null,
    });
    expect(log[11]).toMatchObject({
      kind: 'usage.recorded',
      customer_ref: 'end',
      user_ref: 'u1',
      payload: e11,
    });
    const canonical = JSON.stringify(e0, Object.keys(e0 as Fields).sort());
    expect(log[0]?.payload_hash).toBe(createHash('sha256').update(canonical).digest('hex'));

    expect(await customersOf(tenant)).toEqual([
      {
        ref: 'dist',
        name: 'Distributor',
        parent: null,
        relationship: 'direct',
        reseller_billing: 'on_behalf',
        tags: [],
        created_at: '2026-03-01T08:00:00Z',
        deleted_at: null,
      },
      {
        ref: 'end',
        name: 'End Customer BV',
        parent: 'res',
        relationship: 'via',
        reseller_billing: 'aggregate',
        tags: ['demo'],
        created_at: '2026-03-01T09:00:00Z',
        deleted_at: null,
      },
      {
        ref: 'res',
        name: 'Reseller',
        parent: 'dist',
        relationship: 'via',
        reseller_billing: 'aggregate',
        tags: [],
        created_at: '2026-03-01T08:30:00Z',
        deleted_at: null,
      },
    ]);
    expect(await usersOf(tenant)).toEqual([
      {
        ref: 'u1',
        customer: 'end',
        name: 'alice@end.example',
        created_at: '2026-03-01T10:00:00Z',
        deleted_at: null,
      },
    ]);
    expect(await namesOf(tenant)).toEqual([
      name('customer', 'dist', 'Distributor', '2026-03-01T08:00:00Z', e1),
      name('customer', 'res', 'Reseller', '2026-03-01T08:30:00Z', e2),
      name('customer', 'end', 'End Customer BV', '2026-03-01T09:00:00Z', e0),
      name('user', 'u1', 'alice@end.example', '2026-03-01T10:00:00Z', e3),
    ]);
    expect(await elementsOf(tenant)).toEqual([
      element(
        'application',
        'end',
        'u1',
        'vdi',
        'Citrix Desktop',
        'ctx-1',
        '1.0000',
        '2026-03-04T00:00:00Z',
        e7,
      ),
      element('domain', 'end', null, 'domains', 'com', 'acme.com', '1.0000', '2026-03-05T00:00:00Z', e8),
      element('instance', 'end', null, 'iaas', 'vm-small', 'vm-1', '2.5000', '2026-03-03T12:00:00Z', e6),
      {
        ...element('instance', 'end', null, 'iaas', 'vm-large', 'vm-2', '1.0000', '2026-03-06T00:00:00Z', e9),
        ended: '2026-03-07T00:00:00Z',
        end_key: keyOf(e10 as Fields),
      },
      element('plan', 'end', null, 'm365', 'E3', 'm365', '10.0000', '2026-03-02T00:00:00Z', e4),
      element('plan', 'end', 'u1', 'm365', 'E5', 'm365', '1.0000', '2026-03-02T00:00:00Z', e5),
    ]);
  });
});

describe('ingestChanges: all or nothing', () => {
  it('rejects the removal of an instance never added, naming entry and field, and writes nothing', async () => {
    const tenant = await newTenant();
    const batch = [
      entry('customer.created', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme' }),
      entry('instance.added', '2026-03-02T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
      entry('instance.removed', '2026-03-03T00:00:00Z', 'acme', { service: 'iaas', instance: 'vm-9' }),
      entry('usage.recorded', '2026-03-04T00:00:00Z', 'acme', {
        service: 'storage',
        product: 'GB',
        quantity: 1,
      }),
    ];

    const result = await ingestChanges(sql, tenant, batch);

    expect(result).toEqual({
      stored: [],
      duplicates: [],
      rejected: [
        {
          index: 2,
          key: keyOf(batch[2] as Fields),
          field: 'instance',
          reason: `entry 2 (key '${keyOf(batch[2] as Fields)}'): instance 'vm-9' is not live (it was never added)`,
        },
      ],
    });
    expect(await rowCounts(tenant)).toEqual(nothing);
  });

  it('rejects entries of an unknown customer, and of a user of another customer', async () => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    await ingestAll(tenant, [entry('customer.created', '2026-01-01T00:00:00Z', 'other', { name: 'Other' })]);
    const before = await rowCounts(tenant);
    const batch = [
      entry('usage.recorded', '2026-03-01T00:00:00Z', 'ghost', {
        service: 'storage',
        product: 'GB',
        quantity: 1,
      }),
      entry('plan.changed', '2026-03-01T00:00:00Z', 'other', { service: 'm365', plan: 'E3', user: 'u1' }),
      entry('user.created', '2026-03-01T00:00:00Z', 'nobody', { user: 'u2', name: 'bob' }),
      entry('instance.added', '2026-03-01T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
    ];
    const [ghost, foreign, orphan] = batch.map(keyOf);

    const result = await ingestChanges(sql, tenant, batch);

    expect(result.stored).toEqual([]);
    expect(result.rejected).toEqual([
      {
        index: 0,
        key: ghost,
        field: 'customer',
        reason: `entry 0 (key '${ghost}'): customer 'ghost' does not exist`,
      },
      {
        index: 1,
        key: foreign,
        field: 'user',
        reason: `entry 1 (key '${foreign}'): user 'u1' belongs to customer 'acme', not 'other'`,
      },
      {
        index: 2,
        key: orphan,
        field: 'customer',
        reason: `entry 2 (key '${orphan}'): customer 'nobody' does not exist`,
      },
    ]);
    expect(await rowCounts(tenant)).toEqual(before);
  });

  it('rejects an entry for a customer before it is created, naming the entry that creates it', async () => {
    const tenant = await newTenant();
    const batch = [
      entry('domain.added', '2026-03-01T00:00:00Z', 'acme', { domain: 'acme.nl' }),
      entry('customer.created', '2026-03-02T00:00:00Z', 'acme', { name: 'Acme' }),
      entry('customer.created', '2026-03-02T00:00:00Z', 'child', {
        name: 'Child',
        parent: 'gone',
        relationship: 'via',
      }),
      entry('user.created', '2026-03-03T00:00:00Z', 'child', { user: 'u1', name: 'eve' }),
    ];

    const result = await ingestChanges(sql, tenant, batch);

    expect(result.rejected.map(({ index, field, reason }) => ({ index, field, reason }))).toEqual([
      {
        index: 0,
        field: 'customer',
        reason: `entry 0 (key '${keyOf(batch[0] as Fields)}'): customer 'acme' does not exist: it is created by entry 1, which occurs after this entry`,
      },
      {
        index: 2,
        field: 'parent',
        reason: `entry 2 (key '${keyOf(batch[2] as Fields)}'): parent customer 'gone' does not exist`,
      },
      {
        index: 3,
        field: 'customer',
        reason: `entry 3 (key '${keyOf(batch[3] as Fields)}'): customer 'child' does not exist: its creation (entry 2) is rejected`,
      },
    ]);
    expect(await rowCounts(tenant)).toEqual(nothing);
  });

  it.each<[string, Fields, string, string]>([
    ['an unknown kind', { kind: 'seat.added' }, 'kind', "'kind' must be one of 'customer.created', "],
    ['a missing field', { name: undefined }, 'name', "'name' is required"],
    [
      'an impossible date',
      { occurredAt: '2026-02-30T00:00:00Z' },
      'occurredAt',
      "'occurredAt' must be an ISO 8601",
    ],
    ['a date without time', { occurredAt: '2026-03-01' }, 'occurredAt', "'occurredAt' must be an ISO 8601"],
    [
      'a time without offset',
      { occurredAt: '2026-03-01T10:00:00' },
      'occurredAt',
      "'occurredAt' must be an ISO",
    ],
    ['an unknown key (a typo)', { nmae: 'Acme' }, 'nmae', "unknown field 'nmae'"],
    ['an empty key', { key: '' }, 'key', "'key' must not be empty"],
    ['a non-string actor', { actor: 42 }, 'actor', "'actor' must be a string, got 42"],
    [
      'via without a parent',
      { relationship: 'via' },
      'parent',
      "'parent' is required when relationship is 'via'",
    ],
    ['a NUL character', { name: 'Ac\u0000me' }, 'name', "'name' contains a NUL or unpaired surrogate"],
  ])('rejects %s with the field and a reason, and writes nothing', async (_, change, field, reason) => {
    const tenant = await newTenant();
    const bad = { ...entry('customer.created', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme' }), ...change };
    for (const [field, value] of Object.entries(change)) if (value === undefined) delete bad[field];
    const good = entry('customer.created', '2026-03-01T00:00:00Z', 'fine', { name: 'Fine' });

    const result = await ingestChanges(sql, tenant, [good, bad]);

    expect(result.stored).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    const [rejection] = result.rejected;
    expect(rejection).toMatchObject({ index: 1, key: bad.key, field });
    expect(rejection?.reason.startsWith(`entry 1 (key '${bad.key}'): `)).toBe(true);
    expect(rejection?.reason).toContain(reason);
    expect(await rowCounts(tenant)).toEqual(nothing);
  });

  it.each([
    ['zero', 0],
    ['a negative number', -1],
    ['five decimals', '1.23456'],
    ['a word', 'ten'],
    ['a boolean', true],
  ])('rejects a quantity that is %s', async (_, quantity) => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    const bad = entry('usage.recorded', '2026-03-01T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity,
    });

    const result = await ingestChanges(sql, tenant, [bad]);

    expect(result.rejected).toMatchObject([{ index: 0, field: 'quantity' }]);
    expect(result.rejected[0]?.reason).toContain(
      'must be a positive decimal with at most 14 integer and 4 fractional',
    );
  });
});

describe('ingestChanges: idempotency', () => {
  it('stores a resent entry once and reports it as a duplicate, in a later batch and within a batch', async () => {
    const tenant = await newTenant();
    const created = entry('customer.created', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme' });
    const usage = entry('usage.recorded', '2026-03-02T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 2,
    });
    const first = await ingestAll(tenant, [created, usage]);
    const [createdId, usageId] = first.stored.map((s) => s.id);

    // Key order and whitespace do not matter: the hash is of the canonical JSON.
    const resent = Object.fromEntries(Object.entries(usage).reverse());
    const later = entry('usage.recorded', '2026-03-03T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 3,
    });
    const second = await ingestChanges(sql, tenant, [resent, later, later, created]);

    expect(second.rejected).toEqual([]);
    const laterId = second.stored[0]?.id;
    expect(second.stored).toEqual([{ index: 1, key: keyOf(later), id: laterId }]);
    expect(second.duplicates).toEqual([
      { index: 0, key: keyOf(usage), id: usageId },
      { index: 2, key: keyOf(later), id: laterId },
      { index: 3, key: keyOf(created), id: createdId },
    ]);
    expect(await rowCounts(tenant)).toMatchObject({ change_log: 3, customers: 1, name_history: 1 });
  });

  it('rejects a key reused with different content, stored before or earlier in the batch', async () => {
    const tenant = await newTenant();
    const created = entry('customer.created', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme' });
    await ingestAll(tenant, [created]);
    const before = await rowCounts(tenant);
    const renamedSameKey = { ...created, name: 'Acme Corp' };
    const usage = entry('usage.recorded', '2026-03-02T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 1,
    });
    const usageAgain = { ...usage, quantity: 5 };

    const result = await ingestChanges(sql, tenant, [renamedSameKey, usage, usageAgain]);

    expect(result.stored).toEqual([]);
    expect(result.rejected).toMatchObject([
      { index: 0, key: keyOf(created), field: 'key' },
      { index: 2, key: keyOf(usage), field: 'key' },
    ]);
    expect(result.rejected[0]?.reason).toMatch(
      /^entry 0 \(key '.+'\): key reused with different content \(stored as change \d+\)$/,
    );
    expect(result.rejected[1]?.reason).toContain(
      'key reused with different content (entry 1 has the same key)',
    );
    expect(await rowCounts(tenant)).toEqual(before);
  });

  it('finds stored keys in a batch that replays cleanly: a resend is a duplicate, new content is rejected', async () => {
    // Valid batches skip the key probe; the change-log insert is what meets the stored keys here.
    const tenant = await newTenant();
    const created = entry('customer.created', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme' });
    const usage = entry('usage.recorded', '2026-03-02T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 2,
    });
    const first = await ingestAll(tenant, [created, usage]);
    const usageId = first.stored[1]?.id;
    const later = entry('usage.recorded', '2026-03-03T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 3,
    });

    const resent = await ingestChanges(sql, tenant, [later, usage]);
    expect(resent.rejected).toEqual([]);
    expect(resent.stored).toEqual([{ index: 0, key: keyOf(later), id: expect.any(Number) }]);
    expect(resent.duplicates).toEqual([{ index: 1, key: keyOf(usage), id: usageId }]);

    const before = await rowCounts(tenant);
    const another = entry('usage.recorded', '2026-03-04T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 4,
    });
    const reused = await ingestChanges(sql, tenant, [another, { ...usage, quantity: 5 }]);
    expect(reused.stored).toEqual([]);
    expect(reused.rejected).toMatchObject([{ index: 1, key: keyOf(usage), field: 'key' }]);
    expect(reused.rejected[0]?.reason).toMatch(/key reused with different content \(stored as change \d+\)$/);
    expect(await rowCounts(tenant)).toEqual(before);
  });

  it('serialises two batches of one tenant: the same batch sent twice at once is stored once', async () => {
    const tenant = await newTenant();
    const batch = [
      entry('customer.created', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme' }),
      entry('domain.added', '2026-03-01T00:00:00Z', 'acme', { domain: 'acme.org' }),
    ];

    const [one, two] = await Promise.all([
      ingestChanges(sql, tenant, batch),
      ingestChanges(sql, tenant, batch),
    ]);

    const outcomes = [one, two].map((r) => ({ stored: r.stored.length, duplicates: r.duplicates.length }));
    expect(outcomes).toContainEqual({ stored: 2, duplicates: 0 });
    expect(outcomes).toContainEqual({ stored: 0, duplicates: 2 });
    expect(await rowCounts(tenant)).toEqual({
      change_log: 2,
      customers: 1,
      users: 0,
      name_history: 1,
      elements: 1,
    });
  });
});

describe('ingestChanges: elements started and ended', () => {
  it('changes a plan at customer and user level: the old element ends when the new one starts', async () => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    const start = [
      entry('plan.changed', '2026-03-01T00:00:00Z', 'acme', { service: 'support', plan: 'silver' }),
      entry('plan.changed', '2026-03-01T00:00:00Z', 'acme', { service: 'm365', plan: 'E3', user: 'u1' }),
    ];
    await ingestAll(tenant, start);
    const change = [
      entry('plan.changed', '2026-03-10T12:00:00Z', 'acme', {
        service: 'support',
        plan: 'gold',
        quantity: '2',
      }),
      entry('plan.changed', '2026-03-15T08:00:00+01:00', 'acme', { service: 'm365', plan: 'E5', user: 'u1' }),
      // Within the same batch: cancel the user's plan a week later.
      entry('plan.changed', '2026-03-22T00:00:00Z', 'acme', { service: 'm365', plan: null, user: 'u1' }),
    ];
    await ingestAll(tenant, change);

    const [silver, e3] = start;
    const [gold, e5, cancel] = change;
    expect(await elementsOf(tenant)).toEqual([
      {
        ...element('plan', 'acme', 'u1', 'm365', 'E3', 'm365', '1.0000', '2026-03-01T00:00:00Z', e3),
        ended: '2026-03-15T07:00:00Z',
        end_key: e5?.key,
      },
      {
        ...element('plan', 'acme', 'u1', 'm365', 'E5', 'm365', '1.0000', '2026-03-15T07:00:00Z', e5),
        ended: '2026-03-22T00:00:00Z',
        end_key: cancel?.key,
      },
      {
        ...element(
          'plan',
          'acme',
          null,
          'support',
          'silver',
          'support',
          '1.0000',
          '2026-03-01T00:00:00Z',
          silver,
        ),
        ended: '2026-03-10T12:00:00Z',
        end_key: gold?.key,
      },
      element('plan', 'acme', null, 'support', 'gold', 'support', '2.0000', '2026-03-10T12:00:00Z', gold),
    ]);

    const again = entry('plan.changed', '2026-03-23T00:00:00Z', 'acme', {
      service: 'm365',
      plan: null,
      user: 'u1',
    });
    const result = await ingestChanges(sql, tenant, [again]);
    expect(result.rejected).toEqual([
      {
        index: 0,
        key: keyOf(again),
        field: 'plan',
        reason: `entry 0 (key '${keyOf(again)}'): there is no live plan of service 'm365' of user 'u1' to cancel (it ended at 2026-03-22T00:00:00.000Z)`,
      },
    ]);
  });

  it('rejects adding what is live, removing before the start, and a late add overlapping a later span', async () => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    await ingestAll(tenant, [
      entry('instance.added', '2026-03-10T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
      entry('instance.added', '2026-03-10T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-2',
      }),
      entry('instance.removed', '2026-03-20T00:00:00Z', 'acme', { service: 'iaas', instance: 'vm-2' }),
    ]);
    const before = await rowCounts(tenant);
    const [live, early, overlap, wrongService] = [
      entry('instance.added', '2026-03-25T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
      entry('instance.removed', '2026-03-05T00:00:00Z', 'acme', { service: 'iaas', instance: 'vm-1' }),
      entry('instance.added', '2026-03-15T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-2',
      }),
      entry('instance.removed', '2026-03-26T00:00:00Z', 'acme', { service: 'backup', instance: 'vm-1' }),
    ] as [Fields, Fields, Fields, Fields];

    const result = await ingestChanges(sql, tenant, [live, early, overlap, wrongService]);

    expect(result.rejected.map(({ index, field, reason }) => ({ index, field, reason }))).toEqual([
      {
        index: 0,
        field: 'instance',
        reason: `entry 0 (key '${keyOf(live)}'): instance 'vm-1' is already live (since 2026-03-10T00:00:00.000Z)`,
      },
      {
        index: 1,
        field: 'occurredAt',
        reason: `entry 1 (key '${keyOf(early)}'): instance 'vm-1' started at 2026-03-10T00:00:00.000Z, after this change`,
      },
      {
        index: 2,
        field: 'occurredAt',
        reason: `entry 2 (key '${keyOf(overlap)}'): instance 'vm-2' was live until 2026-03-20T00:00:00.000Z, after this entry`,
      },
      {
        index: 3,
        field: 'service',
        reason: `entry 3 (key '${keyOf(wrongService)}'): instance 'vm-1' belongs to service 'iaas', not 'backup'`,
      },
    ]);
    expect(await rowCounts(tenant)).toEqual(before);
  });

  it('still names the entry when only the database notices an add of a live element', async () => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    const added = { service: 'vdi', product: 'Citrix', application: 'ctx-1', user: 'u1' };
    await ingestAll(tenant, [entry('application.added', '2026-03-01T00:00:00Z', 'acme', added)]);
    const before = await rowCounts(tenant);
    // Newer than anything stored, so the add is not probed beforehand: the unique index catches it.
    const again = entry('application.added', '2026-04-01T00:00:00Z', 'acme', added);

    const result = await ingestChanges(sql, tenant, [again]);

    expect(result.rejected).toEqual([
      {
        index: 0,
        key: keyOf(again),
        field: 'application',
        reason: `entry 0 (key '${keyOf(again)}'): application 'ctx-1' of user 'u1' is already live (since 2026-03-01T00:00:00.000Z)`,
      },
    ]);
    expect(await rowCounts(tenant)).toEqual(before);
  });

  it('deletes a customer: every live element ends, customer and users are marked deleted', async () => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    const setup = [
      entry('user.created', '2026-01-02T00:00:00Z', 'acme', { user: 'u2', name: 'bob' }),
      entry('plan.changed', '2026-02-01T00:00:00Z', 'acme', { service: 'support', plan: 'gold' }),
      entry('plan.changed', '2026-02-01T00:00:00Z', 'acme', { service: 'm365', plan: 'E3', user: 'u1' }),
      entry('domain.added', '2026-02-01T00:00:00Z', 'acme', { domain: 'acme.eu' }),
      entry('instance.added', '2026-02-01T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
      entry('instance.removed', '2026-02-10T00:00:00Z', 'acme', { service: 'iaas', instance: 'vm-1' }),
    ];
    await ingestAll(tenant, setup);
    await ingestAll(tenant, [
      entry('customer.created', '2026-01-01T00:00:00Z', 'bystander', { name: 'Other' }),
    ]);
    await ingestAll(tenant, [
      entry('plan.changed', '2026-02-01T00:00:00Z', 'bystander', { service: 'support', plan: 'gold' }),
    ]);
    const deletion = entry('customer.deleted', '2026-03-31T22:00:00Z', 'acme');
    // In the same batch, a user created just before the deletion goes with it.
    const lateUser = entry('user.created', '2026-03-31T21:00:00Z', 'acme', { user: 'u3', name: 'carol' });
    await ingestAll(tenant, [deletion, lateUser]);

    const ended = (await elementsOf(tenant)).map(({ customer, ref, user, ended, end_key }) => ({
      customer,
      ref,
      user,
      ended,
      end_key,
    }));
    expect(ended).toEqual([
      {
        customer: 'acme',
        ref: 'acme.eu',
        user: null,
        ended: '2026-03-31T22:00:00Z',
        end_key: keyOf(deletion),
      },
      { customer: 'acme', ref: 'vm-1', user: null, ended: '2026-02-10T00:00:00Z', end_key: setup[5]?.key },
      { customer: 'acme', ref: 'm365', user: 'u1', ended: '2026-03-31T22:00:00Z', end_key: keyOf(deletion) },
      {
        customer: 'acme',
        ref: 'support',
        user: null,
        ended: '2026-03-31T22:00:00Z',
        end_key: keyOf(deletion),
      },
      { customer: 'bystander', ref: 'support', user: null, ended: null, end_key: null },
    ]);
    expect((await customersOf(tenant)).map(({ ref, deleted_at }) => ({ ref, deleted_at }))).toEqual([
      { ref: 'acme', deleted_at: '2026-03-31T22:00:00Z' },
      { ref: 'bystander', deleted_at: null },
    ]);
    expect((await usersOf(tenant)).map(({ ref, deleted_at }) => ({ ref, deleted_at }))).toEqual([
      { ref: 'u1', deleted_at: '2026-03-31T22:00:00Z' },
      { ref: 'u2', deleted_at: '2026-03-31T22:00:00Z' },
      { ref: 'u3', deleted_at: '2026-03-31T22:00:00Z' },
    ]);

    // A late usage record from before the deletion is still welcome; anything after it is not.
    const lateUsage = entry('usage.recorded', '2026-03-30T00:00:00Z', 'acme', {
      service: 's',
      product: 'p',
      quantity: 1,
    });
    await ingestAll(tenant, [lateUsage]);
    const after = entry('domain.added', '2026-04-01T00:00:00Z', 'acme', { domain: 'acme.de' });
    const result = await ingestChanges(sql, tenant, [after]);
    expect(result.rejected).toMatchObject([
      {
        index: 0,
        field: 'customer',
        reason: `entry 0 (key '${keyOf(after)}'): customer 'acme' is deleted (at 2026-03-31T22:00:00.000Z)`,
      },
    ]);
  });

  it('deletes a user: only its user-level elements end', async () => {
    const tenant = await newTenant();
    await customerWithUser(tenant, 'acme', 'u1');
    const setup = [
      entry('plan.changed', '2026-02-01T00:00:00Z', 'acme', { service: 'm365', plan: 'E3', user: 'u1' }),
      entry('application.added', '2026-02-01T00:00:00Z', 'acme', {
        service: 'vdi',
        product: 'AVD',
        application: 'desk-1',
        user: 'u1',
        quantity: 1,
      }),
      entry('instance.added', '2026-02-01T00:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
    ];
    await ingestAll(tenant, setup);
    const deletion = entry('user.deleted', '2026-03-15T00:00:00Z', 'acme', { user: 'u1' });
    await ingestAll(tenant, [deletion]);

    expect(
      (await elementsOf(tenant)).map(({ ref, user, ended, end_key }) => ({ ref, user, ended, end_key })),
    ).toEqual([
      { ref: 'desk-1', user: 'u1', ended: '2026-03-15T00:00:00Z', end_key: keyOf(deletion) },
      { ref: 'vm-1', user: null, ended: null, end_key: null },
      { ref: 'm365', user: 'u1', ended: '2026-03-15T00:00:00Z', end_key: keyOf(deletion) },
    ]);
    expect(await usersOf(tenant)).toMatchObject([{ ref: 'u1', deleted_at: '2026-03-15T00:00:00Z' }]);
    expect(await customersOf(tenant)).toMatchObject([{ ref: 'acme', deleted_at: null }]);
  });
});

describe('ingestChanges: names and late entries', () => {
  it('keeps every name in name_history with who changed it; a late rename does not overwrite a newer name', async () => {
    const tenant = await newTenant();
    const created = entry('customer.created', '2026-01-01T00:00:00Z', 'acme', { name: 'Acme' });
    const user = entry('user.created', '2026-01-01T00:00:00Z', 'acme', { user: 'u1', name: 'a.smith' });
    await ingestAll(tenant, [created, user]);
    const renames = [
      {
        ...entry('customer.renamed', '2026-02-01T00:00:00Z', 'acme', { name: 'Acme BV' }),
        actor: 'sales@msp',
      },
      {
        ...entry('user.renamed', '2026-02-02T00:00:00Z', 'acme', { user: 'u1', name: 'anna.smith' }),
        actor: 'hr@acme',
      },
      {
        ...entry('customer.renamed', '2026-03-01T00:00:00Z', 'acme', { name: 'Acme Group' }),
        actor: 'sales@msp',
      },
    ];
    await ingestAll(tenant, renames);
    // Arrives late: it happened between the two customer renames above.
    const late = {
      ...entry('customer.renamed', '2026-02-15T00:00:00Z', 'acme', { name: 'Acme B.V.' }),
      actor: 'ops@msp',
    };
    await ingestAll(tenant, [late]);

    const history = (await namesOf(tenant)).map(({ subject, ref, name, valid_from, actor, change_key }) => ({
      subject,
      ref,
      name,
      valid_from,
      actor,
      change_key,
    }));
    expect(history).toEqual([
      { ...name('customer', 'acme', 'Acme', '2026-01-01T00:00:00Z', created) },
      { ...name('user', 'u1', 'a.smith', '2026-01-01T00:00:00Z', user) },
      { ...name('customer', 'acme', 'Acme BV', '2026-02-01T00:00:00Z', renames[0]), actor: 'sales@msp' },
      { ...name('user', 'u1', 'anna.smith', '2026-02-02T00:00:00Z', renames[1]), actor: 'hr@acme' },
      { ...name('customer', 'acme', 'Acme B.V.', '2026-02-15T00:00:00Z', late), actor: 'ops@msp' },
      { ...name('customer', 'acme', 'Acme Group', '2026-03-01T00:00:00Z', renames[2]), actor: 'sales@msp' },
    ]);
    expect((await customersOf(tenant))[0]?.name).toBe('Acme Group');
    expect((await usersOf(tenant))[0]?.name).toBe('anna.smith');
  });

  it('stores an entry inside an approved period with late_period_id, and its element too', async () => {
    const tenant = await newTenant();
    const [january] = await sql`
      insert into periods (tenant_id, start_date, end_date, starts_at, ends_at, mode, status)
      values (${tenant}, '2026-01-01', '2026-01-31', '2025-12-31T23:00:00Z', '2026-01-31T23:00:00Z', 'calendar', 'approved')
      returning id::float8 as id`;
    // February's first revision was approved, then reopened: only its current revision counts.
    await sql`
      insert into periods (tenant_id, start_date, end_date, starts_at, ends_at, mode, status, revision, superseded_at)
      values (${tenant}, '2026-02-01', '2026-02-28', '2026-01-31T23:00:00Z', '2026-02-28T23:00:00Z', 'calendar',
        'approved', 1, now()),
        (${tenant}, '2026-02-01', '2026-02-28', '2026-01-31T23:00:00Z', '2026-02-28T23:00:00Z', 'calendar',
        'open', 2, null)`;
    await ingestAll(tenant, [entry('customer.created', '2025-12-01T00:00:00Z', 'acme', { name: 'Acme' })]);
    const batch = [
      entry('instance.added', '2026-01-20T10:00:00Z', 'acme', {
        service: 'iaas',
        product: 'vm',
        instance: 'vm-1',
      }),
      // 31 Jan 23:30 UTC is 1 Feb local time: no longer January.
      entry('usage.recorded', '2026-01-31T23:30:00Z', 'acme', { service: 's', product: 'p', quantity: 1 }),
      entry('usage.recorded', '2026-02-10T00:00:00Z', 'acme', { service: 's', product: 'p', quantity: 1 }),
      entry('usage.recorded', '2026-01-31T22:59:59.999999Z', 'acme', {
        service: 's',
        product: 'p',
        quantity: 1,
      }),
    ];
    await ingestAll(tenant, batch);

    const rows = await sql`
      select idempotency_key as key, late_period_id::float8 as late from change_log
      where tenant_id = ${tenant} and kind <> 'customer.created' order by id`;
    expect(rows).toEqual([
      { key: keyOf(batch[0] as Fields), late: january?.id },
      { key: keyOf(batch[1] as Fields), late: null },
      { key: keyOf(batch[2] as Fields), late: null },
      { key: keyOf(batch[3] as Fields), late: january?.id },
    ]);
    expect(await elementsOf(tenant)).toEqual([
      element('instance', 'acme', null, 'iaas', 'vm', 'vm-1', '1.0000', '2026-01-20T10:00:00Z', batch[0]),
    ]);
  });
});

function name(subject: string, ref: string, value: string, validFrom: string, source: Fields | undefined) {
  return {
    subject,
    ref,
    name: value,
    valid_from: validFrom,
    actor: 'ops@msp.example',
    change_key: source?.key,
  };
}

function element(
  kind: string,
  customer: string,
  user: string | null,
  service: string,
  product: string,
  ref: string,
  quantity: string,
  started: string,
  start: Fields | undefined,
) {
  return {
    kind,
    customer,
    user,
    service,
    product,
    ref,
    quantity,
    started,
    ended: null,
    start_key: start?.key,
    end_key: null,
  };
}
