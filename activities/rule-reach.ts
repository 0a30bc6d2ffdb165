import type postgres from 'postgres';
import { criteriaMatch, type ItemCriteria } from '../billing/rules.js';
import type { RuleCriteria } from '../db/views/rules.js';

/** A rule as it was or is: its id and criteria (dates aside). */
export interface RuleVersion {
  id: number;
  criteria: RuleCriteria;
}

/**
 * The invoice-to customers whose items a rule edit can change: those with an item the rule decided
 * (`rule_id`) or one its criteria match (billing/rules.ts), before or after the edit. Dates are
 * ignored, so the reach is never too small. Tiers and discounts are per invoice-to customer, so
 * recomputing just these gives the very rows a full recompute would. Null when they hold most of
 * the period's customers: then computing everything costs about the same and the caller should.
 */
export async function invoiceToReachedByRules(
  sql: postgres.Sql,
  input: { periodId: number; rules: RuleVersion[] },
): Promise<number[] | null> {
  const refs = input.rules.flatMap((rule) =>
    rule.criteria.customer === null ? [] : [rule.criteria.customer],
  );
  const known = await sql<{ ref: string; id: number }[]>`
    select c.ref, c.id::float8 as id from periods p join customers c on c.tenant_id = p.tenant_id
    where p.id = ${input.periodId} and c.ref = any(${refs}::text[])`;
  const idOf = new Map(known.map((row) => [row.ref, row.id]));
  const rules: ItemCriteria[] = input.rules.map(({ criteria: c }) => ({
    // A customer that does not exist matches nothing.
    customerId: c.customer === null ? null : (idOf.get(c.customer) ?? -1),
    customerPattern: c.customerPattern,
    customerTag: c.customerTag,
    userPattern: c.userPattern,
    skuCode: c.sku,
    vendor: c.vendor,
    service: c.service,
    kind: c.kind,
  }));
  const ruleIds = input.rules.map((rule) => rule.id);
  // Only the named customers' items can match when every version names one (a go-live rule): read
  // just those, and the items the rules decided; otherwise every distinct item subject of the period.
  const customers = rules.every((rule) => rule.customerId !== null)
    ? rules.map((rule) => rule.customerId)
    : null;
  const subjects = await sql<
    {
      invoiceToId: number;
      customerId: number;
      customerName: string;
      customerTags: string[];
      userName: string | null;
      skuCode: string | null;
      vendor: string | null;
      service: string;
      kind: string;
      decided: boolean;
    }[]
  >`
    select i.invoice_to_id::float8 as "invoiceToId", i.customer_id::float8 as "customerId",
           pc.name as "customerName", pc.tags as "customerTags", i.user_name as "userName", i.sku_code as "skuCode",
           i.vendor, i.service, i.kind::text as kind, bool_or(i.rule_id = any(${ruleIds}::bigint[])) as decided
    from items i
    join period_customers pc on pc.period_id = i.period_id and pc.customer_id = i.customer_id
    where i.period_id = ${input.periodId}
      ${
        customers === null
          ? sql``
          : sql`and (i.customer_id = any(${customers}::bigint[]) or i.rule_id = any(${ruleIds}::bigint[]))`
      }
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9`;
  const reached = new Set<number>();
  for (const subject of subjects) {
    if (subject.decided || rules.some((rule) => criteriaMatch(rule, subject)))
      reached.add(subject.invoiceToId);
  }
  const [total] = await sql<{ count: number }[]>`
    select count(distinct invoice_to_id)::int as count from period_customers where period_id = ${input.periodId}`;
  if (reached.size / Math.max(1, total?.count ?? 0) > 0.5) return null;
  return [...reached].sort((a, b) => a - b);
}
