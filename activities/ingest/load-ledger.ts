import type postgres from 'postgres';
import { type Change, elementOf, userOf } from './entry.js';
import {
  type CustomerState,
  type ElementKind,
  type ElementState,
  identityKey,
  type Ledger,
  newCustomerState,
  track,
  type UserState,
} from './ledger.js';

/**
 * Loads the ledger a batch is replayed against: by the refs the batch mentions, in a few set-based
 * queries. Instants come back as microseconds since the epoch (float8 holds them exactly).
 */

const micros = (column: string) => `(extract(epoch from ${column}) * 1000000)::float8`;
const ELEMENT_COLUMNS = `e.id::float8 as id, e.kind, e.customer_id::float8 as customer_id,
  e.user_id::float8 as user_id, e.ref, e.service, ${micros('e.started_at')} as started_at,
  ${micros('e.ended_at')} as ended_at`;

/**
 * Every probe below is a lateral subquery per wanted key, fenced with `offset 0` so it stays one
 * index lookup each. A tenant's bulk import outruns autovacuum: with tables never analyzed, the
 * planner took `tenant_id = $1` to match a handful of rows and hashed a tenant's whole elements or
 * change log (200,000 rows read per batch of 10,000, measured) instead of probing by key.
 */

/**
 * The elements of every identity the batch names that are live or ended after `$6`, and every live
 * element of the customers and users it deletes. Customer-level and user-level identities are probed
 * apart so each probe is an index scan on elements_live_identity.
 */
const ELEMENTS_SQL = `
  with wanted as (
    select * from unnest($2::text[]::element_kind[], $3::int8[], $4::int8[], $5::text[])
      as w(kind, customer_id, user_id, ref)
  )
  select e.* from wanted w cross join lateral (
    select ${ELEMENT_COLUMNS} from elements e
    where e.tenant_id = $1 and e.kind = w.kind and e.customer_id = w.customer_id and e.user_id is null
      and e.ref = w.ref and (e.end_change_id is null or e.ended_at > $6::text::timestamptz)
    offset 0) e
  where w.user_id is null
  union all
  select e.* from wanted w cross join lateral (
    select ${ELEMENT_COLUMNS} from elements e
    where e.tenant_id = $1 and e.kind = w.kind and e.customer_id = w.customer_id and e.user_id = w.user_id
      and e.ref = w.ref and (e.end_change_id is null or e.ended_at > $6::text::timestamptz)
    offset 0) e
  where w.user_id is not null
  union all
  select e.* from unnest($7::int8[]) as d(customer_id) cross join lateral (
    select ${ELEMENT_COLUMNS} from elements e
    where e.tenant_id = $1 and e.customer_id = d.customer_id and e.end_change_id is null
    offset 0) e
  union all
  select e.* from unnest($8::int8[], $9::int8[]) as d(customer_id, user_id) cross join lateral (
    select ${ELEMENT_COLUMNS} from elements e
    where e.tenant_id = $1 and e.kind = any('{plan,instance,application}'::element_kind[])
      and e.customer_id = d.customer_id and e.user_id = d.user_id and e.end_change_id is null
    offset 0) e`;

// The tenant, and the instant of its latest stored change.
const TENANT_SQL = `
  select (select ${micros('max(occurred_at)')} from change_log where tenant_id = $1) as latest
  from tenants where id = $1`;

const KEYS_SQL = `
  select k.key, c.hash, c.id from unnest($2::text[]) as k(key) cross join lateral (
    select payload_hash as hash, id::float8 as id from change_log
    where tenant_id = $1 and idempotency_key = k.key offset 0) c`;

const CUSTOMERS_SQL = `
  select c.* from unnest($2::text[]) as r(ref) cross join lateral (
    select id::float8 as id, ref, ${micros('created_at')} as created_at, ${micros('deleted_at')} as deleted_at
    from customers where tenant_id = $1 and ref = r.ref offset 0) c`;

