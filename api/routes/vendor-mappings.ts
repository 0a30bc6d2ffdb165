import { createRoute, z } from '@hono/zod-openapi';
import type postgres from 'postgres';
import { audit } from '../audit-log.js';
import { allow, staff } from '../auth.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, jsonBody, jsonResponse, router, security } from '../router.js';
import { CodeParam } from './catalog-shared.js';

const tags = ['Vendor reconciliation'];
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

/** A kind of vendor mapping: the vendor's id for a thing, mapped to our own customer or SKU. */
interface MappingKind<Row extends { id: number }> {
  /** Names the path (`/vendor-mappings/{noun}s`), the table, audit actions and messages. */
  noun: 'customer' | 'product';
  schema: z.ZodType<Row>;
  summaries: { list: string; create: string; remove: string };
  vendorId: { field: string; column: string; description: string };
  target: { field: string; column: string; description: string; name: string };
  /** The value stored for a target ref in the caller's tenant, or undefined when there is none. */
  resolve: (
    tx: postgres.TransactionSql,
    tenantId: string,
    ref: string,
  ) => Promise<string | number | undefined>;
  list: (sql: postgres.Sql, tenantId: string, vendor?: string) => Promise<Row[]>;
}

const customerKind: MappingKind<z.infer<typeof CustomerMappingSchema>> = {
  noun: 'customer',
  schema: CustomerMappingSchema,
  summaries: {
    list: 'Vendor customer ids mapped to customers',
    create: 'Map a vendor customer id to a customer (audited)',
    remove: 'Remove a customer mapping (audited): its lines become unmapped again',
  },
  vendorId: {
    field: 'vendorCustomerId',
    column: 'vendor_customer_id',
    description: 'a Microsoft customer tenant id or domain, or the vendor’s own id',
  },
  target: { field: 'customer', column: 'customer_id', description: 'the customer’s ref', name: 'customer' },
  resolve: async (tx, tenantId, ref) => {
    const [customer] = await tx<{ id: number }[]>`
      select id from customers where tenant_id = ${tenantId} and ref = ${ref}`;
    return customer?.id;
  },
  list: (sql, tenantId, vendor) => sql<z.infer<typeof CustomerMappingSchema>[]>`
    select m.id::int, m.vendor, m.vendor_customer_id as "vendorCustomerId",
           json_build_object('ref', c.ref, 'name', c.name) as customer, m.created_by as "createdBy"
    from vendor_customer_mappings m join customers c on c.tenant_id = m.tenant_id and c.id = m.customer_id
    where m.tenant_id = ${tenantId} ${vendor === undefined ? sql`` : sql`and m.vendor = ${vendor}`}
    order by m.vendor, m.vendor_customer_id`,
};

const productKind: MappingKind<z.infer<typeof ProductMappingSchema>> = {
  noun: 'product',
  schema: ProductMappingSchema,
  summaries: {
    list: 'Vendor product ids mapped to SKUs',
    create: 'Map a vendor product id to a SKU (audited)',
    remove: 'Remove a product mapping (audited): its lines become unmapped again',
  },
  vendorId: {
    field: 'vendorProductId',
    column: 'vendor_product_id',
    description: 'Microsoft: ProductId:SkuId, or the ProductId for all its SKUs',
  },
  target: { field: 'sku', column: 'sku_code', description: 'the SKU code', name: 'SKU' },
  resolve: async (tx, tenantId, ref) => {
    const [sku] = await tx<{ code: string }[]>`
      select code from skus where tenant_id = ${tenantId} and code = ${ref}`;
    return sku?.code;
  },
  list: (sql, tenantId, vendor) => sql<z.infer<typeof ProductMappingSchema>[]>`
    select m.id::int, m.vendor, m.vendor_product_id as "vendorProductId", m.sku_code as sku, m.created_by as "createdBy"
    from vendor_product_mappings m
    where m.tenant_id = ${tenantId} ${vendor === undefined ? sql`` : sql`and m.vendor = ${vendor}`}
    order by m.vendor, m.vendor_product_id`,
};

