import type postgres from 'postgres';
import type { Change } from './entry.js';
import type { CustomerState, ElementKind, UserState } from './ledger.js';

/**
 * What a replayed batch writes, and the writing: one set-based statement per table and purpose.
 * Rows this batch creates are inserted in their final state (a customer created and deleted in the
 * same batch is inserted deleted); stored rows are updated. Instants are the senders' strings.
 */

export interface NewCustomer {
  state: CustomerState;
  name: string;
  parent: CustomerState | null;
  relationship: 'direct' | 'via';
  resellerBilling: 'aggregate' | 'on_behalf';
  tags: string[];
  createdAt: string;
  deletedAt: string | null;
}

export interface NewUser {
  state: UserState;
  customer: CustomerState;
  name: string;
  createdAt: string;
  deletedAt: string | null;
}

/** A stored customer or user that the batch renames or deletes. */
export interface PartyUpdate {
  id: number;
  name: string | null;
  renamedAt: string | null;
  deletedAt: string | null;
}

export interface NameChange {
  subject: 'customer' | 'user';
  party: CustomerState | UserState;
  name: string;
  change: Change;
}

/** A `customer.updated` entry that replayed: its customer, and its new parent when it names one (null: none). */
export interface TreeChange {
  change: Change;
  customer: CustomerState;
  parent: CustomerState | null | undefined;
}

export interface NewElement {
  kind: ElementKind;
  customer: CustomerState;
  user: UserState | null;
  service: string;
  product: string;
  ref: string;
  quantity: string;
  start: Change;
  end: Change | null;
}

export interface EndedElement {
  id: number;
  end: Change;
}

export interface WritePlan {
  newCustomers: NewCustomer[];
  customerUpdates: PartyUpdate[];
  newUsers: NewUser[];
  userUpdates: PartyUpdate[];
  names: NameChange[];
  treeChanges: TreeChange[];
  newElements: NewElement[];
  endedElements: EndedElement[];
}

/**
 * Rows travel as one parameter, a JSON array of positional arrays: parsed once into jsonb, each field
 * is then a cheap positional lookup (json_to_recordset and unnest of text arrays measured slower).
 */
const ROWS = 'jsonb_array_elements($2::text::jsonb) as r(x)';

// Columns come out of the payload itself, which the entry's validation vouches for.
// An entry inside an approved period is late: it points at that period so the billing engine bills it
// as an adjustment of the next open one. Entries after the last approved period skip the lookup.
const INSERT_CHANGES = `
  with approved as materialized (
    select id, starts_at, ends_at from periods
    where tenant_id = $1 and status in ('approved', 'exported') and superseded_at is null
  ), entry as (
    select x->0 as payload, x->>1 as payload_hash, (x->0->>'occurredAt')::timestamptz as occurred_at
    from ${ROWS}
  )
  insert into change_log (tenant_id, idempotency_key, kind, occurred_at, actor, customer_ref, user_ref,
    payload, payload_hash, late_period_id)
  select $1, e.payload->>'key', (e.payload->>'kind')::change_kind, e.occurred_at, e.payload->>'actor',
    e.payload->>'customer', e.payload->>'user', e.payload, e.payload_hash,
    case when e.occurred_at < (select max(ends_at) from approved) then (
      select a.id from approved a where a.starts_at <= e.occurred_at and e.occurred_at < a.ends_at limit 1)
    end
  from entry e
  returning id::float8 as id, idempotency_key as key`;

// One statement even for a tree: with its id reserved, a child names its parent, and the parent
// foreign key is checked at the end of the statement, when both rows are in.
const INSERT_CUSTOMERS = `
  insert into customers (id, tenant_id, ref, name, parent_id, relationship, reseller_billing, tags,
    created_at, deleted_at)
  overriding system value
  select (x->>0)::int8, $1, x->>1, x->>2, (x->>3)::int8, (x->>4)::billing_relationship,
    (x->>5)::reseller_billing, array(select jsonb_array_elements_text(x->6)), (x->>7)::timestamptz,
    (x->>8)::timestamptz
  from ${ROWS}`;