// Users the batch names, and every user of a customer it deletes (deleting a customer deletes them).
const USERS_SQL = `
  with named as (
    select u.* from unnest($2::text[]) as r(ref) cross join lateral (
      select id, ref, customer_id, created_at, deleted_at from users
      where tenant_id = $1 and ref = r.ref offset 0) u
    union
    select u.* from unnest($3::text[]) as d(ref)
    cross join lateral (select id from customers where tenant_id = $1 and ref = d.ref offset 0) c
    cross join lateral (
      select id, ref, customer_id, created_at, deleted_at from users
      where tenant_id = $1 and customer_id = c.id offset 0) u
  )
  select n.id::float8 as id, n.ref, c.ref as customer_ref, ${micros('n.created_at')} as created_at,
    ${micros('n.deleted_at')} as deleted_at
  from named n cross join lateral (
    select ref from customers where tenant_id = $1 and id = n.customer_id offset 0) c`;

interface ElementRow {
  id: number;
  kind: ElementKind;
  customer_id: number;
  user_id: number | null;
  ref: string;
  service: string;
  started_at: number;
  ended_at: number | null;
}

interface PartyRow {
  id: number;
  ref: string;
  customer_ref: string;
  created_at: number;
  deleted_at: number | null;
}

/**
 * Loads the customers and users the batch names (with every user of a customer it deletes), the
 * stored rows of `keys`, and the instant of the tenant's latest stored change: independent reads that
 * postgres.js pipelines on the transaction's connection.
 */
export async function loadParties(
  sql: postgres.TransactionSql,
  tenantId: string,
  keys: string[],
  changes: Change[],
): Promise<Ledger> {
  const customerRefs = new Set<string>();
  const userRefs = new Set<string>();
  const deletedCustomers: string[] = [];
  for (const { entry } of changes) {
    customerRefs.add(entry.customer);
    if (entry.kind === 'customer.created' && entry.parent !== undefined) customerRefs.add(entry.parent);
    if (entry.kind === 'customer.updated' && typeof entry.parent === 'string') customerRefs.add(entry.parent);
    if (entry.kind === 'customer.deleted') deletedCustomers.push(entry.customer);
    const user = userOf(entry);
    if (user !== null) userRefs.add(user);
  }
  const [tenantRows, keyRows, customerRows, userRows] = await Promise.all([
    sql.unsafe<{ latest: number | null }[]>(TENANT_SQL, [tenantId]),
    sql.unsafe<{ key: string; hash: string; id: number }[]>(KEYS_SQL, [tenantId, keys]),
    sql.unsafe<Omit<PartyRow, 'customer_ref'>[]>(CUSTOMERS_SQL, [tenantId, [...customerRefs]]),
    sql.unsafe<PartyRow[]>(USERS_SQL, [tenantId, [...userRefs], deletedCustomers]),
  ]);

  const ledger: Ledger = {
    tenantKnown: tenantRows.length > 0,
    latestChange: tenantRows[0]?.latest ?? Number.NEGATIVE_INFINITY,
    storedKeys: new Map(),
    customers: new Map(),
    users: new Map(),
    identities: new Map(),
  };
  for (const row of keyRows) ledger.storedKeys.set(row.key, { id: row.id, hash: row.hash });
  for (const row of customerRows) {
    const customer = newCustomerState(row.ref, {
      id: row.id,
      createdAt: row.created_at,
      deletedAt: row.deleted_at,
    });
    ledger.customers.set(row.ref, customer);
  }
  for (const row of userRows) {
    const user: UserState = {
      ref: row.ref,
      id: row.id,
      customerRef: row.customer_ref,
      createdAt: row.created_at,
      deletedAt: row.deleted_at,
      live: null,
      created: null,
      update: null,
    };
    ledger.users.set(row.ref, user);
    const customer = ledger.customers.get(row.customer_ref);
    if (customer !== undefined) customer.users = track(customer.users, user);
  }
  return ledger;
}

