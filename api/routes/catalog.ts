import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type postgres from 'postgres';
import { skuList, skuMappingList, vendorDiscountLists } from '../../db/views/catalog.js';
import { allow, readers, staff } from '../auth.js';
import type { AppEnv } from '../context.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, MAX_INT32, nonEmptyPatch, router, security } from '../router.js';

const Price = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,6})?$/, 'a decimal string with up to 14 digits and 6 decimals')
  .openapi({ example: '31.50' });
const Percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a decimal string with up to 2 decimals')
  .refine((value) => Number(value) > 0 && Number(value) <= 100, 'must be more than 0 and at most 100')
  .openapi({ example: '5.00' });
const kinds = ['plan', 'instance', 'application', 'domain', 'usage'] as const;

const Tiers = z
  .array(z.object({ fromQuantity: z.number().int().min(1).max(MAX_INT32), unitPrice: Price }).strict())
  .max(100)
  .superRefine((tiers, ctx) => {
    tiers.forEach((tier, index) => {
      const previous = tiers[index - 1];
      if (previous && tier.fromQuantity <= previous.fromQuantity) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'fromQuantity'],
          message: "must be greater than the previous band's fromQuantity",
        });
      }
    });
  })
  .openapi({ description: 'price bands, replaced as a whole; units before the first band cost unitPrice' });

const SkuFields = {
  vendor: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(500),
  unitPrice: Price,
  billingModel: z.enum(['recurring', 'usage']),
  proration: z.enum(['daily', 'full']),
  pricingScheme: z.enum(['flat', 'tiered', 'volume']),
  tiers: Tiers,
};
const NewSku = z
  .object({
    code: z.string().trim().min(1).max(100),
    ...SkuFields,
    proration: SkuFields.proration.default('daily'),
    pricingScheme: SkuFields.pricingScheme.default('flat'),
    tiers: Tiers.default([]),
  })
  .strict();
const SkuPatch = nonEmptyPatch(z.object(SkuFields).partial().strict());

const SkuSchema = z
  .object({
    code: z.string(),
    ...SkuFields,
    tiers: z.array(z.object({ fromQuantity: z.number().int(), unitPrice: z.string() })),
    createdAt: z.string(),
  })
  .openapi('Sku');
const MappingSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(kinds),
    service: z.string(),
    product: z.string().nullable(),
    skuCode: z.string(),
  })
  .openapi('SkuMapping');
const NewMapping = z
  .object({
    kind: z.enum(kinds),
    service: z.string().trim().min(1).max(200),
    product: z.string().trim().min(1).max(200).nullable().default(null).openapi({
      description: 'null covers every product of the service; the most specific mapping wins',
    }),
    skuCode: z.string().min(1),
  })
  .strict();
const DiscountList = z
  .object({
    vendor: z.string().trim().min(1).max(200),
    discounts: z
      .array(z.object({ minServices: z.number().int().min(2).max(MAX_INT32), percent: Percent }).strict())
      .max(50)
      .superRefine((discounts, ctx) => {
        discounts.forEach((discount, index) => {
          if (discounts.findIndex((d) => d.minServices === discount.minServices) < index) {
            ctx.addIssue({ code: 'custom', path: [index, 'minServices'], message: 'appears twice' });
          }
        });
      }),
  })
  .openapi('VendorDiscounts');

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const conflict = {
  409: { description: 'Already exists', content: { 'application/problem+json': { schema: z.any() } } },
};
const CodeParam = z.object({
  code: z
    .string()
    .min(1)
    .openapi({ param: { name: 'code', in: 'path' } }),
});
const lockNote =
  'Prices apply to periods computed after the edit, including a reprocessed period awaiting approval; ' +
  'approved periods are locked and never change.';

