import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type postgres from 'postgres';
import { skuList } from '../../db/views/catalog.js';
import { audit } from '../audit-log.js';
import { allow, readers } from '../auth.js';
import type { AppEnv } from '../context.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  MAX_INT32,
  nonEmptyPatch,
  router,
  security,
} from '../router.js';
import { CodeParam, alreadyExists as conflict, lockNote } from './catalog-shared.js';

const Price = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,6})?$/, 'a decimal string with up to 14 digits and 6 decimals')
  .openapi({ example: '31.50' });

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

/** SKUs and their price bands. */
export function skuRoutes() {
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
      responses: { 200: jsonResponse(z.object({ skus: z.array(SkuSchema) }), 'The SKUs'), ...errorResponses },
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
      responses: { 200: jsonResponse(SkuSchema, 'The SKU'), ...errorResponses },
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
      request: { body: jsonBody(NewSku) },
      responses: { 201: jsonResponse(SkuSchema, 'The new SKU'), ...errorResponses, ...conflict },
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
      request: { params: CodeParam, body: jsonBody(SkuPatch) },
      responses: { 200: jsonResponse(SkuSchema, 'The SKU as it is now'), ...errorResponses },
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
