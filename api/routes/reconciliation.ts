import { createRoute, z } from '@hono/zod-openapi';
import { reconciliationMargins, reconciliationTotals } from '../../billing/index.js';
import { periodCustomerNames, periodReconciliation } from '../../db/views/reconciliation.js';
import { allow, staff } from '../auth.js';
import { errorResponses, router, security } from '../router.js';
import { decimal, header, PeriodHeaderSchema, PeriodParam, periodScope, revision } from './view-shapes.js';

const reasons = [
  'unbilled',
  'billed_not_purchased',
  'quantity',
  'excluded_but_charged',
  'below_cost',
] as const;

const VarianceSchema = z.object({
  reason: z.enum(reasons),
  unitDays: decimal,
  amount: decimal,
  revenueLost: decimal
    .optional()
    .openapi({ description: 'unbilled only: the SKU price of the charged unit-days' }),
});

const CustomerRef = z.object({ ref: z.string(), name: z.string() });
const MarginFigures = {
  billed: decimal,
  cost: decimal,
  margin: decimal,
  linesWithoutCost: z
    .number()
    .int()
    .openapi({ description: 'lines with no vendor charge and no cost price' }),
};

export const ReconciliationSchema = z
  .object({
    period: PeriodHeaderSchema,
    vendor: z.string().nullable(),
    totals: z.object({
      lines: z.number().int(),
      matched: z.number().int(),
      billed: decimal,
      charged: decimal,
      cost: decimal,
      margin: decimal,
      unbilledRevenueLost: decimal,
      unmappedCharged: decimal,
      variances: z.array(z.object({ reason: z.enum(reasons), count: z.number().int(), amount: decimal })),
    }),
    lines: z.array(
      z.object({
        vendor: z.string(),
        customer: z.object({ ref: z.string(), name: z.string() }),
        sku: z.string(),
        unitsAtEnd: decimal,
        provisionedUnitDays: decimal,
        billedUnitDays: decimal,
        excludedUnitDays: decimal,
        chargedUnitDays: decimal,
        billedAmount: decimal,
        chargedAmount: decimal,
        unitCost: decimal.nullable(),
        costSource: z.enum(['vendor', 'cost_price']).nullable(),
        cost: decimal.nullable(),
        margin: decimal.nullable(),
        variances: z.array(VarianceSchema),
      }),
    ),
    margins: z.object({
      vendors: z.array(z.object({ vendor: z.string(), ...MarginFigures })),
      customers: z.array(z.object({ customer: CustomerRef, ...MarginFigures })),
      resellers: z.array(
        z
          .object({ customer: CustomerRef, ...MarginFigures })
          .openapi({ description: 'over the whole subtree' }),
      ),
    }),
    unmapped: z.array(
      z.object({
        vendor: z.string(),
        vendorCustomerId: z.string(),
        vendorProductId: z.string(),
        missing: z.array(z.enum(['customer', 'product'])),
        chargedUnitDays: decimal,
        chargedAmount: decimal,
      }),
    ),
  })
  .openapi('Reconciliation');

/** The period's three-way match for the tenant's staff; customers never see costs. */
export function reconciliationRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}/reconciliation',
      tags: ['Vendor reconciliation'],
      security,
      summary:
        'Provisioned, billed and charged per vendor, customer and SKU, with variances, cost and margin',
      description:
        'Vendor charges are apportioned to the period by days (docs/billing-choices.md); lines whose customer ' +
        'or product maps to nothing are listed under `unmapped` and counted in the charged total.',
      middleware: [allow(...staff)] as const,
      request: {
        params: PeriodParam,
        query: z.object({ revision, vendor: z.string().min(1).max(100).optional() }).strict(),
      },
      responses: {
        200: {
          description: 'The reconciliation',
          content: { 'application/json': { schema: ReconciliationSchema } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { revision: wanted, vendor } = c.req.valid('query');
      const { period } = await periodScope(c, c.req.valid('param').period, wanted);
      const { sql } = c.var.deps;
      const [result, names] = await Promise.all([
        periodReconciliation(sql, period, vendor),
        periodCustomerNames(sql, period),
      ]);
      const margins = reconciliationMargins(
        result,
        new Map([...names].map(([id, customer]) => [id, customer.ancestorIds])),
      );
      const refOf = (id: number) => {
        const customer = names.get(id);
        return customer ? { ref: customer.ref, name: customer.name } : { ref: String(id), name: '' };
      };
      return c.json(
        {
          period: header(period),
          vendor: vendor ?? null,
          totals: reconciliationTotals(result),
          lines: result.lines
            .map(({ customerId, skuCode, vendor: lineVendor, ...line }) => ({
              vendor: lineVendor,
              customer: refOf(customerId),
              sku: skuCode,
              ...line,
            }))
            .sort(
              (a, b) =>
                a.vendor.localeCompare(b.vendor) ||
                a.customer.ref.localeCompare(b.customer.ref) ||
                a.sku.localeCompare(b.sku),
            ),
          margins: {
            vendors: margins.vendors,
            customers: margins.customers.map(({ customerId, ...figures }) => ({
              customer: refOf(customerId),
              ...figures,
            })),
            resellers: margins.resellers.map(({ customerId, ...figures }) => ({
              customer: refOf(customerId),
              ...figures,
            })),
          },
          unmapped: result.unmapped,
        },
        200,
      );
    },
  );
  return app;
}
