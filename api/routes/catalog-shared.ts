import { z } from '@hono/zod-openapi';

/** What the catalog routers (SKUs, SKU mappings, vendor discounts) and the SKU cost route share. */
export const CodeParam = z.object({
  code: z
    .string()
    .min(1)
    .openapi({ param: { name: 'code', in: 'path' } }),
});

export const alreadyExists = {
  409: { description: 'Already exists', content: { 'application/problem+json': { schema: z.any() } } },
};

export const lockNote =
  'Prices apply to periods computed after the edit, including a reprocessed period awaiting approval; ' +
  'approved periods are locked and never change.';
