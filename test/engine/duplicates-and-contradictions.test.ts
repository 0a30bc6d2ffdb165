import { beforeAll, describe, expect, it } from 'vitest';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "The change log": append-only. The same key sent twice is stored once. An entry that
// contradicts the state (removing what was never added, a user of an unknown customer) is rejected
// with a clear reason, and nothing of its batch is half-stored.
const tenantId = 'ingest';
const entry = (key: string, kind: string, occurredAt: string, fields: Record<string, unknown>) => ({
  key,
  kind,
  occurredAt,
  actor: 'ops@msp',
  customer: 'c1',
  ...fields,
});
const c1Created = entry('c1-created', 'customer.created', '2026-02-01T00:00:00Z', { name: 'Contoso' });
const u1Created = entry('u1-created', 'user.created', '2026-02-01T00:00:00Z', {
  user: 'u1',
  name: 'u1@contoso',
});
const u1Seat = entry('u1-seat', 'plan.changed', '2026-03-01T00:00:00Z', {
  user: 'u1',
  service: 'm365',
  plan: 'E3',
});

async function rowCounts() {
  const [counts] = await sql`
    select (select count(*)::int from change_log where tenant_id = ${tenantId}) as change_log,
           (select count(*)::int from customers where tenant_id = ${tenantId}) as customers,
           (select count(*)::int from users where tenant_id = ${tenantId}) as users,
           (select count(*)::int from elements where tenant_id = ${tenantId}) as elements`;
  return counts;
}
async function storedId(key: string): Promise<number> {
  const [row] =
    await sql`select id from change_log where tenant_id = ${tenantId} and idempotency_key = ${key}`;
  return row?.id;
}

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
});

describe('the same key sent twice is stored once', () => {
  it('reports a repeat within one batch as a duplicate of the row it stored', async () => {
    const result = await ingestChanges(sql, tenantId, [c1Created, { ...c1Created }]);
    const id = await storedId('c1-created');
    expect(result).toEqual({
      stored: [{ index: 0, key: 'c1-created', id }],
      duplicates: [{ index: 1, key: 'c1-created', id }],
      rejected: [],
    });
    expect(await rowCounts()).toEqual({ change_log: 1, customers: 1, users: 0, elements: 0 });
  });

  it('reports a resend in a later batch as a duplicate and stores only what is new', async () => {
    const result = await ingestChanges(sql, tenantId, [c1Created, u1Created]);
    expect(result).toEqual({
      stored: [{ index: 1, key: 'u1-created', id: await storedId('u1-created') }],
      duplicates: [{ index: 0, key: 'c1-created', id: await storedId('c1-created') }],
      rejected: [],
    });
    expect(await rowCounts()).toEqual({ change_log: 2, customers: 1, users: 1, elements: 0 });
  });

  it('bills a resent element once', async () => {
    expect((await ingestChanges(sql, tenantId, [u1Seat])).stored).toHaveLength(1);
    expect((await ingestChanges(sql, tenantId, [u1Seat])).duplicates).toHaveLength(1);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    // One seat, the whole of March: 31.00 x 31/31 = 31.00.
    expect(await itemLines(sql, march.periodId)).toEqual([
      'c1 | u1@contoso | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00',
    ]);
    expect(await rowCounts()).toEqual({ change_log: 3, customers: 1, users: 1, elements: 1 });
  });
});

