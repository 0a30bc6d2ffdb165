import type postgres from 'postgres';
import type { RuleCriteria } from '../db/views/rules.js';
import { ruleCriteriaMatch } from './sql-fragments.js';

/** A rule as it was or is: its id and criteria (dates aside). */
export interface RuleVersion {
  id: number;
  criteria: RuleCriteria;
}

/**
 * The invoice-to customers whose items a rule edit can change: those with an item the rule decided
 * (`rule_id`) or one its criteria match, before or after the edit. Dates are ignored, so the reach
 * is never too small. Tiers and discounts are per invoice-to customer, so recomputing just these
 * gives the very rows a full recompute would. Null when they hold most of the period's customers:
 * then computing everything costs about the same and the caller should.
 */
export async function invoiceToReachedByRules(
  sql: postgres.Sql,
  input: { periodId: number; rules: RuleVersion[] },
): Promise<number[] | null> {
  // Named as the rules table's columns, so the criteria are matched by the same SQL as apply-rules.
  const rules = input.rules.map(({ id, criteria: c }) => ({
    id,
    customer: c.customer,
    customer_pattern: c.customerPattern,
    customer_tag: c.customerTag,
    user_pattern: c.userPattern,
    sku_code: c.sku,
    vendor: c.vendor,
    service: c.service,
    element_kind: c.kind,
  }));
  const rows = await sql<{ invoiceToId: number; share: number }[]>`
    with rule as (
      select * from jsonb_to_recordset(${sql.json(rules)}) as r(id bigint, customer text,
        customer_pattern text, customer_tag text, user_pattern text, sku_code text, vendor text,
        service text, element_kind text)
    ),
    reached as (
      select distinct i.invoice_to_id
      from items i
      join period_customers pc on pc.period_id = i.period_id and pc.customer_id = i.customer_id
      join customers c on c.id = i.customer_id and c.tenant_id = i.tenant_id
      cross join rule r
      where i.period_id = ${input.periodId}
        and (i.rule_id = r.id or (
          (r.customer is null or r.customer = c.ref) and ${ruleCriteriaMatch(sql, 'r', 'i', 'pc')}))
    )
    select invoice_to_id as "invoiceToId",
           (select count(*) from reached)::float8
             / greatest(1, (select count(distinct invoice_to_id) from period_customers where period_id = ${input.periodId}))
             as share
    from reached order by invoice_to_id`;
  if (rows.length > 0 && (rows[0]?.share ?? 0) > 0.5) return null;
  return rows.map((row) => row.invoiceToId);
}
