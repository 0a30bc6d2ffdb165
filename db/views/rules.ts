import type postgres from 'postgres';

type Sql = postgres.Sql | postgres.TransactionSql;

export interface RuleCriteria {
  customer: string | null;
  customerPattern: string | null;
  customerTag: string | null;
  userPattern: string | null;
  sku: string | null;
  vendor: string | null;
  service: string | null;
  kind: 'plan' | 'instance' | 'application' | 'domain' | 'usage' | null;
}

export interface RuleRow {
  id: number;
  name: string;
  from: string | null;
  to: string | null;
  criteria: RuleCriteria;
  createdBy: string;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string | null;
}

const utc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The tenant's billing rules (or one), the customer criterion shown by its ref. */
export function ruleList(sql: Sql, tenantId: string, id?: number) {
  return sql<RuleRow[]>`
    select r.id, r.name, r.from_date::text as "from", r.to_date::text as "to",
           json_build_object('customer', c.ref, 'customerPattern', r.customer_pattern,
             'customerTag', r.customer_tag, 'userPattern', r.user_pattern, 'sku', r.sku_code,
             'vendor', r.vendor, 'service', r.service, 'kind', r.element_kind) as criteria,
           r.created_by as "createdBy", ${sql.unsafe(utc('r.created_at'))} as "createdAt",
           r.updated_by as "updatedBy", ${sql.unsafe(utc('r.updated_at'))} as "updatedAt"
    from rules r
    left join customers c on c.id = r.customer_id and c.tenant_id = r.tenant_id
    where r.tenant_id = ${tenantId} ${id === undefined ? sql`` : sql`and r.id = ${id}`}
    order by r.id`;
}

export interface PeriodUnderWay {
  periodEnd: string;
  revision: number;
}

/**
 * The current revisions of the tenant's periods that a close has computed (or is computing) but
 * nobody approved yet, and that share a day with one of the date ranges (null ends are open), or
 * hold an adjustment item that does: a January rule applies to January days billed in February.
 */
export function periodsUnderWay(
  sql: Sql,
  tenantId: string,
  ranges: { from: string | null; to: string | null }[],
) {
  const touches = ranges.map(
    (range) =>
      sql`(${range.from}::date is null or end_date >= ${range.from}::date)
          and (${range.to}::date is null or start_date <= ${range.to}::date)`,
  );
  // An item's days are [active_from, active_to); a 0-day item lies on active_from (as apply-rules reads it).
  const adjusts = ranges.map(
    (range) =>
      sql`(${range.from}::date is null or greatest(i.active_to - 1, i.active_from) >= ${range.from}::date)
          and (${range.to}::date is null or i.active_from <= ${range.to}::date)`,
  );
  return sql<PeriodUnderWay[]>`
    select end_date::text as "periodEnd", revision
    from periods
    where tenant_id = ${tenantId} and superseded_at is null
      and status in ('open', 'generating', 'awaiting_approval')
      and ((${touches.reduce((all, one) => sql`${all} or (${one})`, sql`false`)})
        or exists (
          select 1 from items i
          where i.period_id = periods.id and i.tenant_id = periods.tenant_id and i.adjusts_period_id is not null
            and (${adjusts.reduce((all, one) => sql`${all} or (${one})`, sql`false`)})))
    order by start_date, revision`;
}
