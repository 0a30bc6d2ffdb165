import { createRoute, z } from '@hono/zod-openapi';
import { skuMappingList } from '../../db/views/catalog.js';
import { audit } from '../audit-log.js';
import { allow, staff } from '../auth.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, jsonBody, jsonResponse, router, security } from '../router.js';
import { alreadyExists as conflict, lockNote } from './catalog-shared.js';

const kinds = ['plan', 'instance', 'application', 'domain', 'usage'] as const;

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

/** What maps to which SKU, by (kind, service, product). */
export function skuMappingRoutes() {
  const app = router();

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
        200: jsonResponse(z.object({ mappings: z.array(MappingSchema) }), 'The mappings'),
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
      request: { body: jsonBody(NewMapping) },
      responses: { 201: jsonResponse(MappingSchema, 'The new mapping'), ...errorResponses, ...conflict },
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
  return app;
}