/** SKUs and their price bands, what maps to them, and per-vendor multi-service discounts. */
export function catalogRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/skus',
      tags: ['Catalog'],
      security,
      summary: 'The SKUs with their prices and price bands',
      middleware: [allow(...readers)] as const,
      request: { query: z.object({ vendor: z.string().min(1).optional() }) },
      responses: { 200: json(z.object({ skus: z.array(SkuSchema) }), 'The SKUs'), ...errorResponses },
    }),
    async (c) => {
      const { vendor } = c.req.valid('query');
      const skus = await skuList(c.var.deps.sql, c.var.principal.tenantId, vendor ? { vendor } : {});
      return c.json({ skus }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/skus/{code}',
      tags: ['Catalog'],
      security,
      summary: 'One SKU',
      middleware: [allow(...readers)] as const,
      request: { params: CodeParam },
      responses: { 200: json(SkuSchema, 'The SKU'), ...errorResponses },
    }),
    async (c) => c.json(await oneSku(c, c.req.valid('param').code), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/skus',
      tags: ['Catalog'],
      security,
      summary: 'Create a SKU (audited)',
      description: lockNote,
      middleware: [allow('admin')] as const,
      request: { body: body(NewSku) },
      responses: { 201: json(SkuSchema, 'The new SKU'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const sku = c.req.valid('json');
      checkTiers(sku.pricingScheme, sku.tiers);
      const { principal, deps } = c.var;
      await deps.sql.begin(async (tx) => {
        const inserted = await tx`
          insert into skus (tenant_id, code, vendor, name, unit_price, billing_model, proration, pricing_scheme)
          values (${principal.tenantId}, ${sku.code}, ${sku.vendor}, ${sku.name}, ${sku.unitPrice},
                  ${sku.billingModel}, ${sku.proration}, ${sku.pricingScheme})
          on conflict (tenant_id, code) do nothing`;
        if (inserted.count === 0) throw new ProblemError(409, 'Conflict', `SKU '${sku.code}' already exists`);
        await writeTiers(tx, principal.tenantId, sku.code, sku.tiers);
        await audit(c, tx, 'sku.created', `sku:${sku.code}`, sku);
      });
      return c.json(await oneSku(c, sku.code), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/skus/{code}',
      tags: ['Catalog'],
      security,
      summary: "Change a SKU's vendor, name, price, models or bands (audited)",
      description: `Tiers, when given, replace the SKU's bands as a whole. ${lockNote}`,
      middleware: [allow('admin')] as const,
      request: { params: CodeParam, body: body(SkuPatch) },
      responses: { 200: json(SkuSchema, 'The SKU as it is now'), ...errorResponses },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { principal, deps } = c.var;
      await deps.sql.begin(async (tx) => {
        await tx`select 1 from skus where tenant_id = ${principal.tenantId} and code = ${code} for update`;
        const [before] = await skuList(tx, principal.tenantId, { code });
        if (!before) throw notFound(`no SKU '${code}'`);
        const after = { ...before, ...patch };
        checkTiers(after.pricingScheme, after.tiers);
        const changes = Object.fromEntries(
          (Object.keys(patch) as (keyof typeof patch)[])
            .filter((key) => JSON.stringify(normal(before[key])) !== JSON.stringify(normal(after[key])))
            .map((key) => [key, { from: before[key], to: after[key] }]),
        );
        if (Object.keys(changes).length === 0) return;
        await tx`
          update skus set vendor = ${after.vendor}, name = ${after.name}, unit_price = ${after.unitPrice},
                 billing_model = ${after.billingModel}, proration = ${after.proration},
                 pricing_scheme = ${after.pricingScheme}
          where tenant_id = ${principal.tenantId} and code = ${code}`;
        if (patch.tiers) await writeTiers(tx, principal.tenantId, code, patch.tiers);
        await audit(c, tx, 'sku.updated', `sku:${code}`, changes);
      });
      return c.json(await oneSku(c, code), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sku-mappings',
      tags: ['Catalog'],
      security,
      summary: 'What maps to which SKU, by (kind, service, product)',
      middleware: [allow(...staff)] as const,
      request: { query: z.object({ skuCode: z.string().min(1).optional() }) },
      responses: {
        200: json(z.object({ mappings: z.array(MappingSchema) }), 'The mappings'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { skuCode } = c.req.valid('query');
      const mappings = await skuMappingList(
        c.var.deps.sql,
        c.var.principal.tenantId,
        skuCode ? { skuCode } : {},
      );
      return c.json({ mappings }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sku-mappings',
      tags: ['Catalog'],
      security,
      summary: 'Map a service (or one product of it) to a SKU (audited)',
      description: `Elements with no mapping are itemised unmapped at price 0. ${lockNote}`,
      middleware: [allow('admin')] as const,
      request: { body: body(NewMapping) },
      responses: { 201: json(MappingSchema, 'The new mapping'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const mapping = c.req.valid('json');
      const { principal, deps } = c.var;
      const id = await deps.sql.begin(async (tx) => {
        const [sku] = await tx`
          select 1 from skus where tenant_id = ${principal.tenantId} and code = ${mapping.skuCode} for share`;
        if (!sku) throw invalid('skuCode', `no SKU '${mapping.skuCode}'`);
        const [row] = await tx<{ id: number }[]>`
          insert into sku_mappings (tenant_id, kind, service, product, sku_code)
          values (${principal.tenantId}, ${mapping.kind}, ${mapping.service}, ${mapping.product}, ${mapping.skuCode})
          on conflict on constraint sku_mappings_key do nothing
          returning id`;
        if (!row) {
          throw new ProblemError(
            409,
            'Conflict',
            `${mapping.kind} ${mapping.service}/${mapping.product ?? '*'} is already mapped`,
          );
        }
        await audit(c, tx, 'sku_mapping.created', `sku-mapping:${row.id}`, mapping);
        return row.id;
      });
      const [created] = await skuMappingList(deps.sql, principal.tenantId, { id });
      return c.json(created as z.infer<typeof MappingSchema>, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/sku-mappings/{id}',
      tags: ['Catalog'],
      security,
      summary: 'Remove a mapping (audited)',
      description: lockNote,
      middleware: [allow('admin')] as const,
      request: {
        params: IdParam,
      },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { principal, deps } = c.var;
      await deps.sql.begin(async (tx) => {
        const [removed] = await tx<
          { kind: string; service: string; product: string | null; skuCode: string }[]
        >`
          delete from sku_mappings where tenant_id = ${principal.tenantId} and id = ${id}
          returning kind, service, product, sku_code as "skuCode"`;
        if (!removed) throw notFound(`no SKU mapping ${id}`);
        await audit(c, tx, 'sku_mapping.deleted', `sku-mapping:${id}`, removed);
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/vendor-discounts',
      tags: ['Catalog'],
      security,
      summary: "Every vendor's multi-service discount brackets",
      middleware: [allow(...staff)] as const,
      responses: {
        200: json(z.object({ vendorDiscounts: z.array(DiscountList) }), 'The discounts'),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json({ vendorDiscounts: await vendorDiscountLists(c.var.deps.sql, c.var.principal.tenantId) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/vendor-discounts',
      tags: ['Catalog'],
      security,
      summary: "Replace one vendor's discount brackets (an empty list removes them; audited)",
      description:
        'An invoice-to customer taking at least minServices distinct services of the vendor in a period gets ' +
        `percent off that vendor's billable items (the highest bracket reached). ${lockNote}`,
      middleware: [allow('admin')] as const,
      request: { body: body(DiscountList.strict()) },
      responses: { 200: json(DiscountList, "The vendor's discounts as they are now"), ...errorResponses },
    }),
    async (c) => {
      const { vendor, discounts } = c.req.valid('json');
      const { principal, deps } = c.var;
      const now = await deps.sql.begin(async (tx) => {
        const [before] = await vendorDiscountLists(tx, principal.tenantId, vendor);
        await tx`delete from vendor_discounts where tenant_id = ${principal.tenantId} and vendor = ${vendor}`;
        for (const discount of discounts) {
          await tx`
            insert into vendor_discounts (tenant_id, vendor, min_services, percent)
            values (${principal.tenantId}, ${vendor}, ${discount.minServices}, ${discount.percent})`;
        }
        const [after] = await vendorDiscountLists(tx, principal.tenantId, vendor);
        const [from, to] = [before?.discounts ?? [], after?.discounts ?? []];
        if (JSON.stringify(from) !== JSON.stringify(to)) {
          await audit(c, tx, 'vendor_discounts.replaced', `vendor:${vendor}`, { from, to });
        }
        return after;
      });
      return c.json(now ?? { vendor, discounts: [] }, 200);
    },
  );
  return app;
}

async function oneSku(c: Context<AppEnv>, code: string) {
  const [sku] = await skuList(c.var.deps.sql, c.var.principal.tenantId, { code });
  if (!sku) throw notFound(`no SKU '${code}'`);
  return sku;
}

function checkTiers(scheme: 'flat' | 'tiered' | 'volume', tiers: readonly unknown[]) {
  if (scheme === 'flat' && tiers.length > 0) {
    throw invalid('tiers', 'a flat SKU has no price bands: use the tiered or volume scheme, or send []');
  }
  if (scheme !== 'flat' && tiers.length === 0) {
    throw invalid('tiers', `a ${scheme} SKU needs at least one price band`);
  }
}

async function writeTiers(
  tx: postgres.TransactionSql,
  tenantId: string,
  code: string,
  tiers: { fromQuantity: number; unitPrice: string }[],
) {
  await tx`delete from sku_price_tiers where tenant_id = ${tenantId} and sku_code = ${code}`;
  for (const tier of tiers) {
    await tx`
      insert into sku_price_tiers (tenant_id, sku_code, from_quantity, unit_price)
      values (${tenantId}, ${code}, ${tier.fromQuantity}, ${tier.unitPrice})`;
  }
}

/** Prices compare as numbers of the same scale: '31.5' and '31.500000' are the same price. */
function normal(value: unknown): unknown {
  if (typeof value === 'string' && /^\d+\.\d+$/.test(value))
    return value.replace(/0+$/, '').replace(/\.$/, '');
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'object' && v ? { ...v, unitPrice: normal(v.unitPrice) } : v));
  return value;
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