/**
 * Loads into the ledger the stored elements the batch can touch: every live element of what it
 * deletes, and the elements of the identities it names that are live or ended after the batch's
 * earliest instant (older history cannot contradict it). An add only needs its identity probed when
 * it is older than the latest stored change (a stored element may have ended after it); a newer add
 * of an identity that is live after all is caught by elements_live_identity at insert.
 *
 * `thorough` is the slow path for a batch that is rejected or hit that index: every identity is
 * probed, with all its history, so each reason can say exactly what the entry contradicts.
 * The query is sent at once, so the caller can queue the next statement behind it.
 */
export function loadElements(
  sql: postgres.TransactionSql,
  tenantId: string,
  ledger: Ledger,
  changes: Change[],
  thorough: boolean,
): Promise<void> {
  const wanted = new Map<string, [ElementKind, number, number | null, string]>();
  const deletedCustomers: number[] = [];
  const deletedUsers: number[] = [];
  const deletedUserCustomers: number[] = [];
  let earliest = '';
  let earliestAt = Number.POSITIVE_INFINITY;
  for (const { entry, at } of changes) {
    if (at < earliestAt) {
      earliestAt = at;
      earliest = entry.occurredAt;
    }
    const customer = ledger.customers.get(entry.customer);
    // Only stored customers and users can hold stored elements.
    if (customer?.id == null) continue;
    if (entry.kind === 'customer.deleted') deletedCustomers.push(customer.id);
    const userRef = userOf(entry);
    const user = userRef === null ? null : ledger.users.get(userRef);
    if (user === undefined || (user !== null && user.id === null)) continue;
    if (entry.kind === 'user.deleted' && user !== null && user.id !== null) {
      deletedUsers.push(user.id);
      deletedUserCustomers.push(customer.id);
    }
    const element = elementOf(entry);
    if (element === null) continue;
    if (!thorough && entry.kind.endsWith('.added') && at >= ledger.latestChange) continue;
    const key = identityKey(element.kind, entry.customer, userRef, element.ref);
    if (!wanted.has(key)) wanted.set(key, [element.kind, customer.id, user?.id ?? null, element.ref]);
  }
  if (wanted.size + deletedCustomers.length + deletedUsers.length === 0) return Promise.resolve();

  const identities = [...wanted.values()];
  const query = sql
    .unsafe<ElementRow[]>(ELEMENTS_SQL, [
      tenantId,
      identities.map((w) => w[0]),
      identities.map((w) => w[1]),
      identities.map((w) => w[2]),
      identities.map((w) => w[3]),
      thorough ? '-infinity' : earliest,
      deletedCustomers,
      deletedUserCustomers,
      deletedUsers,
    ])
    .execute();
  return query.then((rows) => addElements(ledger, rows));
}

function addElements(ledger: Ledger, rows: ElementRow[]) {
  const customerById = new Map<number, CustomerState>();
  const userById = new Map<number, UserState>();
  for (const customer of ledger.customers.values())
    if (customer.id !== null) customerById.set(customer.id, customer);
  for (const user of ledger.users.values()) if (user.id !== null) userById.set(user.id, user);
  const seen = new Set<number>();
  for (const row of rows) {
    const customer = customerById.get(row.customer_id);
    const user = row.user_id === null ? null : userById.get(row.user_id);
    if (seen.has(row.id) || customer === undefined || user === undefined) continue;
    seen.add(row.id);
    const identity = identityKey(row.kind, customer.ref, user?.ref ?? null, row.ref);
    const state = ledger.identities.get(identity) ?? { live: null, lastEndedAt: null };
    ledger.identities.set(identity, state);
    if (row.ended_at !== null) {
      state.lastEndedAt = Math.max(state.lastEndedAt ?? row.ended_at, row.ended_at);
      continue;
    }
    const element: ElementState = {
      id: row.id,
      row: null,
      kind: row.kind,
      customer,
      user,
      ref: row.ref,
      service: row.service,
      startedAt: row.started_at,
    };
    state.live = element;
    customer.live = track(customer.live, element);
    if (user !== null) user.live = track(user.live, element);
  }
}
