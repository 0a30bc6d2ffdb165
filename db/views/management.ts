import type postgres from 'postgres';

/**
 * Management information over months: the current revision of every period ending in a month
 * counts for that month. Money is summed and rounded in SQL; the month before `from` is read too,
 * so the first month has a month-over-month change.
 */
export interface ManagementInput {
  tenantId: string;
  /** Set for customer tokens: only this customer and its subtree. */
  customerId?: number;
  /** First and last month, YYYY-MM. */
  from: string;
  to: string;
  minorUnits: number;
}

export interface MonthPeriodRow {
  month: string;
  startDate: string;
  endDate: string;
  revision: number;
  status: string;
}

export interface MonthRow {
  month: string;
  total: string;
  users: number;
  costPerUser: string | null;
  changeAmount: string | null;
  changePercent: string | null;
}

export interface CustomerMonthRow extends MonthRow {
  customerRef: string;
  customerName: string;
}

export interface VendorMonthRow {
  month: string;
  vendor: string;
  total: string;
}

export interface SkuHoldersRow {
  sku: string;
  vendor: string | null;
  users: number;
  customers: number;
}

/** months, current_periods (newest revision per period) and visible (scoped period customers). */
export function ctes(sql: postgres.Sql, input: ManagementInput) {
  const first = `${input.from}-01`;
  const last = `${input.to}-01`;
  return sql`
    months as (
      select to_char(m, 'YYYY-MM') as month, to_char(m - interval '1 month', 'YYYY-MM') as previous
      from generate_series(${first}::date - interval '1 month', ${last}::date, interval '1 month') m
    ),
    current_periods as (
      select distinct on (p.start_date) p.id, p.start_date, p.end_date, p.revision, p.status,
             to_char(p.end_date, 'YYYY-MM') as month
      from periods p
      where p.tenant_id = ${input.tenantId}
        and p.end_date >= ${first}::date - interval '1 month' and p.end_date < ${last}::date + interval '1 month'
      order by p.start_date, p.revision desc
    ),
    visible as (
      select pc.period_id, pc.customer_id, pc.name, cp.month, cp.end_date
      from period_customers pc join current_periods cp on cp.id = pc.period_id
      where pc.tenant_id = ${input.tenantId}
        ${input.customerId === undefined ? sql`` : sql`and (pc.customer_id = ${input.customerId} or ${input.customerId} = any(pc.ancestor_ids))`}
    ),
    customer_months as (
      select v.month, r.customer_id, sum(r.billable_amount) as total,
             (array_agg(v.name order by v.end_date desc))[1] as name
      from rollups r join visible v on v.period_id = r.period_id and v.customer_id = r.customer_id
      where r.tenant_id = ${input.tenantId} and r.level = 'customer'
      group by v.month, r.customer_id
    ),
    -- Users with at least one billable item: who the money is for.
    user_items as (
      select v.month, i.customer_id, i.user_id
      from items i join visible v on v.period_id = i.period_id and v.customer_id = i.customer_id
      where i.tenant_id = ${input.tenantId} and i.billable and i.user_id is not null
    ),
    month_totals as (
      select mo.month, mo.previous,
             exists (select 1 from current_periods cp where cp.month = mo.month) as has_periods,
             coalesce((select sum(cm.total) from customer_months cm where cm.month = mo.month), 0) as total,
             (select count(distinct u.user_id) from user_items u where u.month = mo.month)::int as users
      from months mo
    )`;
}

export function monthPeriods(sql: postgres.Sql, input: ManagementInput) {
  return sql<MonthPeriodRow[]>`
    with ${ctes(sql, input)}
    select month, start_date::text as "startDate", end_date::text as "endDate", revision, status
    from current_periods where month >= ${input.from} order by start_date`;
}

/** Per month: the total, its billable users, cost per user and the change from the month before. */
export function monthTotals(sql: postgres.Sql, input: ManagementInput) {
  const m = input.minorUnits;
  return sql<MonthRow[]>`
    with ${ctes(sql, input)}
    select t.month, round(t.total, ${m}::int)::text as total, t.users,
           case when t.users > 0 then round(t.total / t.users, ${m}::int)::text end as "costPerUser",
           case when t.has_periods and p.has_periods then round(t.total - p.total, ${m}::int)::text end
             as "changeAmount",
           case when t.has_periods and p.has_periods and p.total <> 0
                then round((t.total - p.total) * 100 / p.total, 2)::text end as "changePercent"
    from month_totals t left join month_totals p on p.month = t.previous
    where t.month >= ${input.from}
    order by t.month`;
}

/**
 * Per month and customer, the same figures. A customer billed the month before and not in this one
 * is listed with 0, so a departure shows as a change.
 */
export function customerMonths(sql: postgres.Sql, input: ManagementInput) {
  const m = input.minorUnits;
  return sql<CustomerMonthRow[]>`
    with ${ctes(sql, input)},
    keys as (
      select month, customer_id from customer_months
      union
      select t.month, cm.customer_id
      from customer_months cm join month_totals t on t.previous = cm.month and t.has_periods
    ),
    figures as (
      select k.month, k.customer_id, coalesce(cur.name, prev.name) as name,
             coalesce(cur.total, 0) as total, prev.total as previous_total, t.has_periods, p.has_periods as previous_has_periods,
             (select count(distinct u.user_id) from user_items u
               where u.month = k.month and u.customer_id = k.customer_id)::int as users
      from keys k
      join month_totals t on t.month = k.month
      left join month_totals p on p.month = t.previous
      left join customer_months cur on cur.month = k.month and cur.customer_id = k.customer_id
      left join customer_months prev on prev.month = t.previous and prev.customer_id = k.customer_id
    )
    select f.month, c.ref as "customerRef", f.name as "customerName", round(f.total, ${m}::int)::text as total,
           f.users, case when f.users > 0 then round(f.total / f.users, ${m}::int)::text end as "costPerUser",
           case when f.previous_has_periods then round(f.total - coalesce(f.previous_total, 0), ${m}::int)::text end
             as "changeAmount",
           case when f.previous_has_periods and f.previous_total <> 0
                then round((f.total - f.previous_total) * 100 / f.previous_total, 2)::text end as "changePercent"
    from figures f join customers c on c.id = f.customer_id and c.tenant_id = ${input.tenantId}
    where f.month >= ${input.from}
    order by f.month, f.name, c.ref`;
}

/** Per month, every vendor's total: all vendors in one view. */
export function vendorMonths(sql: postgres.Sql, input: ManagementInput) {
  return sql<VendorMonthRow[]>`
    with ${ctes(sql, input)}
    select v.month, i.vendor, round(sum(i.amount), ${input.minorUnits}::int)::text as total
    from items i join visible v on v.period_id = i.period_id and v.customer_id = i.customer_id
    where i.tenant_id = ${input.tenantId} and i.vendor is not null and v.month >= ${input.from}
    group by v.month, i.vendor
    order by v.month, i.vendor`;
}

/** What is used and by whom: per SKU, how many users and customers held it in `month`. */
export function skuHolders(sql: postgres.Sql, input: ManagementInput, month: string) {
  return sql<SkuHoldersRow[]>`
    with ${ctes(sql, input)}
    select i.sku_code as sku, min(i.vendor) as vendor, count(distinct i.user_id)::int as users,
           count(distinct i.customer_id)::int as customers
    from items i join visible v on v.period_id = i.period_id and v.customer_id = i.customer_id
    where i.tenant_id = ${input.tenantId} and v.month = ${month}
      and i.sku_code is not null and i.adjusts_period_id is null
    group by i.sku_code
    order by i.sku_code`;
}
