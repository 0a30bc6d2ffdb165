import { describe, expect, it } from 'vitest';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { freshDatabase } from '../support/database.js';

const database = await freshDatabase();
const { sql } = database;

let tenantCount = 0;
async function newTenant(): Promise<string> {
  tenantCount += 1;
  const id = `tree-${tenantCount}`;
  await sql`insert into tenants (id, name, currency, time_zone) values (${id}, 'MSP', 'EUR', 'UTC')`;
  return id;
}

let keyCount = 0;
type Fields = Record<string, unknown>;
function entry(kind: string, occurredAt: string, customer: string, fields: Fields = {}): Fields {
  keyCount += 1;
  return { key: `key-${keyCount}`, kind, occurredAt, actor: 'ops@msp', customer, ...fields };
}
const created = (customer: string, fields: Fields = {}) =>
  entry('customer.created', '2026-01-01T00:00:00Z', customer, { name: customer.toUpperCase(), ...fields });
const updated = (occurredAt: string, customer: string, fields: Fields) =>
  entry('customer.updated', occurredAt, customer, fields);

/** a (aggregate) -> b (via a) -> c (via b); d on its own. */
async function tree(): Promise<string> {
  const tenant = await newTenant();
  const result = await ingestChanges(sql, tenant, [
    created('a'),
    created('b', { parent: 'a', relationship: 'via' }),
    created('c', { parent: 'b', relationship: 'via' }),
    created('d', { tags: ['test'] }),
  ]);
  expect(result.rejected).toEqual([]);
  return tenant;
}

async function historyOf(tenant: string) {
  return sql`
    select c.ref, to_char(h.valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as from,
           p.ref as parent, h.relationship, h.reseller_billing, h.tags, h.actor, l.idempotency_key as key
    from customer_tree h join customers c on c.id = h.customer_id
    left join customers p on p.id = h.parent_id left join change_log l on l.id = h.change_id
    where h.tenant_id = ${tenant} order by c.ref, h.valid_from, h.id`;
}

const reasons = (result: Awaited<ReturnType<typeof ingestChanges>>) =>
  result.rejected.map(({ field, reason }) => ({ field, reason }));

