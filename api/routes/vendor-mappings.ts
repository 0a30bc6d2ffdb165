import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type postgres from 'postgres';
import { allow, staff } from '../auth.js';
import type { AppEnv } from '../context.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, router, security } from '../router.js';

const tags = ['Vendor reconciliation'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const conflict = {
  409: { description: 'Already mapped', content: { 'application/problem+json': { schema: z.any() } } },
};
const text = (description: string) => z.string().trim().min(1).max(200).openapi({ description });

const CustomerMappingSchema = z
  .object({
    id: z.number().int(),
    vendor: z.string(),
    vendorCustomerId: z.string(),
    customer: z.object({ ref: z.string(), name: z.string() }),
    createdBy: z.string(),
  })
  .openapi('VendorCustomerMapping');
const ProductMappingSchema = z
  .object({
    id: z.number().int(),
    vendor: z.string(),
    vendorProductId: z.string(),
    sku: z.string(),
    createdBy: z.string(),
  })
  .openapi('VendorProductMapping');
const VendorQuery = z.object({ vendor: z.string().min(1).optional() }).strict();
const CostPrice = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,6})?$/, 'a decimal string with up to 14 digits and 6 decimals')
  .openapi({ example: '9.50', description: 'cost per unit per period' });
const CodeParam = z.object({
  code: z
    .string()
    .min(1)
    .openapi({ param: { name: 'code', in: 'path' } }),
});

/**
 * Vendor customer ids (a Microsoft customer tenant id, or its domain) to customers, vendor product
 * ids (`ProductId:SkuId`, or the ProductId alone) to SKUs, and SKU cost prices. Vendor lines are
 * matched through these at read time, so a new mapping re-matches lines already imported.
 */
