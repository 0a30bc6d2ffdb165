import type postgres from 'postgres';
import { addDays } from '../../billing/dates.js';
import { rangeTouches } from '../../billing/rules.js';

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
 * Whether a range touches an item's days is billing/rules.ts `rangeTouches`, the close's own test.
 */
export async function periodsUnderWay(
  sql: Sql,
  tenantId: string,
  ranges: { from: string | null; to: string | null }[],
): Promise<PeriodUnderWay[]> {
  const periods = await sql<(PeriodUnderWay & { id: number; start: string; end: string })[]>`
    select id::float8 as id, start_date::text as start, end_date::text as "end", end_date::text as "periodEnd", revision
    from periods
    where tenant_id = ${tenantId} and superseded_at is null
      and status in ('open', 'generating', 'awaiting_approval')
    order by start_date, revision`;
  // Adjustment items are few (items_period_adjustments): their distinct spans, per period.
  const spans = await sql<{ periodId: number; activeFrom: string; activeTo: string }[]>`
    select distinct i.period_id::float8 as "periodId", i.active_from::text as "activeFrom", i.active_to::text as "activeTo"
    from items i
    where i.period_id = any(${periods.map((p) => p.id)}::bigint[]) and i.tenant_id = ${tenantId}
      and i.adjusts_period_id is not null`;
  const rules = ranges.map((range) => ({ id: 0, from: range.from, to: range.to }));
  const touched = (span: { activeFrom: string; activeTo: string }) =>
    rules.some((rule) => rangeTouches(rule, span));
  return periods
    .filter(
      (p) =>
        // A whole period is a span of its days, [start, end + 1).
        touched({ activeFrom: p.start, activeTo: addDays(p.end, 1) }) ||
        spans.some((span) => span.periodId === p.id && touched(span)),
    )
    .map(({ periodEnd, revision }) => ({ periodEnd, revision }));
}