describe('customer.updated', () => {
  it('keeps the tree through time and mirrors the newest state on the customer', async () => {
    const tenant = await tree();
    const move = updated('2026-03-01T00:00:00Z', 'c', { parent: 'd', tags: ['gold', 'gold'] });
    const billing = updated('2026-02-01T00:00:00Z', 'd', { resellerBilling: 'on_behalf' });
    const result = await ingestChanges(sql, tenant, [move, billing]);
    expect(result.rejected).toEqual([]);
    expect(result.stored.map((s) => s.key)).toEqual([move.key, billing.key]);
    expect(await historyOf(tenant)).toEqual([
      {
        ref: 'c',
        from: '2026-01-01T00:00:00Z',
        parent: 'b',
        relationship: 'via',
        reseller_billing: 'aggregate',
        tags: [],
        actor: 'ops@msp',
        key: null,
      },
      {
        ref: 'c',
        from: '2026-03-01T00:00:00Z',
        parent: 'd',
        relationship: 'via',
        reseller_billing: 'aggregate',
        tags: ['gold'],
        actor: 'ops@msp',
        key: move.key,
      },
      {
        ref: 'd',
        from: '2026-01-01T00:00:00Z',
        parent: null,
        relationship: 'direct',
        reseller_billing: 'aggregate',
        tags: ['test'],
        actor: 'ops@msp',
        key: null,
      },
      {
        ref: 'd',
        from: '2026-02-01T00:00:00Z',
        parent: null,
        relationship: 'direct',
        reseller_billing: 'on_behalf',
        tags: ['test'],
        actor: 'ops@msp',
        key: billing.key,
      },
    ]);
    const customers = await sql`
      select c.ref, p.ref as parent, c.reseller_billing, c.tags from customers c
      left join customers p on p.id = c.parent_id where c.tenant_id = ${tenant} and c.ref in ('c', 'd') order by c.ref`;
    expect(customers).toEqual([
      { ref: 'c', parent: 'd', reseller_billing: 'aggregate', tags: ['gold'] },
      { ref: 'd', parent: null, reseller_billing: 'on_behalf', tags: ['test'] },
    ]);

    // The same key again is stored once; the same key with other content is refused.
    const again = await ingestChanges(sql, tenant, [move]);
    expect(again.duplicates).toEqual([{ index: 0, key: move.key, id: result.stored[0]?.id }]);
    const changed = await ingestChanges(sql, tenant, [{ ...move, tags: ['silver'] }]);
    expect(reasons(changed)).toEqual([
      {
        field: 'key',
        reason: `entry 0 (key '${move.key}'): key reused with different content (stored as change ${result.stored[0]?.id})`,
      },
    ]);
    expect(await historyOf(tenant)).toHaveLength(4);
  });

  it('refuses malformed entries with the field and the reason', async () => {
    const tenant = await tree();
    const entries = [
      updated('2026-02-01T00:00:00Z', 'c', {}),
      updated('2026-02-01T00:00:00Z', 'c', { parent: null, relationship: 'via' }),
      updated('2026-02-01T00:00:00Z', 'c', { parent: 'c' }),
      updated('2026-02-01T00:00:00Z', 'c', { name: 'C2' }),
      updated('2026-02-01T00:00:00Z', 'c', { resellerBilling: 'both' }),
    ];
    const result = await ingestChanges(sql, tenant, entries);
    expect(reasons(result)).toEqual([
      {
        field: 'kind',
        reason: `entry 0 (key '${entries[0]?.key}'): 'kind' customer.updated must set at least one of parent, relationship, resellerBilling, tags`,
      },
      {
        field: 'parent',
        reason: `entry 1 (key '${entries[1]?.key}'): 'parent' must not be null when relationship is 'via'`,
      },
      {
        field: 'parent',
        reason: `entry 2 (key '${entries[2]?.key}'): 'parent' must not be the customer itself`,
      },
      {
        field: 'name',
        reason: `entry 3 (key '${entries[3]?.key}'): unknown field 'name' (allowed fields depend on kind); 'kind' customer.updated must set at least one of parent, relationship, resellerBilling, tags`,
      },
      {
        field: 'resellerBilling',
        reason: `entry 4 (key '${entries[4]?.key}'): 'resellerBilling' must be one of 'aggregate', 'on_behalf', got "both"`,
      },
    ]);
  });

  it('refuses cycles, a via without a parent, and parents unknown, deleted or not yet created', async () => {
    const tenant = await tree();
    await ingestChanges(sql, tenant, [
      created('late', {}),
      entry('customer.deleted', '2026-01-15T00:00:00Z', 'd'),
    ]);
    const judge = async (fields: Fields, occurredAt = '2026-02-01T00:00:00Z', customer = 'a') => {
      const one = updated(occurredAt, customer, fields);
      const result = await ingestChanges(sql, tenant, [one]);
      expect(result.stored).toEqual([]);
      return reasons(result).map(({ field, reason }) => ({
        field,
        reason: reason.replace(`entry 0 (key '${one.key}'): `, ''),
      }));
    };
    expect(await judge({ parent: 'c' })).toEqual([
      {
        field: 'parent',
        reason: "would make customer 'a' its own ancestor (a -> c -> b -> a) at 2026-02-01T00:00:00.000Z",
      },
    ]);
    expect(await judge({ relationship: 'via' })).toEqual([
      { field: 'relationship', reason: "customer 'a' would be billed 'via' a parent but has none" },
    ]);
    expect(await judge({ parent: null }, '2026-02-01T00:00:00Z', 'b')).toEqual([
      { field: 'parent', reason: "customer 'b' would be billed 'via' a parent but has none" },
    ]);
    expect(await judge({ parent: 'nobody' })).toEqual([
      { field: 'parent', reason: "parent customer 'nobody' does not exist" },
    ]);
    expect(await judge({ parent: 'd' })).toEqual([
      { field: 'parent', reason: "parent customer 'd' is deleted (at 2026-01-15T00:00:00.000Z)" },
    ]);
    expect(await judge({ tags: ['x'] }, '2026-02-01T00:00:00Z', 'd')).toEqual([
      { field: 'customer', reason: "customer 'd' is deleted (at 2026-01-15T00:00:00.000Z)" },
    ]);
    expect(await judge({ parent: 'a' }, '2025-12-01T00:00:00Z', 'late')).toEqual([
      {
        field: 'customer',
        reason: "customer 'late' is created at 2026-01-01T00:00:00.000Z, after this entry",
      },
    ]);
    expect(await historyOf(tenant)).toEqual([]);
  });

  it('judges a backdated move at every instant it holds, and moves within one batch in time order', async () => {
    const tenant = await tree();
    // In March b moves under d2; a backdated February move of d2 under c would then close a -> b -> d2 -> c -> b.
    expect(
      (
        await ingestChanges(sql, tenant, [
          created('d2'),
          updated('2026-03-01T00:00:00Z', 'b', { parent: 'd2' }),
        ])
      ).rejected,
    ).toEqual([]);
    const backdated = updated('2026-02-01T00:00:00Z', 'd2', { parent: 'c' });
    const result = await ingestChanges(sql, tenant, [backdated]);
    expect(reasons(result)).toEqual([
      {
        field: 'parent',
        reason: `entry 0 (key '${backdated.key}'): would make customer 'd2' its own ancestor (d2 -> c -> b -> d2) at 2026-03-01T00:00:00.000Z`,
      },
    ]);
    // Within a batch: c leaves b first, so b may then go under c.
    const swap = await ingestChanges(sql, tenant, [
      updated('2026-04-02T00:00:00Z', 'b', { parent: 'c' }),
      updated('2026-04-01T00:00:00Z', 'c', { parent: 'a' }),
    ]);
    expect(swap.rejected).toEqual([]);
    const [b] = await sql`
      select p.ref as parent from customers c join customers p on p.id = c.parent_id
      where c.tenant_id = ${tenant} and c.ref = 'b'`;
    expect(b).toEqual({ parent: 'c' });
  });
});
