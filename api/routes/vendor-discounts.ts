import { createRoute, z } from '@hono/zod-openapi';
import { vendorDiscountLists } from '../../db/views/catalog.js';
import { audit } from '../audit-log.js';
import { allow, staff } from '../auth.js';
import { errorResponses, jsonBody, jsonResponse, MAX_INT32, router, security } from '../router.js';
import { lockNote } from './catalog-shared.js';

const Percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a decimal string with up to 2 decimals')
  .refine((value) => Number(value) > 0 && Number(value) <= 100, 'must be more than 0 and at most 100')
  .openapi({ example: '5.00' });
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

/** Per-vendor multi-service discounts. */
export function vendorDiscountRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/vendor-discounts',
      tags: ['Catalog'],
      security,
      summary: "Every vendor's multi-service discount brackets",
      middleware: [allow(...staff)] as const,
      responses: {
        200: jsonResponse(z.object({ vendorDiscounts: z.array(DiscountList) }), 'The discounts'),
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
      request: { body: jsonBody(DiscountList.strict()) },
      responses: {
        200: jsonResponse(DiscountList, "The vendor's discounts as they are now"),
        ...errorResponses,
      },
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
