import type postgres from 'postgres';

/** What the invariants read back from the database, with dates as text and instants as epoch ms. */

export interface PeriodRow {
  id: number;
  start: string;
  end: string;
  startsAt: number;
  endsAt: number;
  status: string;
  /** The newest change-log entry the period's last computation saw (periods.seen_through_change_id). */
  seenThrough: number;
}

export interface ItemRow {
  id: number;
  period_id: number;
  customer_id: number;
  invoice_to_id: number;
  user_id: number | null;
  element_id: number | null;
  change_id: number | null;
  kind: string;
  service: string;
  product: string;
  customer_name: string;
  user_name: string | null;
  sku_code: string | null;
  vendor: string | null;
  unmapped: boolean;
  active_from: string;
  active_to: string;
  days_active: number;
  period_days: number;
  quantity: string;
  unit_price: string;
  discount_percent: string;
  amount: string;
  billable: boolean;
  rule_id: number | null;
  carried_over: boolean;
  adjusts_period_id: number | null;
}

export interface ElementRow {
  id: number;
  kind: string;
  customer: string;
  user: string | null;
  ref: string;
  service: string;
  product: string;
  quantity: string;
  startedAt: number;
  endedAt: number | null;
  startKey: string;
  endKey: string | null;
  startChangeId: number;
  endChangeId: number | null;
}

export interface RuleRow {
  id: number;
  from: string | null;
  to: string | null;
  customerId: number | null;
  customerPattern: string | null;
  customerTag: string | null;
  userPattern: string | null;
  skuCode: string | null;
  vendor: string | null;
  service: string | null;
  elementKind: string | null;
}

export interface PeriodCustomerRow {
  customerId: number;
  parentId: number | null;
  invoiceToId: number;
  depth: number;
  ancestorIds: number[];
  name: string;
  tags: string[];
}

export interface RollupRow {
  level: 'customer' | 'invoice_to' | 'reseller';
  customerId: number;
  depth: number;
  itemCount: number;
  amount: string;
}

export interface ChangeRow {
  id: number;
  key: string;
  kind: string;
  latePeriodId: number | null;
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

export async function loadPeriods(sql: postgres.Sql, tenantId: string): Promise<PeriodRow[]> {
  return sql.unsafe<PeriodRow[]>(
    `select id, start_date::text as start, end_date::text as end, ${ms('starts_at')} as "startsAt",
       ${ms('ends_at')} as "endsAt", status::text as status,
       coalesce(seen_through_change_id, 0)::float8 as "seenThrough"
     from periods where tenant_id = $1 and superseded_at is null order by start_date`,
    [tenantId],
  );
}

/** Item columns in a fixed order, every value as text or number, for exact comparisons. */
export const ITEM_COLUMNS = `id, period_id, customer_id, invoice_to_id, user_id, element_id, change_id, kind::text as kind,
  service, product, customer_name, user_name, sku_code, vendor, unmapped, active_from::text as active_from,
  active_to::text as active_to, days_active, period_days, quantity::text as quantity, unit_price::text as unit_price,
  discount_percent::text as discount_percent, amount::text as amount, billable, rule_id, carried_over,
  adjusts_period_id`;

export async function loadItems(sql: postgres.Sql, tenantId: string): Promise<ItemRow[]> {
  return sql.unsafe<ItemRow[]>(
    `select ${ITEM_COLUMNS} from items where tenant_id = $1 order by period_id, id`,
    [tenantId],
  );
}

export async function loadElements(sql: postgres.Sql, tenantId: string): Promise<ElementRow[]> {
  return sql.unsafe<ElementRow[]>(
    `select e.id, e.kind::text as kind, c.ref as customer, u.ref as "user", e.ref, e.service, e.product,
       e.quantity::text as quantity, ${ms('e.started_at')} as "startedAt", ${ms('e.ended_at')} as "endedAt",
       s.idempotency_key as "startKey", x.idempotency_key as "endKey",
       e.start_change_id::float8 as "startChangeId", e.end_change_id::float8 as "endChangeId"
     from elements e
     join customers c on c.id = e.customer_id
     left join users u on u.id = e.user_id
     join change_log s on s.id = e.start_change_id
     left join change_log x on x.id = e.end_change_id
     where e.tenant_id = $1`,
    [tenantId],
  );
}

export async function loadRules(sql: postgres.Sql, tenantId: string): Promise<RuleRow[]> {
  return sql.unsafe<RuleRow[]>(
    `select id, from_date::text as "from", to_date::text as "to", customer_id as "customerId",
       customer_pattern as "customerPattern", customer_tag as "customerTag", user_pattern as "userPattern",
       sku_code as "skuCode", vendor, service, element_kind::text as "elementKind"
     from rules where tenant_id = $1 order by id`,
    [tenantId],
  );
}

export async function loadPeriodCustomers(sql: postgres.Sql, periodId: number): Promise<PeriodCustomerRow[]> {
  return sql.unsafe<PeriodCustomerRow[]>(
    `select customer_id as "customerId", parent_id as "parentId", invoice_to_id as "invoiceToId", depth,
       ancestor_ids::float8[] as "ancestorIds", name, tags
     from period_customers where period_id = $1`,
    [periodId],
  );
}

export async function loadRollups(sql: postgres.Sql, periodId: number): Promise<RollupRow[]> {
  return sql.unsafe<RollupRow[]>(
    `select level::text as level, customer_id as "customerId", depth, item_count as "itemCount",
       billable_amount::text as amount
     from rollups where period_id = $1 order by level, customer_id`,
    [periodId],
  );
}

export async function loadChanges(sql: postgres.Sql, tenantId: string): Promise<ChangeRow[]> {
  return sql.unsafe<ChangeRow[]>(
    `select id, idempotency_key as key, kind::text as kind, late_period_id as "latePeriodId"
     from change_log where tenant_id = $1`,
    [tenantId],
  );
}

export async function loadRefs(sql: postgres.Sql, tenantId: string) {
  const customers = await sql<{ id: number; ref: string }[]>`
    select id, ref from customers where tenant_id = ${tenantId}`;
  const users = await sql<
    { id: number; ref: string }[]
  >`select id, ref from users where tenant_id = ${tenantId}`;
  return {
    customerId: new Map(customers.map((c) => [c.ref, c.id])),
    customerRef: new Map(customers.map((c) => [c.id, c.ref])),
    userId: new Map(users.map((u) => [u.ref, u.id])),
    userRef: new Map(users.map((u) => [u.id, u.ref])),
  };
}