const INSERT_USERS = `
  insert into users (id, tenant_id, customer_id, ref, name, created_at, deleted_at)
  overriding system value
  select (x->>0)::int8, $1, (x->>1)::int8, x->>2, x->>3, (x->>4)::timestamptz, (x->>5)::timestamptz
  from ${ROWS}`;

// A late rename (one older than a name already recorded) is history only: the current name stays.
const UPDATE_PARTIES = (table: 'customers' | 'users', subject: 'customer' | 'user') => `
  update ${table} t set
    name = case when u.name is not null and not exists (
        select 1 from name_history h
        where h.tenant_id = $1 and h.subject = '${subject}' and h.subject_id = t.id and h.valid_from > u.renamed_at)
      then u.name else t.name end,
    deleted_at = coalesce(u.deleted_at, t.deleted_at)
  from (
    select (x->>0)::int8 as id, x->>1 as name, (x->>2)::timestamptz as renamed_at, (x->>3)::timestamptz as deleted_at
    from ${ROWS}
  ) u
  where t.tenant_id = $1 and t.id = u.id`;
const UPDATE_CUSTOMERS = UPDATE_PARTIES('customers', 'customer');
const UPDATE_USERS = UPDATE_PARTIES('users', 'user');

const INSERT_NAMES = `
  insert into name_history (tenant_id, subject, subject_id, name, valid_from, actor, change_id)
  select $1, (x->>0)::name_subject, (x->>1)::int8, x->>2, (x->>3)::timestamptz, x->>4, (x->>5)::int8
  from ${ROWS}`;

const INSERT_ELEMENTS = `
  insert into elements (tenant_id, kind, customer_id, user_id, service, product, ref, quantity, started_at,
    ended_at, start_change_id, end_change_id)
  select $1, (x->>0)::element_kind, (x->>1)::int8, (x->>2)::int8, x->>3, x->>4, x->>5, (x->>6)::numeric,
    (x->>7)::timestamptz, (x->>8)::timestamptz, (x->>9)::int8, (x->>10)::int8
  from ${ROWS}`;

// Each element is found by a lateral probe of its primary key (fenced with `offset 0`): with the
// tenant's filter on the updated table itself, the planner hashed every live element of a tenant
// whose elements were never analyzed (see load-ledger.ts).
const END_ELEMENTS = `
  update elements e set ended_at = t.ended_at, end_change_id = t.end_change_id
  from (
    select (x->>0)::int8 as id, (x->>1)::timestamptz as ended_at, (x->>2)::int8 as end_change_id from ${ROWS}
  ) t
  cross join lateral (
    select id from elements where tenant_id = $1 and id = t.id and end_change_id is null offset 0) live
  where e.id = live.id`;

/**
 * Reserves ids from the identity sequences of the customers and users the batch may create, so a
 * child can name its parent in one insert and every later statement can be built before any runs.
 * Unused ids are gaps. (Change-log ids come back from the insert: reserving ten thousand costs more.)
 */
const RESERVE_IDS = `
  with sequence as (
    select pg_get_serial_sequence('customers', 'id')::regclass as customers,
      pg_get_serial_sequence('users', 'id')::regclass as users
  )
  select array(select nextval(s.customers)::float8 from generate_series(1, $1)) as customers,
    array(select nextval(s.users)::float8 from generate_series(1, $2)) as users
  from sequence s`;

export interface ReservedIds {
  customers: number[];
  users: number[];
}

export function reserveIds(
  sql: postgres.TransactionSql,
  counts: { customers: number; users: number },
): Promise<ReservedIds> {
  if (counts.customers + counts.users === 0) return Promise.resolve({ customers: [], users: [] });
  const query = sql.unsafe<ReservedIds[]>(RESERVE_IDS, [counts.customers, counts.users]);
  return query.then(([reserved]) => {
    if (reserved === undefined) throw new Error('no ids reserved');
    return reserved;
  });
}

