import { createRoute, z } from '@hono/zod-openapi';
import { unmappedElements } from '../../db/views/unmapped-elements.js';
import { allow, staff } from '../auth.js';
import { errorResponses, router, security } from '../router.js';

const UnmappedSchema = z
  .object({
    unmapped: z.array(
      z.object({
        kind: z.enum(['plan', 'instance', 'application', 'domain']),
        service: z.string(),
        product: z.string(),
        elements: z.number().int(),
        customers: z.number().int(),
        quantity: z.string().openapi({ description: 'units held, an exact decimal' }),
        firstStartedAt: z.string(),
      }),
    ),
  })
  .openapi('UnmappedElements');

/** What no SKU prices yet: the list to map from (POST /v1/sku-mappings). */
export function unmappedRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unmapped-elements',
      tags: ['Catalog'],
      security,
      summary: 'Live elements no SKU mapping prices, by kind, service and product',
      middleware: [allow(...staff)] as const,
      responses: {
        200: {
          description: 'The unmapped elements',
          content: { 'application/json': { schema: UnmappedSchema } },
        },
        ...errorResponses,
      },
    }),
    async (c) => c.json({ unmapped: await unmappedElements(c.var.deps.sql, c.var.principal.tenantId) }, 200),
  );
  return app;
}