/**
 * Vendor customer ids (a Microsoft customer tenant id, or its domain) to customers, vendor product
 * ids (`ProductId:SkuId`, or the ProductId alone) to SKUs, and SKU cost prices. Vendor lines are
 * matched through these at read time, so a new mapping re-matches lines already imported.
 */
export function vendorMappingRoutes() {
  const app = router();
  mappingRoutes(app, customerKind);
  mappingRoutes(app, productKind);

  app.openapi(
    createRoute({
      method: 'put',
      path: '/skus/{code}/cost',
      tags,
      security,
      summary:
        "Set a SKU's cost price per unit per period (audited): the cost where no vendor file gives one",
      middleware: [allow('admin', 'finance')] as const,
      request: { params: CodeParam, body: jsonBody(z.object({ costPrice: CostPrice }).strict()) },
      responses: {
        200: jsonResponse(z.object({ sku: z.string(), costPrice: z.string() }), 'The cost price'),
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

/** List, create and remove routes for one kind of mapping, all in the caller's tenant. */
function mappingRoutes<Row extends { id: number }>(app: ReturnType<typeof router>, kind: MappingKind<Row>) {
  const path = `/vendor-mappings/${kind.noun}s`;
  const table = `vendor_${kind.noun}_mappings`;
  const subject = `vendor_${kind.noun}_mapping`;
  app.openapi(
    createRoute({
      method: 'get',
      path,
      tags,
      security,
      summary: kind.summaries.list,
      middleware: [allow(...staff)] as const,
      request: { query: VendorQuery },
      responses: {
        200: jsonResponse(z.object({ mappings: z.array(kind.schema) }), 'The mappings'),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        { mappings: await kind.list(c.var.deps.sql, c.var.principal.tenantId, c.req.valid('query').vendor) },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path,
      tags,
      security,
      summary: kind.summaries.create,
      middleware: [allow('admin', 'finance')] as const,
      request: {
        body: jsonBody(
          z
            .object({
              vendor: text('the vendor, as its lines name it'),
              [kind.vendorId.field]: text(kind.vendorId.description),
              [kind.target.field]: text(kind.target.description),
            })
            .strict(),
        ),
      },
      responses: { 201: jsonResponse(kind.schema, 'The mapping'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const mapping = c.req.valid('json') as Record<string, string> & { vendor: string };
      const [vendorId, ref] = [mapping[kind.vendorId.field], mapping[kind.target.field]] as [string, string];
      const { principal, deps } = c.var;
      const id = await deps.sql.begin(async (tx) => {
        const target = await kind.resolve(tx, principal.tenantId, ref);
        if (target === undefined) throw invalid(kind.target.field, `no ${kind.target.name} '${ref}'`);
        const [row] = await tx<{ id: number }[]>`
          insert into ${tx(table)} (tenant_id, vendor, ${tx(kind.vendorId.column)}, ${tx(kind.target.column)}, created_by)
          values (${principal.tenantId}, ${mapping.vendor}, ${vendorId}, ${target}, ${principal.name})
          on conflict (tenant_id, vendor, ${tx(kind.vendorId.column)}) do nothing
          returning id`;
        if (!row)
          throw new ProblemError(
            409,
            'Conflict',
            `${mapping.vendor} ${kind.noun} '${vendorId}' is already mapped`,
          );
        await audit(c, tx, `${subject}.created`, `${subject}:${row.id}`, mapping);
        return row.id;
      });
      const [created] = (await kind.list(deps.sql, principal.tenantId)).filter((m) => m.id === id);
      return c.json(created as Row, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${path}/{id}`,
      tags,
      security,
      summary: kind.summaries.remove,
      middleware: [allow('admin', 'finance')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await c.var.deps.sql.begin(async (tx) => {
        const [removed] = await tx`
          delete from ${tx(table)} where tenant_id = ${c.var.principal.tenantId} and id = ${id} returning id`;
        if (!removed) throw notFound(`no vendor ${kind.noun} mapping ${id}`);
        await audit(c, tx, `${subject}.deleted`, `${subject}:${id}`, {});
      });
      return c.body(null, 204);
    },
  );
}