/**
 * Appends the batch's entries to the change log and sets each change's id. The statement is sent at
 * once, so the caller can replay the batch while PostgreSQL inserts.
 */
export function insertChanges(
  sql: postgres.TransactionSql,
  tenantId: string,
  changes: Change[],
): Promise<void> {
  // The payloads are already canonical JSON text: spliced in, never stringified twice.
  const rows = `[${changes.map(({ payload, hash }) => `[${payload},"${hash}"]`).join(',')}]`;
  const query = sql.unsafe<{ id: number; key: string }[]>(INSERT_CHANGES, [tenantId, rows]).execute();
  return query.then((inserted) => {
    const byKey = new Map(changes.map((change) => [change.entry.key, change]));
    for (const row of inserted) {
      const change = byKey.get(row.key);
      if (change === undefined) throw new Error(`the change log returned an unknown key '${row.key}'`);
      change.id = row.id;
    }
  });
}

/**
 * Writes what a replayed batch implies, after its entries: every statement is built up front and
 * pipelined, in the order the constraints need (stored names are compared before this batch's names
 * are added; live elements end before their identity starts again).
 */
export async function writePlan(
  sql: postgres.TransactionSql,
  tenantId: string,
  plan: WritePlan,
  ids: ReservedIds,
): Promise<void> {
  plan.newCustomers.forEach((c, i) => {
    c.state.id = take(ids.customers, i);
  });
  plan.newUsers.forEach((u, i) => {
    u.state.id = take(ids.users, i);
  });
  const statements: [string, unknown[]][] = [];
  const add = (statement: string, rows: unknown[]) => {
    if (rows.length > 0) statements.push([statement, rows]);
  };
  add(
    INSERT_CUSTOMERS,
    plan.newCustomers.map((c) => [
      c.state.id,
      c.state.ref,
      c.name,
      c.parent === null ? null : idOf(c.parent),
      c.relationship,
      c.resellerBilling,
      c.tags,
      c.createdAt,
      c.deletedAt,
    ]),
  );
  add(
    INSERT_USERS,
    plan.newUsers.map((u) => [u.state.id, idOf(u.customer), u.state.ref, u.name, u.createdAt, u.deletedAt]),
  );
  const partyRow = (u: PartyUpdate) => [u.id, u.name, u.renamedAt, u.deletedAt];
  add(UPDATE_CUSTOMERS, plan.customerUpdates.map(partyRow));
  add(UPDATE_USERS, plan.userUpdates.map(partyRow));
  add(
    INSERT_NAMES,
    plan.names.map(({ subject, party, name, change }) => [
      subject,
      idOf(party),
      name,
      change.entry.occurredAt,
      change.entry.actor,
      idOf(change),
    ]),
  );
  add(
    END_ELEMENTS,
    plan.endedElements.map(({ id, end }) => [id, end.entry.occurredAt, idOf(end)]),
  );
  add(
    INSERT_ELEMENTS,
    plan.newElements.map((e) => [
      e.kind,
      idOf(e.customer),
      e.user === null ? null : idOf(e.user),
      e.service,
      e.product,
      e.ref,
      e.quantity,
      e.start.entry.occurredAt,
      e.end?.entry.occurredAt ?? null,
      idOf(e.start),
      e.end === null ? null : idOf(e.end),
    ]),
  );
  const results = await Promise.all(
    statements.map(([statement, rows]) => sql.unsafe(statement, [tenantId, JSON.stringify(rows)]).execute()),
  );
  const ended = statements.findIndex(([statement]) => statement === END_ELEMENTS);
  // The advisory lock serialises ingestion; a live element ended elsewhere meanwhile would be a bug.
  if (ended >= 0 && results[ended]?.count !== plan.endedElements.length) {
    throw new Error('an element to end was no longer live');
  }
}

function take(ids: number[], index: number): number {
  const id = ids[index];
  if (id === undefined) throw new Error('fewer ids reserved than rows to insert');
  return id;
}

function idOf(row: { id: number | null }): number {
  if (row.id === null) throw new Error('a row points at a row without an id');
  return row.id;
}