describe('a contradictory entry is rejected with a clear reason, and nothing of its batch is stored', () => {
  it('rejects a key reused with different content', async () => {
    const renamed = { ...c1Created, name: 'Contoso Ltd' };
    const u2Created = entry('u2-created', 'user.created', '2026-03-02T00:00:00Z', {
      user: 'u2',
      name: 'u2@contoso',
    });
    const result = await ingestChanges(sql, tenantId, [u2Created, renamed]);
    const id = await storedId('c1-created');
    expect(result).toEqual({
      stored: [],
      duplicates: [],
      rejected: [
        {
          index: 1,
          key: 'c1-created',
          field: 'key',
          reason: `entry 1 (key 'c1-created'): key reused with different content (stored as change ${id})`,
        },
      ],
    });
    expect(await rowCounts()).toEqual({ change_log: 3, customers: 1, users: 1, elements: 1 });
  });

  it('rejects removing what was never added, and keeps the valid add of the same batch out', async () => {
    const vmAdded = entry('vm-1-added', 'instance.added', '2026-03-05T00:00:00Z', {
      service: 'iaas',
      product: 'd2s',
      instance: 'vm-1',
    });
    const vmRemoved = entry('vm-9-removed', 'instance.removed', '2026-03-06T00:00:00Z', {
      service: 'iaas',
      instance: 'vm-9',
    });
    const result = await ingestChanges(sql, tenantId, [vmAdded, vmRemoved]);
    expect(result).toEqual({
      stored: [],
      duplicates: [],
      rejected: [
        {
          index: 1,
          key: 'vm-9-removed',
          field: 'instance',
          reason: "entry 1 (key 'vm-9-removed'): instance 'vm-9' is not live (it was never added)",
        },
      ],
    });
    expect(await rowCounts()).toEqual({ change_log: 3, customers: 1, users: 1, elements: 1 });
  });

  it('rejects a user of an unknown customer', async () => {
    const ghostUser = entry('u9-created', 'user.created', '2026-03-05T00:00:00Z', {
      customer: 'ghost',
      user: 'u9',
      name: 'u9@ghost',
    });
    expect(await ingestChanges(sql, tenantId, [ghostUser])).toEqual({
      stored: [],
      duplicates: [],
      rejected: [
        {
          index: 0,
          key: 'u9-created',
          field: 'customer',
          reason: "entry 0 (key 'u9-created'): customer 'ghost' does not exist",
        },
      ],
    });
    expect(await rowCounts()).toEqual({ change_log: 3, customers: 1, users: 1, elements: 1 });
  });

  it('writes no customer, user or element of a batch that builds a customer and then contradicts', async () => {
    const batch = [
      entry('c2-created', 'customer.created', '2026-03-05T00:00:00Z', { customer: 'c2', name: 'Fabrikam' }),
      entry('u3-created', 'user.created', '2026-03-05T00:00:00Z', {
        customer: 'c2',
        user: 'u3',
        name: 'u3@fabrikam',
      }),
      entry('u3-seat', 'plan.changed', '2026-03-05T00:00:00Z', {
        customer: 'c2',
        user: 'u3',
        service: 'm365',
        plan: 'E3',
      }),
      c1Created,
      // u1's Visio plan was never taken: there is nothing to cancel.
      entry('u1-visio-off', 'plan.changed', '2026-03-06T00:00:00Z', {
        user: 'u1',
        service: 'visio',
        plan: null,
      }),
    ];
    expect(await ingestChanges(sql, tenantId, batch)).toEqual({
      stored: [],
      // Only an entry stored before has an id to report.
      duplicates: [{ index: 3, key: 'c1-created', id: await storedId('c1-created') }],
      rejected: [
        {
          index: 4,
          key: 'u1-visio-off',
          field: 'plan',
          reason:
            "entry 4 (key 'u1-visio-off'): there is no live plan of service 'visio' of user 'u1' to cancel (it was never added)",
        },
      ],
    });
    expect(await rowCounts()).toEqual({ change_log: 3, customers: 1, users: 1, elements: 1 });
    const [names] = await sql`select count(*)::int as n from name_history where tenant_id = ${tenantId}`;
    // Contoso and u1@contoso only.
    expect(names?.n).toBe(2);
  });

  it('stores the batch once the contradiction is taken out', async () => {
    const batch = [
      entry('c2-created', 'customer.created', '2026-03-05T00:00:00Z', { customer: 'c2', name: 'Fabrikam' }),
      entry('u3-created', 'user.created', '2026-03-05T00:00:00Z', {
        customer: 'c2',
        user: 'u3',
        name: 'u3@fabrikam',
      }),
    ];
    const result = await ingestChanges(sql, tenantId, batch);
    expect(result).toEqual({
      stored: [
        { index: 0, key: 'c2-created', id: await storedId('c2-created') },
        { index: 1, key: 'u3-created', id: await storedId('u3-created') },
      ],
      duplicates: [],
      rejected: [],
    });
    expect(await rowCounts()).toEqual({ change_log: 5, customers: 2, users: 2, elements: 1 });
  });
});
