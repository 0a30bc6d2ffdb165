import type postgres from 'postgres';
import type { Shard } from './period-context.js';

/** SQL pieces shared by the stages, so each is written once. */
type Sql = postgres.Sql | postgres.TransactionSql;

/** `period as (...)`: the period row with its zone and length, for the CTEs of every stage. */
export function periodCte(sql: Sql, periodId: number) {
  return sql`period as (
    select p.id, p.tenant_id, p.start_date, p.end_date, p.starts_at, p.ends_at,
           p.end_date - p.start_date + 1 as period_days, t.time_zone, t.currency_minor_units as minor_units
    from periods p join tenants t on t.id = p.tenant_id where p.id = ${periodId}
  )`;
}

/**
 * `approved as (...)`: the approved, current revisions before the period whose late entries this
 * period bills. Only the first period after an approved one that is not approved bills its late
 * entries, so two open periods never adjust the same entry. A period not opened yet counts as not
 * approved: every day between A and this period must lie in an approved period, else a later
 * opened period in between (a preview of March before February is opened) would adjust A too.
 */
export function approvedBeforeCte(sql: Sql) {
  return sql`approved as (
    select a.id, a.start_date, a.end_date, a.starts_at, a.ends_at, a.end_date - a.start_date + 1 as period_days,
           coalesce(a.seen_through_change_id, 0) as seen_through
    from periods a, period
    where a.tenant_id = period.tenant_id and a.status in ('approved', 'exported') and a.superseded_at is null
      and a.start_date < period.start_date
      and (a.end_date + 1 = period.start_date or datemultirange(daterange(a.end_date + 1, period.start_date)) <@ (
        select coalesce(range_agg(daterange(q.start_date, q.end_date + 1)), '{}')
        from periods q
        where q.tenant_id = a.tenant_id and q.superseded_at is null and q.status in ('approved', 'exported')
          and q.start_date > a.start_date and q.start_date < period.start_date))
  )`;
}

/** `shard_customers as (...)`: the period's customers whose invoice-to customer is in the shard. */
export function shardCustomersCte(sql: Sql, shard: Shard) {
  return sql`shard_customers as (
    select pc.* from period_customers pc, period
    where pc.period_id = period.id and pc.invoice_to_id between ${shard.from} and ${shard.to}
  )`;
}

/**
 * `user_names as (...)`: the names of the shard's users as they stood at the period's end, the
 * period's snapshot (billing.md), so a later rename never changes a reprocessed period's items.
 */
export function userNamesCte(sql: Sql) {
  return sql`user_names as (
    select distinct on (h.subject_id) h.subject_id as user_id, h.name
    from name_history h
    join users u on u.id = h.subject_id and u.tenant_id = h.tenant_id
    join shard_customers sc on sc.customer_id = u.customer_id, period
    where h.tenant_id = period.tenant_id and h.subject = 'user' and h.valid_from < period.ends_at
    order by h.subject_id, h.valid_from desc
  )`;
}

/**
 * `un`: the name of the user `userId` (an SQL expression) as it stood at the period's end, looked up
 * through name_history's index one row at a time: for statements over few rows (usage,
 * adjustments), where computing userNamesCte for the whole shard would cost more.
 */
export function userNameAtEnd(sql: Sql, userId: string) {
  return sql`left join lateral (
    select h.name from name_history h
    where h.tenant_id = period.tenant_id and h.subject = 'user' and h.subject_id = ${sql.unsafe(userId)}
      and h.valid_from < period.ends_at
    order by h.valid_from desc limit 1
  ) un on true`;
}

/**
 * The SKU of an element or usage row `alias` (with kind, service, product): the mapping naming its
 * product wins over the service's catch-all mapping (product null). Two hash joins, not a lookup a row.
 */
export function skuJoin(sql: Sql, alias: string) {
  const row = sql(alias);
  return sql`
    left join sku_mappings exact on exact.tenant_id = period.tenant_id and exact.kind = ${row}.kind
      and exact.service = ${row}.service and exact.product = ${row}.product
    left join sku_mappings catch_all on catch_all.tenant_id = period.tenant_id and catch_all.kind = ${row}.kind
      and catch_all.service = ${row}.service and catch_all.product is null
    left join skus sku on sku.tenant_id = period.tenant_id
      and sku.code = coalesce(exact.sku_code, catch_all.sku_code)`;
}

/** A rule's glob (`Demo*`, `*.test@*`) as an ILIKE pattern: `*` any run, `?` one character. */
export function likeFromGlob(sql: Sql, column: string) {
  const glob = sql.unsafe(column);
  return sql`replace(replace(replace(replace(replace(${glob}, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%'), '?', '_')`;
}

/**
 * A rule's criteria other than the customer (by pattern and tag, user pattern, SKU, vendor, service,
 * kind) against item `item` of customer snapshot `customer` (period_customers): every criterion set
 * must match. `rule` has the rules table's column names.
 */
export function ruleCriteriaMatch(sql: Sql, rule: string, item: string, customer: string) {
  const r = sql.unsafe(rule);
  const i = sql.unsafe(item);
  const c = sql.unsafe(customer);
  return sql`(${r}.customer_pattern is null or ${c}.name ilike ${likeFromGlob(sql, `${rule}.customer_pattern`)})
    and (${r}.customer_tag is null or ${r}.customer_tag = any(${c}.tags))
    and (${r}.user_pattern is null or ${i}.user_name ilike ${likeFromGlob(sql, `${rule}.user_pattern`)})
    and (${r}.sku_code is null or ${r}.sku_code = ${i}.sku_code)
    and (${r}.vendor is null or ${r}.vendor = ${i}.vendor)
    and (${r}.service is null or ${r}.service = ${i}.service)
    and (${r}.element_kind is null or ${r}.element_kind::text = ${i}.kind::text)`;
}
