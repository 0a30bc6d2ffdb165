import type postgres from 'postgres';
import type { Shard } from './period-context.js';
import { approvedBeforeCte, periodCte, shardCustomersCte, skuJoin, userNameAtEnd } from './sql-fragments.js';

/**
 * Late entries (billing.md: an entry whose occurred_at falls in an approved period) become
 * adjustment items of this period pointing back at the approved period A they belong to. An entry
 * is late for A when A's last computation had not seen it, whenever its date: an entry dated in an
 * earlier, still open period can change what A owes too. For each element such a change started or
 * ended: what A should have billed now (its span in A) minus what A and
 * earlier adjustments did bill, as date multiranges: days missing are charged, days billed in
 * excess are credited (negative quantity). `full` SKUs charge or credit whole, only when the
 * element's presence in A flips; presence, not days, since a same-day add and remove is present
 * for 0 days. Late usage not yet billed anywhere is billed here too.
 */
export async function generateAdjustments(tx: postgres.TransactionSql, periodId: number, shard: Shard) {
  const elementAdjustments = await tx`
    with ${periodCte(tx, periodId)},
    ${shardCustomersCte(tx, shard)},
    ${approvedBeforeCte(tx)},
    late_elements as (
      select e.*, sc.invoice_to_id, sc.name as customer_name
      from elements e
      join shard_customers sc on sc.customer_id = e.customer_id
      cross join period
      where e.tenant_id = period.tenant_id
        and exists (
          select 1 from approved a
          where (e.start_change_id > a.seen_through and e.started_at < a.ends_at)
             or (e.end_change_id > a.seen_through and e.ended_at < a.ends_at))
    ),
    late_customers as (select distinct customer_id from late_elements),
    billed as (
      select i.element_id, coalesce(i.adjusts_period_id, i.period_id) as approved_id,
             coalesce(range_agg(daterange(i.active_from, i.active_to)) filter (where i.quantity > 0), '{}')
               - coalesce(range_agg(daterange(i.active_from, i.active_to)) filter (where i.quantity < 0), '{}')
               as days,
             -- Full SKUs: present in A's bill if charged and never credited whole; a presence flips at
             -- most once each way, since late entries only start elements or end them.
             bool_or(i.quantity > 0) and not bool_or(i.quantity < 0) as present,
             min(i.active_from) filter (where i.quantity > 0) as billed_from,
             max(i.active_to) filter (where i.quantity > 0) as billed_to
      -- Through (period, customer): items carry no index on element_id.
      from periods holder
      cross join late_customers lc
      join items i on i.period_id = holder.id and i.customer_id = lc.customer_id
      cross join period
      where holder.tenant_id = period.tenant_id and holder.status in ('approved', 'exported')
        and holder.superseded_at is null and i.element_id in (select id from late_elements)
      group by 1, 2
    ),
    compared as (
      select le.*, a.id as approved_id, a.period_days as approved_days,
             case when le.started_at < a.ends_at and (le.ended_at is null or le.ended_at > a.starts_at)
               then datemultirange(daterange(
                 greatest((le.started_at at time zone period.time_zone)::date, a.start_date),
                 least(coalesce((le.ended_at at time zone period.time_zone)::date, a.end_date + 1), a.end_date + 1)))
               else '{}'::datemultirange end as owed,
             coalesce(b.days, '{}'::datemultirange) as billed_days,
             -- In A as generate-items itemises: on one of A's dates, or started in A with 0 days;
             -- removed on A's first date, it ended with the period before (docs/billing-choices.md).
             le.started_at < a.ends_at and (le.ended_at is null or le.started_at >= a.starts_at
               or (le.ended_at at time zone period.time_zone)::date > a.start_date) as present,
             greatest((le.started_at at time zone period.time_zone)::date, a.start_date) as owed_from,
             least(coalesce((le.ended_at at time zone period.time_zone)::date, a.end_date + 1), a.end_date + 1)
               as owed_to,
             coalesce(b.present, false) as billed_present, b.billed_from, b.billed_to
      from late_elements le
      cross join approved a
      cross join period
      left join billed b on b.element_id = le.id and b.approved_id = a.id
      -- Started or ended within A's time after A's last computation looked: A's items may not know of it.
      where ((le.start_change_id > a.seen_through and le.started_at < a.ends_at)
             or (le.end_change_id > a.seen_through and le.ended_at < a.ends_at))
        and ((le.started_at < a.ends_at and (le.ended_at is null or le.ended_at > a.starts_at)) or b.days is not null)
    ),
    pieces as (
      select c.*, sku.code as sku_code, sku.vendor, sku.proration, piece.active_from, piece.active_to, piece.sign
      from compared c
      cross join period
      ${skuJoin(tx, 'c')}
      cross join lateral (
        select lower(d) as active_from, upper(d) as active_to, 1 as sign from unnest(c.owed - c.billed_days) d
          where coalesce(sku.proration, 'daily') = 'daily'
        union all
        select lower(d), upper(d), -1 from unnest(c.billed_days - c.owed) d
          where coalesce(sku.proration, 'daily') = 'daily'
        union all
        -- Spans as dates, not ranges: a 0-day span is an empty range, which has no bounds.
        select c.owed_from, c.owed_to, 1 where sku.proration = 'full' and c.present and not c.billed_present
        union all
        select c.billed_from, c.billed_to, -1 where sku.proration = 'full' and not c.present and c.billed_present
      ) piece
    ),
    parts as (
      -- Charges are billed under today's rules (apply-rules sees them). A credit reverses what A
      -- billed, so it is cut along A's charged parts and keeps their billable flag and rule: a rule
      -- created since cannot turn a refund of money paid into a non-billable 0.
      select p.*, p.active_from as part_from, p.active_to as part_to, true as billable, null::bigint as rule_id,
        null::text as rule_name
      from pieces p where p.sign = 1
      union all
      select p.*, greatest(p.active_from, b.active_from), least(p.active_to, b.active_to), b.billable, b.rule_id,
        b.rule_name
      from pieces p
      join periods holder on holder.tenant_id = p.tenant_id
        and holder.status in ('approved', 'exported') and holder.superseded_at is null
      join items b on b.period_id = holder.id and b.customer_id = p.customer_id and b.element_id = p.id
        and coalesce(b.adjusts_period_id, b.period_id) = p.approved_id and b.quantity > 0
      where p.sign = -1
        and (p.proration = 'full' or (b.active_from < p.active_to and b.active_to > p.active_from))
    )
    insert into staged_items (tenant_id, period_id, customer_id, invoice_to_id, user_id, element_id, kind, service,
      product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to, days_active,
      period_days, quantity, adjusts_period_id, billable, rule_id, rule_name)
    select period.tenant_id, period.id, p.customer_id, p.invoice_to_id, p.user_id, p.id, p.kind, p.service,
           p.product, p.customer_name, coalesce(un.name, u.name), p.sku_code, p.vendor, p.sku_code is null, p.part_from,
           p.part_to, p.part_to - p.part_from, p.approved_days, p.sign * p.quantity, p.approved_id, p.billable,
           p.rule_id, p.rule_name
    from parts p
    cross join period
    left join users u on u.id = p.user_id
    ${userNameAtEnd(tx, 'p.user_id')}`;

  const usageAdjustments = await tx`
    with ${periodCte(tx, periodId)},
    ${shardCustomersCte(tx, shard)},
    ${approvedBeforeCte(tx)},
    late_usage as (
      select c.id as change_id, cu.id as customer_id, sc.invoice_to_id, sc.name as customer_name,
             u.id as user_id, coalesce(un.name, u.name) as user_name, 'usage'::element_kind as kind,
             c.payload->>'service' as service, c.payload->>'product' as product,
             (c.payload->>'quantity')::numeric as quantity,
             (c.occurred_at at time zone period.time_zone)::date as day, a.id as approved_id,
             a.period_days as approved_days
      from change_log c
      cross join period
      join approved a on c.occurred_at >= a.starts_at and c.occurred_at < a.ends_at
      join customers cu on cu.tenant_id = c.tenant_id and cu.ref = c.customer_ref
      join shard_customers sc on sc.customer_id = cu.id
      left join users u on u.tenant_id = c.tenant_id and u.ref = c.user_ref
      ${userNameAtEnd(tx, 'u.id')}
      where c.tenant_id = period.tenant_id and c.kind = 'usage.recorded' and c.id > a.seen_through
        and not exists (
          select 1 from periods holder
          join items i on i.period_id = holder.id and i.customer_id = cu.id and i.change_id = c.id
          where holder.tenant_id = c.tenant_id and holder.status in ('approved', 'exported')
            and holder.superseded_at is null)
    )
    insert into staged_items (tenant_id, period_id, customer_id, invoice_to_id, user_id, change_id, kind, service,
      product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to, days_active,
      period_days, quantity, adjusts_period_id)
    select period.tenant_id, period.id, s.customer_id, s.invoice_to_id, s.user_id, s.change_id, s.kind,
           s.service, s.product, s.customer_name, s.user_name, sku.code, sku.vendor, sku.code is null,
           s.day, s.day, 0, s.approved_days, s.quantity, s.approved_id
    from late_usage s
    cross join period
    ${skuJoin(tx, 's')}`;

  return elementAdjustments.count + usageAdjustments.count;
}
