import type postgres from 'postgres';

export interface UnmappedElementRow {
  kind: 'plan' | 'instance' | 'application' | 'domain';
  service: string;
  product: string;
  elements: number;
  customers: number;
  quantity: string;
  firstStartedAt: string;
}

/**
 * The live elements no SKU mapping prices (neither their product nor their service's catch-all),
 * grouped by what a mapping would name: kind, service, product. Mapping one makes the next
 * computed period price it; until then it is itemised at 0 and flagged unmapped.
 */
export function unmappedElements(sql: postgres.Sql, tenantId: string) {
  return sql<UnmappedElementRow[]>`
    select e.kind, e.service, e.product, count(*)::int as elements, count(distinct e.customer_id)::int as customers,
           sum(e.quantity)::text as quantity,
           to_char(min(e.started_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "firstStartedAt"
    from elements e
    where e.tenant_id = ${tenantId} and e.ended_at is null
      and not exists (
        select 1 from sku_mappings m
        where m.tenant_id = e.tenant_id and m.kind = e.kind and m.service = e.service
          and (m.product = e.product or m.product is null))
    group by e.kind, e.service, e.product
    order by elements desc, e.kind, e.service, e.product`;
}
