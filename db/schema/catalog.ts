import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { tenants } from './tenancy.js';

/** What the tenant sells: SKUs with their prices, and how provisioned elements map to them. */

export const billingModel = pgEnum('billing_model', ['recurring', 'usage']);
export const proration = pgEnum('proration', ['daily', 'full']);
// flat: one unit price; tiered: each unit priced by the band it falls in; volume: all units at the
// price of the band the total quantity reaches.
export const pricingScheme = pgEnum('pricing_scheme', ['flat', 'tiered', 'volume']);
export const elementKind = pgEnum('element_kind', ['plan', 'instance', 'application', 'domain', 'usage']);

// Prices carry more precision than the currency so per-day proration is exact before rounding.
const price = (name: string) => numeric(name, { precision: 20, scale: 6 });

export const skus = pgTable(
  'skus',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    code: text('code').notNull(),
    vendor: text('vendor').notNull(),
    name: text('name').notNull(),
    unitPrice: price('unit_price').notNull(),
    billingModel: billingModel('billing_model').notNull(),
    proration: proration('proration').notNull().default('daily'),
    pricingScheme: pricingScheme('pricing_scheme').notNull().default('flat'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.code] }),
    check('skus_price_not_negative', sql`${t.unitPrice} >= 0`),
    index('skus_vendor').on(t.tenantId, t.vendor),
  ],
);

/** Bands of a tiered or volume SKU: `fromQuantity` is the first unit the band's price applies to. */
export const skuPriceTiers = pgTable(
  'sku_price_tiers',
  {
    tenantId: text('tenant_id').notNull(),
    skuCode: text('sku_code').notNull(),
    fromQuantity: integer('from_quantity').notNull(),
    unitPrice: price('unit_price').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.skuCode, t.fromQuantity] }),
    foreignKey({
      name: 'sku_price_tiers_sku_fk',
      columns: [t.tenantId, t.skuCode],
      foreignColumns: [skus.tenantId, skus.code],
    }).onDelete('cascade'),
    check('sku_price_tiers_from', sql`${t.fromQuantity} >= 1`),
    check('sku_price_tiers_price', sql`${t.unitPrice} >= 0`),
  ],
);

/**
 * Multi-service discount: an invoice-to customer taking at least `minServices` distinct SKUs of a
 * vendor in a period gets `percent` off that vendor's billable items.
 */
export const vendorDiscounts = pgTable(
  'vendor_discounts',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    vendor: text('vendor').notNull(),
    minServices: integer('min_services').notNull(),
    percent: numeric('percent', { precision: 5, scale: 2 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.vendor, t.minServices] }),
    check('vendor_discounts_min', sql`${t.minServices} >= 2`),
    check('vendor_discounts_percent', sql`${t.percent} > 0 and ${t.percent} <= 100`),
  ],
);

/**
 * Maps a provisioned element to a SKU by (kind, service, product). A mapping with a null product
 * covers every product of the service; the most specific mapping wins.
 */
export const skuMappings = pgTable(
  'sku_mappings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    kind: elementKind('kind').notNull(),
    service: text('service').notNull(),
    product: text('product'),
    skuCode: text('sku_code').notNull(),
  },
  (t) => [
    foreignKey({
      name: 'sku_mappings_sku_fk',
      columns: [t.tenantId, t.skuCode],
      foreignColumns: [skus.tenantId, skus.code],
    }),
    // NULLS NOT DISTINCT: only one catch-all mapping per (kind, service).
    unique('sku_mappings_key').on(t.tenantId, t.kind, t.service, t.product).nullsNotDistinct(),
  ],
);
