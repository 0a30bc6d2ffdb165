import type postgres from 'postgres';
import { billingTree, type CustomerNode } from '../billing/invoice-to.js';
import { loadUnlockedPeriod, type Shard } from './period-context.js';

/**
 * Snapshots the customer tree as it stood at the period's end (names, parents and tags from the
 * tree's history, invoice-to, depth, ancestors)
 * into period_customers, then cuts the invoice-to customers into shards of about `itemsPerShard`
 * elements. Sharding by invoice-to keeps each invoice-to customer's tiers and discounts in one shard.
 */
export async function preparePeriod(
  sql: postgres.Sql,
  input: { periodId: number; itemsPerShard: number },
): Promise<{ customers: number; shards: Shard[] }> {
  return sql.begin(async (tx) => {
    const period = await loadUnlockedPeriod(tx, input.periodId);
    // Under the tenant's ingestion lock no batch is half-committed, so every entry up to the newest
    // id is visible to the stages that follow; later ones are re-examined once this period is approved.
    // The lock comes in its own statement: a statement's snapshot is taken before it runs.
    await tx`select pg_advisory_xact_lock(hashtext(${`ingest:${period.tenantId}`}))`;
    await tx`
      update periods p set seen_through_change_id = (
        select coalesce(max(c.id), 0) from change_log c where c.tenant_id = p.tenant_id)
      where p.id = ${period.periodId}`;
    await tx`delete from period_customers where period_id = ${period.periodId}`;
    // The tree as it stood at the period's end: each customer's last customer_tree row before the
    // end, or its customers row when it never moved (customer_tree in db/schema/tenancy.ts); names
    // as they stood then. Who pays for whom is billing/invoice-to.ts.
    const atEnd = await tx<(CustomerNode & { name: string; tags: string[] })[]>`
      with period as (select id, tenant_id, ends_at from periods where id = ${period.periodId}),
      snapshot_names as (
        select distinct on (h.subject_id) h.subject_id, h.name
        from name_history h, period
        where h.tenant_id = period.tenant_id and h.subject = 'customer' and h.valid_from < period.ends_at
        order by h.subject_id, h.valid_from desc
      ),
      moved as (
        select distinct on (h.customer_id) h.customer_id, h.parent_id, h.relationship, h.reseller_billing, h.tags
        from customer_tree h, period
        where h.tenant_id = period.tenant_id and h.valid_from < period.ends_at
        order by h.customer_id, h.valid_from desc, h.id desc
      )
      select c.id::float8 as id,
             (case when m.customer_id is null then c.parent_id else m.parent_id end)::float8 as "parentId",
             coalesce(m.relationship, c.relationship) as relationship,
             coalesce(m.reseller_billing, c.reseller_billing) as "resellerBilling",
             coalesce(n.name, c.name) as name, coalesce(m.tags, c.tags) as tags
      from customers c
      cross join period
      left join moved m on m.customer_id = c.id
      left join snapshot_names n on n.subject_id = c.id
      where c.tenant_id = period.tenant_id and c.created_at < period.ends_at`;
    const nodes = new Map(atEnd.map((node) => [node.id, node]));
    const rows = billingTree(atEnd).map((tree) => {
      const node = nodes.get(tree.id) as (typeof atEnd)[number];
      return {
        period_id: period.periodId,
        tenant_id: period.tenantId,
        customer_id: tree.id,
        parent_id: node.parentId,
        relationship: node.relationship,
        reseller_billing: node.resellerBilling,
        invoice_to_id: tree.invoiceToId,
        depth: tree.depth,
        ancestor_ids: `{${tree.ancestorIds.join(',')}}`,
        name: node.name,
        tags: node.tags,
      };
    });
    for (let next = 0; next < rows.length; next += 5_000) {
      await tx`insert into period_customers ${tx(rows.slice(next, next + 5_000))}`;
    }
    const inserted = { count: rows.length };

    // Cumulative element counts per invoice-to customer, cut every `itemsPerShard`.
    const cuts = await tx<{ from: number }[]>`
      with period as (select id, tenant_id, starts_at, ends_at from periods where id = ${period.periodId}),
      load as (
        select pc.invoice_to_id, count(e.id) as elements
        from period_customers pc
        join period on pc.period_id = period.id
        left join elements e on e.tenant_id = period.tenant_id and e.customer_id = pc.customer_id
          and e.started_at < period.ends_at and (e.ended_at is null or e.ended_at > period.starts_at)
        group by pc.invoice_to_id
      ),
      running as (
        select invoice_to_id, sum(elements + 1) over (order by invoice_to_id) as cumulative from load
      )
      select min(invoice_to_id) as from
      from running
      group by floor((cumulative - 1) / ${input.itemsPerShard})
      order by min(invoice_to_id)`;
    const starts = cuts.map((cut) => cut.from);
    // Contiguous ranges that cover every id, so no invoice-to customer can fall between two shards.
    const shards = starts.map((start, index) => ({
      from: index === 0 ? 0 : start,
      to: index + 1 < starts.length ? (starts[index + 1] as number) - 1 : Number.MAX_SAFE_INTEGER,
    }));
    return {
      customers: inserted.count,
      shards: shards.length > 0 ? shards : [{ from: 0, to: Number.MAX_SAFE_INTEGER }],
    };
  });
}
