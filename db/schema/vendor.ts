import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
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
import { skus } from './catalog.js';
import { customers, tenants } from './tenancy.js';

/** What the vendors charge the tenant, how their ids map to Monthend's, and SKU cost prices. */

export const vendorFileFormat = pgEnum('vendor_file_format', ['microsoft_nce', 'generic']);

// Vendor prices carry the same precision as SKU prices; amounts are kept as the vendor wrote them.
const price = (name: string) => numeric(name, { precision: 20, scale: 6 });

/** One imported vendor file, once per tenant and content: the same file again is the same import. */
export const vendorImports = pgTable(
  'vendor_imports',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    vendor: text('vendor').notNull(),
    format: vendorFileFormat('format').notNull(),
    sha256: text('sha256').notNull(),
    lineCount: integer('line_count').notNull(),
    firstChargeDate: date('first_charge_date'),
    // The span of the file's charges: a period reads only the imports overlapping it.
    lastChargeDate: date('last_charge_date'),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('vendor_imports_file').on(t.tenantId, t.sha256),
    unique('vendor_imports_tenant_id').on(t.tenantId, t.id),
    index('vendor_imports_span').on(t.tenantId, t.firstChargeDate, t.lastChargeDate),
  ],
);

/**
 * One line of a vendor file, credits included (negative amounts), never dropped: it stays here
 * whether or not its customer and product map, and is matched at read time through the mappings.
 */
export const vendorLines = pgTable(
  'vendor_lines',
  {
    importId: bigint('import_id', { mode: 'number' }).notNull(),
    lineNumber: integer('line_number').notNull(),
    tenantId: text('tenant_id').notNull(),
    vendor: text('vendor').notNull(),
    vendorCustomerId: text('vendor_customer_id').notNull(),
    vendorCustomerDomain: text('vendor_customer_domain'),
    vendorCustomerName: text('vendor_customer_name'),
    vendorProductId: text('vendor_product_id').notNull(),
    productName: text('product_name'),
    chargeType: text('charge_type'),
    subscriptionId: text('subscription_id'),
    // Both inclusive, as Microsoft's ChargeStartDate and ChargeEndDate.
    chargeStart: date('charge_start').notNull(),
    chargeEnd: date('charge_end').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    unitCost: price('unit_cost').notNull(),
    amount: price('amount').notNull(),
    currency: text('currency').notNull(),
  },
  // No row-by-row foreign key and one index only: lines arrive by COPY in the transaction that
  // inserts their import, and a period finds its lines through the imports whose dates overlap it.
  (t) => [
    primaryKey({ columns: [t.importId, t.lineNumber] }),
    check('vendor_lines_span', sql`${t.chargeEnd} >= ${t.chargeStart}`),
  ],
);

/** A vendor's customer id (a Microsoft customer tenant id, or its domain) -> a Monthend customer. */
export const vendorCustomerMappings = pgTable(
  'vendor_customer_mappings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    vendor: text('vendor').notNull(),
    vendorCustomerId: text('vendor_customer_id').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('vendor_customer_mappings_key').on(t.tenantId, t.vendor, t.vendorCustomerId),
    foreignKey({
      name: 'vendor_customer_mappings_customer_fk',
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
  ],
);

/** A vendor's product id (Microsoft: `ProductId:SkuId`, or the ProductId alone) -> a SKU. */
export const vendorProductMappings = pgTable(
  'vendor_product_mappings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    vendor: text('vendor').notNull(),
    vendorProductId: text('vendor_product_id').notNull(),
    skuCode: text('sku_code').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('vendor_product_mappings_key').on(t.tenantId, t.vendor, t.vendorProductId),
    foreignKey({
      name: 'vendor_product_mappings_sku_fk',
      columns: [t.tenantId, t.skuCode],
      foreignColumns: [skus.tenantId, skus.code],
    }),
  ],
);

/** A SKU's cost per unit per period, serving as cost where no vendor line gives it. */
export const skuCosts = pgTable(
  'sku_costs',
  {
    tenantId: text('tenant_id').notNull(),
    skuCode: text('sku_code').notNull(),
    costPrice: price('cost_price').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.skuCode] }),
    foreignKey({
      name: 'sku_costs_sku_fk',
      columns: [t.tenantId, t.skuCode],
      foreignColumns: [skus.tenantId, skus.code],
    }).onDelete('cascade'),
    check('sku_costs_not_negative', sql`${t.costPrice} >= 0`),
  ],
);
