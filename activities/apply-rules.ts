import type postgres from 'postgres';
import type { PeriodContext, Shard } from './period-context.js';
import { periodCte, ruleCriteriaMatch, shardCustomersCte } from './sql-fragments.js';

/**
 * Applies the tenant's current rules to one shard's staged items (compute-shard.ts). A matching rule
 * makes the part of an item inside its inclusive date range non-billable: items are split at the
 * rule boundaries, the lowest rule id wins where rules overlap, and adjacent parts with the same
 * outcome are merged again. Only the items a rule touches are rewritten.
 */
export async function applyRules(
  tx: postgres.TransactionSql,
  period: PeriodContext,
  shard: Shard,
): Promise<number> {
  // The matches go to a small table of their own (compute-shard.ts), analysed: planned over CTEs
  // (estimated at one row) the splitting below ran nested loops of matches x items, quadratic in the
  // rules' reach. The table is emptied at commit; a shard applies the rules once.
  await tx`
    insert into rule_matches (item_id, rule_id, item_from, item_to, rule_from, rule_to)
    with ${periodCte(tx, period.periodId)},
    ${shardCustomersCte(tx, shard)}
    select i.id as item_id, r.id as rule_id, i.active_from as item_from, i.active_to as item_to,
           coalesce(r.from_date, '-infinity'::date) as rule_from,
           coalesce(r.to_date + 1, 'infinity'::date) as rule_to
    from staged_items i
    join shard_customers sc on sc.customer_id = i.customer_id
    join rules r on r.tenant_id = i.tenant_id
    -- Credits keep the outcome of what they reverse (generate-adjustments).
    where i.quantity >= 0
      and (r.customer_id is null or r.customer_id = i.customer_id)
      and ${ruleCriteriaMatch(tx, 'r', 'i', 'sc')}
      -- A rule touches an item when their date ranges share a day; a 0-day item (usage, or added
      -- and removed the same day) when the rule covers its date.
      and coalesce(r.from_date, '-infinity'::date) <= greatest(i.active_from, i.active_to - 1)
      and coalesce(r.to_date + 1, 'infinity'::date) > i.active_from`;
  const [matched] = await tx<{ count: number }[]>`select count(*)::int as count from rule_matches`;
  if (!matched?.count) return 0;
  if (matched.count > 1_000) await tx`analyze rule_matches`;
  const written = await tx`
      with bounds as (
        select item_id, item_from as bound from rule_matches
        union select item_id, item_to from rule_matches
        union select item_id, greatest(rule_from, item_from) from rule_matches
        union select item_id, least(rule_to, item_to) from rule_matches
      ),
      segments as (
        select item_id, bound as seg_from, lead(bound) over (partition by item_id order by bound) as seg_to
        from bounds
      ),
      decided as (
        -- Days between two consecutive bounds share one fate: the lowest matching rule, or billable.
        select s.item_id, s.seg_from, s.seg_to, min(m.rule_id) as rule_id
        from segments s
        left join rule_matches m on m.item_id = s.item_id and m.rule_from <= s.seg_from and m.rule_to >= s.seg_to
        where s.seg_to is not null
        group by s.item_id, s.seg_from, s.seg_to
        union all
        select item_id, item_from, item_to, min(rule_id)
        from rule_matches where item_from = item_to
        group by item_id, item_from, item_to
      ),
      islands as (
        select d.*, row_number() over (partition by item_id order by seg_from)
                  - row_number() over (partition by item_id, coalesce(rule_id, 0) order by seg_from) as island
        from decided d
      ),
      parts as (
        select item_id, rule_id, min(seg_from) as part_from, max(seg_to) as part_to
        from islands group by item_id, rule_id, island
      ),
      removed as (
        delete from staged_items where id in (select item_id from rule_matches) returning *
      )
      insert into staged_items (tenant_id, period_id, customer_id, invoice_to_id, user_id, element_id, change_id, kind,
        service, product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to,
        days_active, period_days, quantity, carried_over, adjusts_period_id, billable, rule_id)
      select r.tenant_id, r.period_id, r.customer_id, r.invoice_to_id, r.user_id, r.element_id, r.change_id,
             r.kind, r.service, r.product, r.customer_name, r.user_name, r.sku_code, r.vendor, r.unmapped,
             p.part_from, p.part_to, p.part_to - p.part_from, r.period_days, r.quantity,
             r.carried_over and p.part_from = r.active_from, r.adjusts_period_id, p.rule_id is null, p.rule_id
      from removed r join parts p on p.item_id = r.id`;
  return written.count;
}