export function vendorMappingRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/vendor-mappings/customers',
      tags,
      security,
      summary: 'Vendor customer ids mapped to customers',
      middleware: [allow(...staff)] as const,
      request: { query: VendorQuery },
      responses: {
        200: json(z.object({ mappings: z.array(CustomerMappingSchema) }), 'The mappings'),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        {
          mappings: await customerMappings(
            c.var.deps.sql,
            c.var.principal.tenantId,
            c.req.valid('query').vendor,
          ),
        },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/vendor-mappings/customers',
      tags,
      security,
      summary: 'Map a vendor customer id to a customer (audited)',
      middleware: [allow('admin', 'finance')] as const,
      request: {
        body: body(
          z
            .object({
              vendor: text('the vendor, as its lines name it'),
              vendorCustomerId: text('a Microsoft customer tenant id or domain, or the vendor’s own id'),
              customer: text('the customer’s ref'),
            })
            .strict(),
        ),
      },
      responses: { 201: json(CustomerMappingSchema, 'The mapping'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const mapping = c.req.valid('json');
      const { principal, deps } = c.var;
      const id = await deps.sql.begin(async (tx) => {
        const [customer] = await tx<{ id: number }[]>`
          select id from customers where tenant_id = ${principal.tenantId} and ref = ${mapping.customer}`;
        if (!customer) throw invalid('customer', `no customer '${mapping.customer}'`);
        const [row] = await tx<{ id: number }[]>`
          insert into vendor_customer_mappings (tenant_id, vendor, vendor_customer_id, customer_id, created_by)
          values (${principal.tenantId}, ${mapping.vendor}, ${mapping.vendorCustomerId}, ${customer.id}, ${principal.name})
          on conflict (tenant_id, vendor, vendor_customer_id) do nothing
          returning id`;
        if (!row)
          throw new ProblemError(
            409,
            'Conflict',
            `${mapping.vendor} customer '${mapping.vendorCustomerId}' is already mapped`,
          );
        await audit(c, tx, 'vendor_customer_mapping.created', `vendor_customer_mapping:${row.id}`, mapping);
        return row.id;
      });
      const [created] = (await customerMappings(deps.sql, principal.tenantId)).filter((m) => m.id === id);
      return c.json(created as z.infer<typeof CustomerMappingSchema>, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/vendor-mappings/customers/{id}',
      tags,
      security,
      summary: 'Remove a customer mapping (audited): its lines become unmapped again',
      middleware: [allow('admin', 'finance')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await c.var.deps.sql.begin(async (tx) => {
        const [removed] = await tx`
          delete from vendor_customer_mappings where tenant_id = ${c.var.principal.tenantId} and id = ${id} returning id`;
        if (!removed) throw notFound(`no vendor customer mapping ${id}`);
        await audit(c, tx, 'vendor_customer_mapping.deleted', `vendor_customer_mapping:${id}`, {});
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/vendor-mappings/products',
      tags,
      security,
      summary: 'Vendor product ids mapped to SKUs',
      middleware: [allow(...staff)] as const,
      request: { query: VendorQuery },
      responses: {
        200: json(z.object({ mappings: z.array(ProductMappingSchema) }), 'The mappings'),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        {
          mappings: await productMappings(
            c.var.deps.sql,
            c.var.principal.tenantId,
            c.req.valid('query').vendor,
          ),
        },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/vendor-mappings/products',
      tags,
      security,
      summary: 'Map a vendor product id to a SKU (audited)',
      middleware: [allow('admin', 'finance')] as const,
      request: {
        body: body(
          z
            .object({
              vendor: text('the vendor, as its lines name it'),
              vendorProductId: text('Microsoft: ProductId:SkuId, or the ProductId for all its SKUs'),
              sku: text('the SKU code'),
            })
            .strict(),
        ),
      },
      responses: { 201: json(ProductMappingSchema, 'The mapping'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const mapping = c.req.valid('json');
      const { principal, deps } = c.var;
      const id = await deps.sql.begin(async (tx) => {
        const [sku] =
          await tx`select code from skus where tenant_id = ${principal.tenantId} and code = ${mapping.sku}`;
        if (!sku) throw invalid('sku', `no SKU '${mapping.sku}'`);
        const [row] = await tx<{ id: number }[]>`
          insert into vendor_product_mappings (tenant_id, vendor, vendor_product_id, sku_code, created_by)
          values (${principal.tenantId}, ${mapping.vendor}, ${mapping.vendorProductId}, ${mapping.sku}, ${principal.name})
          on conflict (tenant_id, vendor, vendor_product_id) do nothing
          returning id`;
        if (!row)
          throw new ProblemError(
            409,
            'Conflict',
            `${mapping.vendor} product '${mapping.vendorProductId}' is already mapped`,
          );
        await audit(c, tx, 'vendor_product_mapping.created', `vendor_product_mapping:${row.id}`, mapping);
        return row.id;
      });
      const [created] = (await productMappings(deps.sql, principal.tenantId)).filter((m) => m.id === id);
      return c.json(created as z.infer<typeof ProductMappingSchema>, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/vendor-mappings/products/{id}',
      tags,
      security,
      summary: 'Remove a product mapping (audited): its lines become unmapped again',
      middleware: [allow('admin', 'finance')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await c.var.deps.sql.begin(async (tx) => {
        const [removed] = await tx`
          delete from vendor_product_mappings where tenant_id = ${c.var.principal.tenantId} and id = ${id} returning id`;
        if (!removed) throw notFound(`no vendor product mapping ${id}`);
        await audit(c, tx, 'vendor_product_mapping.deleted', `vendor_product_mapping:${id}`, {});
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/skus/{code}/cost',
      tags,
      security,
      summary:
        "Set a SKU's cost price per unit per period (audited): the cost where no vendor file gives one",
      middleware: [allow('admin', 'finance')] as const,
      request: { params: CodeParam, body: body(z.object({ costPrice: CostPrice }).strict()) },
      responses: {
        200: json(z.object({ sku: z.string(), costPrice: z.string() }), 'The cost price'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      const { costPrice } = c.req.valid('json');
      const { principal, deps } = c.var;
      const stored = await deps.sql.begin(async (tx) => {
        const [sku] =
          await tx`select code from skus where tenant_id = ${principal.tenantId} and code = ${code}`;
        if (!sku) throw notFound(`no SKU '${code}'`);
        const [row] = await tx<{ costPrice: string }[]>`
          insert into sku_costs (tenant_id, sku_code, cost_price, updated_by)
          values (${principal.tenantId}, ${code}, ${costPrice}, ${principal.name})
          on conflict (tenant_id, sku_code) do update set cost_price = excluded.cost_price,
            updated_by = excluded.updated_by, updated_at = now()
          returning trim_scale(cost_price)::text as "costPrice"`;
        await audit(c, tx, 'sku.cost_set', `sku:${code}`, { costPrice });
        return row?.costPrice ?? costPrice;
      });
      return c.json({ sku: code, costPrice: stored }, 200);
    },
  );

  return app;
}

function customerMappings(sql: postgres.Sql, tenantId: string, vendor?: string) {
  return sql<z.infer<typeof CustomerMappingSchema>[]>`
    select m.id::int, m.vendor, m.vendor_customer_id as "vendorCustomerId",
           json_build_object('ref', c.ref, 'name', c.name) as customer, m.created_by as "createdBy"
    from vendor_customer_mappings m join customers c on c.tenant_id = m.tenant_id and c.id = m.customer_id
    where m.tenant_id = ${tenantId} ${vendor === undefined ? sql`` : sql`and m.vendor = ${vendor}`}
    order by m.vendor, m.vendor_customer_id`;
}

function productMappings(sql: postgres.Sql, tenantId: string, vendor?: string) {
  return sql<z.infer<typeof ProductMappingSchema>[]>`
    select m.id::int, m.vendor, m.vendor_product_id as "vendorProductId", m.sku_code as sku, m.created_by as "createdBy"
    from vendor_product_mappings m
    where m.tenant_id = ${tenantId} ${vendor === undefined ? sql`` : sql`and m.vendor = ${vendor}`}
    order by m.vendor, m.vendor_product_id`;
}

async function audit(
  c: Context<AppEnv>,
  tx: postgres.TransactionSql,
  action: string,
  subject: string,
  details: object,
) {
  const { principal } = c.var;
  await tx`
    insert into audit_log (tenant_id, actor, action, subject, details)
    values (${principal.tenantId}, ${principal.name}, ${action}, ${subject},
            ${tx.json({ ...details, requestId: c.get('requestId') } as postgres.JSONValue)})`;
}
