import type postgres from 'postgres';

type Sql = postgres.Sql | postgres.TransactionSql;

export interface SkuRow {
  code: string;
  vendor: string;
  name: string;
  unitPrice: string;
  billingModel: 'recurring' | 'usage';
  proration: 'daily' | 'full';
  pricingScheme: 'flat' | 'tiered' | 'volume';
  tiers: { fromQuantity: number; unitPrice: string }[];
  createdAt: string;
}

/** The tenant's SKUs with their price bands; prices as numeric text, never through a float. */
export function skuList(sql: Sql, tenantId: string, filter: { code?: string; vendor?: string } = {}) {
  return sql<SkuRow[]>`
    select s.code, s.vendor, s.name, s.unit_price::text as "unitPrice", s.billing_model as "billingModel",
           s.proration, s.pricing_scheme as "pricingScheme",
           coalesce((select json_agg(json_build_object('fromQuantity', t.from_quantity,
                                                      'unitPrice', t.unit_price::text)
                                     order by t.from_quantity)
                     from sku_price_tiers t where t.tenant_id = s.tenant_id and t.sku_code = s.code),
                    '[]'::json) as tiers,
           to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt"
    from skus s
    where s.tenant_id = ${tenantId}
      ${filter.code === undefined ? sql`` : sql`and s.code = ${filter.code}`}
      ${filter.vendor === undefined ? sql`` : sql`and s.vendor = ${filter.vendor}`}
    order by s.code`;
}

export interface SkuMappingRow {
  id: number;
  kind: 'plan' | 'instance' | 'application' | 'domain' | 'usage';
  service: string;
  product: string | null;
  skuCode: string;
}

export function skuMappingList(sql: Sql, tenantId: string, filter: { id?: number; skuCode?: string } = {}) {
  return sql<SkuMappingRow[]>`
    select id, kind, service, product, sku_code as "skuCode"
    from sku_mappings
    where tenant_id = ${tenantId}
      ${filter.id === undefined ? sql`` : sql`and id = ${filter.id}`}
      ${filter.skuCode === undefined ? sql`` : sql`and sku_code = ${filter.skuCode}`}
    order by kind, service, product nulls first, id`;
}

export interface VendorDiscountList {
  vendor: string;
  discounts: { minServices: number; percent: string }[];
}

/** Each vendor's multi-service discount brackets, by vendor and then by the services they need. */
export function vendorDiscountLists(sql: Sql, tenantId: string, vendor?: string) {
  return sql<VendorDiscountList[]>`
    select vendor,
           json_agg(json_build_object('minServices', min_services, 'percent', percent::text)
                    order by min_services) as discounts
    from vendor_discounts
    where tenant_id = ${tenantId} ${vendor === undefined ? sql`` : sql`and vendor = ${vendor}`}
    group by vendor
    order by vendor`;
}
