import type postgres from 'postgres';
import type { PeriodContext } from './period-context.js';
import { periodCte } from './sql-fragments.js';

/**
 * Prices one shard's staged items and writes them to `items`, once each (compute-shard.ts). Per
 * invoice-to customer and SKU, the units held (each element once, usage summed) place the customer on
 * the SKU's tiers: `tiered` averages the bands, `volume` takes the band reached. A vendor's
 * multi-service discount applies when the invoice-to customer takes enough distinct SKUs of it. Each
 * item is then rounded half-up to the currency's minor unit; non-billable and unmapped items carry
 * amount 0. Pure SQL arithmetic on numeric: no float anywhere.
 */
export async function priceItems(tx: postgres.TransactionSql, period: PeriodContext): Promise<number> {
  const priced = await tx`
      with ${periodCte(tx, period.periodId)},
      held_here as (
        -- The units that place an invoice-to customer on a SKU's tiers: the average held over the
        -- period for daily SKUs (a 10 -> 12 seat change mid-month is about 11, not 22), each element
        -- once for full SKUs, and the units used for usage. Unit-days are summed and divided once,
        -- so 2 seats split 23 + 5 days of 28 are exactly 2, never 2.0000000001.
        select invoice_to_id, sku_code, sum(unit_days) / min(period_days) as units
        from (
          -- Usage and daily parts add up as they are (one hash aggregate, no per-element pass).
          select i.invoice_to_id, i.sku_code, i.period_days,
                 case when i.kind = 'usage' or s.billing_model = 'usage' then i.quantity * i.period_days
                      else i.quantity * i.days_active end as unit_days
          from staged_items i
          join skus s on s.tenant_id = i.tenant_id and s.code = i.sku_code
          where i.billable and i.adjusts_period_id is null
            and (i.kind = 'usage' or s.billing_model = 'usage' or s.proration = 'daily')
          union all
          -- A full element counts once, however rules split it.
          select i.invoice_to_id, i.sku_code, min(i.period_days), max(i.quantity) * min(i.period_days)
          from staged_items i
          join skus s on s.tenant_id = i.tenant_id and s.code = i.sku_code
          where i.billable and i.adjusts_period_id is null
            and i.kind <> 'usage' and s.billing_model <> 'usage' and s.proration = 'full'
          group by i.invoice_to_id, i.sku_code, i.element_id
        ) parts
        group by invoice_to_id, sku_code
      ),
      held as (
        select * from held_here
        union all
        -- Adjustments of a SKU this period does not otherwise bill the customer, priced as their own
        -- units would be (the adjusted period's own price comes first, in \`prior\` below).
        select i.invoice_to_id, i.sku_code, max(abs(i.quantity))
        from staged_items i
        where i.adjusts_period_id is not null and i.sku_code is not null
          and not exists (select 1 from held_here h where h.invoice_to_id = i.invoice_to_id and h.sku_code = i.sku_code)
        group by i.invoice_to_id, i.sku_code
      ),
      bands as (
        select t.sku_code, t.from_quantity, t.unit_price,
               lead(t.from_quantity) over (partition by t.sku_code order by t.from_quantity) - 1 as to_quantity
        from sku_price_tiers t, period where t.tenant_id = period.tenant_id
      ),
      effective as (
        select h.invoice_to_id, h.sku_code,
          case s.pricing_scheme
            when 'flat' then s.unit_price
            when 'volume' then coalesce(
              (select b.unit_price from bands b
                where b.sku_code = h.sku_code and b.from_quantity <= ceil(h.units)
                order by b.from_quantity desc limit 1),
              s.unit_price)
            else round((
              -- units below the first band at the base price, then each band's share
              s.unit_price * greatest(0, least(h.units,
                coalesce((select min(b.from_quantity) from bands b where b.sku_code = h.sku_code), h.units + 1) - 1))
              + coalesce((select sum(b.unit_price * greatest(0,
                  least(h.units, coalesce(b.to_quantity, h.units)) - (b.from_quantity - 1)))
                from bands b where b.sku_code = h.sku_code), 0)
            ) / nullif(h.units, 0), 10)
          end as unit_price
        -- Holding 0 units (0-day items only), a unit is priced as the first unit would be.
        from (select invoice_to_id, sku_code, case when units = 0 then 1 else units end as units from held) h
        join skus s on s.code = h.sku_code, period
        where s.tenant_id = period.tenant_id
      ),
      discounts as (
        -- The highest bracket reached decides, even where a lower one offers more (docs/billing-choices.md).
        select distinct on (taken.invoice_to_id, taken.vendor) taken.invoice_to_id, taken.vendor, d.percent
        from (
          select invoice_to_id, vendor, count(*) as services
          from (
            -- Services held in this period: an adjustment (charge or credit) corrects another
            -- period's bill, so it neither adds a service nor, as a credit, counts as one held.
            select distinct i.invoice_to_id, i.vendor, i.sku_code
            from staged_items i
            where i.billable and i.sku_code is not null and i.adjusts_period_id is null and i.quantity >= 0
          ) taken_skus
          group by invoice_to_id, vendor
        ) taken
        join vendor_discounts d on d.vendor = taken.vendor and d.min_services <= taken.services, period
        where d.tenant_id = period.tenant_id
        order by taken.invoice_to_id, taken.vendor, d.min_services desc
      ),
      prior as (
        -- An adjustment corrects the adjusted period's bill, so it takes that period's price and
        -- discount for the SKU and the customer's invoice-to customer as it stood then (that period's
        -- tree, not today's): a credit returns what was paid, even after the customer moved. A
        -- customer that period's tree lacks (created late) is looked up under today's.
        select distinct on (i.id) i.id, a.unit_price, a.discount_percent, a.billable
        from staged_items i
        left join period_customers adjusted_tree on adjusted_tree.period_id = i.adjusts_period_id
          and adjusted_tree.customer_id = i.customer_id and adjusted_tree.tenant_id = i.tenant_id
        join items a on a.period_id = i.adjusts_period_id and a.tenant_id = i.tenant_id
          and a.invoice_to_id = coalesce(adjusted_tree.invoice_to_id, i.invoice_to_id)
          and a.sku_code = i.sku_code and a.adjusts_period_id is null
        where i.adjusts_period_id is not null
        order by i.id, a.billable desc, a.id
      ),
      full_first as (
        -- A full element is charged once per adjusted period, on its first part, however rules split it.
        select i.id, row_number() over (partition by i.element_id, i.adjusts_period_id, i.billable, sign(i.quantity)
                 order by i.active_from) = 1 as first
        from staged_items i
        join skus s on s.tenant_id = i.tenant_id and s.code = i.sku_code
        where i.kind <> 'usage' and s.billing_model <> 'usage' and s.proration = 'full'
      ),
      charged as (
        select i.id, s.code is not null and i.billable as charged,
               coalesce(pr.unit_price, e.unit_price, s.unit_price, 0) as unit_price,
               case when pr.billable then pr.discount_percent else coalesce(d.percent, 0) end as discount_percent,
               -- The part charged is share / share_of: days active / period days for daily SKUs.
               case
                 when i.kind = 'usage' or s.billing_model = 'usage' then 1
                 when s.proration = 'daily' then i.days_active
                 -- full: any presence charges the whole period
                 when ff.first then 1
                 else 0
               end as share,
               case when i.kind <> 'usage' and s.billing_model <> 'usage' and s.proration = 'daily'
                 then i.period_days else 1 end as share_of
        from staged_items i
        left join skus s on s.code = i.sku_code and s.tenant_id = i.tenant_id
        left join effective e on e.invoice_to_id = i.invoice_to_id and e.sku_code = i.sku_code
        left join discounts d on d.invoice_to_id = i.invoice_to_id and d.vendor = i.vendor
        left join prior pr on pr.id = i.id
        left join full_first ff on ff.id = i.id
      )
      insert into items (tenant_id, period_id, customer_id, invoice_to_id, user_id, element_id, change_id, kind,
        service, product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to,
        days_active, period_days, quantity, carried_over, adjusts_period_id, billable, rule_id, rule_name,
        unit_price, discount_percent, amount)
      select i.tenant_id, i.period_id, i.customer_id, i.invoice_to_id, i.user_id, i.element_id, i.change_id, i.kind,
             i.service, i.product, i.customer_name, i.user_name, i.sku_code, i.vendor, i.unmapped, i.active_from,
             i.active_to, i.days_active, i.period_days, i.quantity, i.carried_over, i.adjusts_period_id, i.billable,
             i.rule_id, coalesce(i.rule_name, rule.name), round(c.unit_price, 6),
             case when c.charged then c.discount_percent else 0 end,
             -- Non-billable and unmapped items show the price they would have had, for amount 0.
             -- One division, last, at scale 20: a prorated tie such as 6.665 x 3/31 = 0.645 stays exact
             -- (times a share 3/31 cut to 20 digits it was 0.64499...), and no other amount lands on a tie.
             case when c.charged
               then round(c.unit_price * i.quantity * c.share * (100 - c.discount_percent)
                          / (c.share_of * 100)::numeric(30, 20), period.minor_units)
               else 0 end
      from staged_items i
      join charged c on c.id = i.id
      cross join period
      -- The rule's name as it stands now is the period's snapshot of it; credits bring their own.
      left join rules rule on rule.id = i.rule_id and rule.tenant_id = i.tenant_id
      -- Items keep the order they were generated in: views and exports page by id.
      order by i.id`;
  return priced.count;
}
