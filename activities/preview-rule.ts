import type postgres from 'postgres';
import type { RuleCriteria } from '../db/views/rules.js';
import { computeShardIn } from './compute-shard.js';
import { invoiceToReachedByRules } from './rule-reach.js';

/** A rule as it would be saved: its table columns (criteria resolved to ids) and, for an edit, its id. */
export interface RuleDraft {
  id?: number;
  columns: Record<string, string | number | null>;
  criteria: RuleCriteria;
  createdBy: string;
}

export interface RulePreview {
  periodId: number;
  startDate: string;
  endDate: string;
  revision: number;
  status: 'open' | 'awaiting_approval';
  customers: { ref: string; name: string }[];
  itemsReached: number;
  before: string;
  after: string;
}

/** The preview's answer travels out of the transaction it rolls back. */
class RolledBack extends Error {
  /** Null when the rule to edit is not the tenant's. */
  constructor(readonly previews: RulePreview[] | null) {
    super('rule preview rolled back');
  }
}

/**
 * What saving a rule would do to every open or awaiting-approval period: the rule is written and
 * each period's reached invoice-to customers computed again by the close's own code, in one
 * transaction that is then rolled back, so nothing is written and the figures are those a
 * reprocess would produce. `found` is false for an edit of a rule the tenant does not have.
 */
export async function previewRule(
  sql: postgres.Sql,
  tenantId: string,
  draft: RuleDraft,
): Promise<{ found: boolean; previews: RulePreview[] }> {
  try {
    await sql.begin(async (tx) => {
      const before = draft.id === undefined ? [] : await ruleCriteria(tx, tenantId, draft.id);
      if (draft.id !== undefined && before.length === 0) throw new RolledBack(null);
      const id = await writeDraft(tx, tenantId, draft);
      const periods = await tx<Omit<RulePreview, 'customers' | 'itemsReached' | 'before' | 'after'>[]>`
        select id as "periodId", start_date::text as "startDate", end_date::text as "endDate", revision, status
        from periods
        where tenant_id = ${tenantId} and superseded_at is null and status in ('open', 'awaiting_approval')
        order by start_date`;
      const previews: RulePreview[] = [];
      for (const period of periods) {
        const versions = [{ id, criteria: draft.criteria }, ...before];
        // The reach of the rule as it is and as it would be; null means most of the period.
        const reached =
          (await invoiceToReachedByRules(tx as unknown as postgres.Sql, {
            periodId: period.periodId,
            rules: versions,
          })) ?? (await allInvoiceTo(tx, period.periodId));
        const billedBefore = await billedAmount(tx, tenantId, period.periodId, reached);
        for (const invoiceToId of reached) {
          await computeShardIn(tx, {
            periodId: period.periodId,
            shard: { from: invoiceToId, to: invoiceToId },
          });
        }
        const billedAfter = await billedAmount(tx, tenantId, period.periodId, reached);
        const touched = await tx<{ ref: string; name: string; items: number }[]>`
          select c.ref, min(i.customer_name) as name, count(*)::int as items
          from items i join customers c on c.id = i.customer_id and c.tenant_id = i.tenant_id
          where i.period_id = ${period.periodId} and i.tenant_id = ${tenantId} and i.rule_id = ${id}
          group by c.ref order by name, c.ref`;
        previews.push({
          ...period,
          customers: touched.map(({ ref, name }) => ({ ref, name })),
          itemsReached: touched.reduce((sum, row) => sum + row.items, 0),
          before: billedBefore,
          after: billedAfter,
        });
      }
      throw new RolledBack(previews);
    });
  } catch (error) {
    if (error instanceof RolledBack) {
      return { found: error.previews !== null, previews: error.previews ?? [] };
    }
    throw error;
  }
  throw new Error('rule preview committed instead of rolling back');
}

async function ruleCriteria(tx: postgres.TransactionSql, tenantId: string, id: number) {
  return tx<{ id: number; criteria: RuleCriteria }[]>`
    select r.id, json_build_object('customer', c.ref, 'customerPattern', r.customer_pattern,
             'customerTag', r.customer_tag, 'userPattern', r.user_pattern, 'sku', r.sku_code,
             'vendor', r.vendor, 'service', r.service, 'kind', r.element_kind) as criteria
    from rules r left join customers c on c.id = r.customer_id and c.tenant_id = r.tenant_id
    where r.tenant_id = ${tenantId} and r.id = ${id}
    for update of r`;
}

async function writeDraft(tx: postgres.TransactionSql, tenantId: string, draft: RuleDraft): Promise<number> {
  if (draft.id !== undefined) {
    await tx`update rules set ${tx(draft.columns)} where tenant_id = ${tenantId} and id = ${draft.id}`;
    return draft.id;
  }
  const [row] = await tx<{ id: number }[]>`
    insert into rules ${tx({ ...draft.columns, tenant_id: tenantId, created_by: draft.createdBy })} returning id`;
  if (!row) throw new Error('insert into rules returned nothing');
  return row.id;
}

async function allInvoiceTo(tx: postgres.TransactionSql, periodId: number): Promise<number[]> {
  const rows = await tx<{ id: number }[]>`
    select distinct invoice_to_id as id from period_customers where period_id = ${periodId} order by 1`;
  return rows.map((row) => row.id);
}

/** What these invoice-to customers are billed in the period, exact (items are rounded already). */
async function billedAmount(
  tx: postgres.TransactionSql,
  tenantId: string,
  periodId: number,
  invoiceTo: number[],
) {
  const [row] = await tx<{ amount: string }[]>`
    select coalesce(sum(amount), 0)::text as amount from items
    where period_id = ${periodId} and tenant_id = ${tenantId} and invoice_to_id = any(${invoiceTo}::bigint[])`;
  return row?.amount ?? '0';
}
