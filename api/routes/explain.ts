import { createRoute, z } from '@hono/zod-openapi';
import { explainAmount } from '../../billing/explain-amount.js';
import { toDecimal } from '../../billing/index.js';
import {
  elementWithChanges,
  explainedItem,
  itemParts,
  skuPricing,
  unitsHeld,
} from '../../db/views/explanation.js';
import { itemsPage } from '../../db/views/items.js';
import { allow, readers } from '../auth.js';
import { notFound } from '../problems.js';
import { errorResponses, IdParam, router, security } from '../router.js';
import { decimal, ItemSchema, item, itemCostsFor, PeriodHeaderSchema } from './view-shapes.js';

const ChangeEntrySchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    actor: z.string(),
  })
  .openapi('ChangeEntry');
const RuleRangeSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
const ExplanationSchema = z
  .object({
    item: ItemSchema,
    period: PeriodHeaderSchema,
    element: z
      .object({
        kind: z.string(),
        name: z.string().openapi({ description: 'the instance, domain or application id, or the plan' }),
        service: z.string(),
        product: z.string(),
        quantity: decimal,
        startedAt: z.string(),
        endedAt: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: 'null for a usage item: its entry is `changes.started`' }),
    changes: z.object({ started: ChangeEntrySchema.nullable(), ended: ChangeEntrySchema.nullable() }),
    rules: z.array(RuleRangeSchema).openapi({ description: 'the rules that cut the element in this period' }),
    parts: z
      .array(
        z.object({
          itemId: z.number().int(),
          activeFrom: z.string(),
          activeTo: z.string(),
          daysActive: z.number().int(),
          billable: z.boolean(),
          amount: decimal,
          rule: RuleRangeSchema.nullable(),
        }),
      )
      .openapi({ description: 'the billable and non-billable parts of the element in this period, by date' }),
    sku: z
      .object({
        code: z.string(),
        name: z.string(),
        billingModel: z.enum(['recurring', 'usage']),
        proration: z.enum(['daily', 'full']),
        pricingScheme: z.enum(['flat', 'tiered', 'volume']),
        unitPrice: decimal,
        tiers: z.array(z.object({ fromQuantity: z.number().int(), unitPrice: decimal })),
      })
      .nullable(),
    arithmetic: z.object({
      unitsHeld: decimal.nullable().openapi({
        description: 'units placing the invoice-to customer on the SKU’s tiers (tiered and volume SKUs)',
      }),
      steps: z.array(
        z.object({
          step: z.enum(['unitPrice', 'charge', 'discount', 'rounding', 'notCharged']),
          description: z.string(),
          value: decimal,
        }),
      ),
      unrounded: decimal,
      amount: decimal,
      matchesStoredAmount: z.boolean().openapi({
        description: 'false only when the SKU’s price or tiers changed after the item was priced',
      }),
    }),
  })
  .openapi('ItemExplanation');

/** Explain this item: where it comes from, what cut it, and the arithmetic of its amount. */
export function explainRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/explanation',
      tags: ['Views'],
      security,
      summary: 'Explain an item: its element, the change-log entries, the rules that cut it, its arithmetic',
      middleware: [allow(...readers)] as const,
      request: { params: IdParam },
      responses: {
        200: {
          description: 'The explanation',
          content: { 'application/json': { schema: ExplanationSchema } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { principal, deps } = c.var;
      const { sql } = deps;
      const scope = {
        tenantId: principal.tenantId,
        ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
      };
      const found = await explainedItem(sql, scope, id);
      if (!found) throw notFound(`no item ${id}`);
      const [rows, { element, usage }, parts, sku] = await Promise.all([
        itemsPage(sql, { ...scope, periodId: found.periodId }, {}, { after: id - 1, limit: 1 }),
        elementWithChanges(sql, principal.tenantId, found),
        itemParts(sql, principal.tenantId, found),
        found.skuCode === null ? undefined : skuPricing(sql, principal.tenantId, found.skuCode),
      ]);
      const row = rows.find((r) => r.id === id);
      if (!row) throw notFound(`no item ${id}`);
      const tiered = sku !== undefined && sku.pricingScheme !== 'flat' && sku.tiers.length > 0;
      const held = tiered ? await unitsHeld(sql, principal.tenantId, found) : null;
      const samePart = parts.filter((p) => p.billable === found.billable);
      const arithmetic = explainAmount({
        sku:
          sku === undefined
            ? null
            : {
                pricingScheme: sku.pricingScheme,
                basePrice: sku.unitPrice,
                tiers: sku.tiers,
                proration: sku.proration,
                usage: found.kind === 'usage' || sku.billingModel === 'usage',
              },
        billable: found.billable,
        ...(row.ruleName === null ? {} : { excludedBy: `rule “${row.ruleName}”` }),
        adjustment: found.adjustsPeriodId !== null,
        storedUnitPrice: found.unitPrice,
        unitsHeld: held ?? '0',
        quantity: found.quantity,
        daysActive: found.daysActive,
        periodDays: found.periodDays,
        firstPart: samePart[0]?.itemId === id,
        discountPercent: found.discountPercent,
        vendor: found.vendor,
        minorUnits: found.minorUnits,
      });
      const rules = [
        ...new Map(parts.flatMap((p) => (p.rule ? [[p.rule.id, p.rule] as const] : []))).values(),
      ];
      const costs = await itemCostsFor(
        c,
        {
          tenantId: principal.tenantId,
          startDate: found.periodStart,
          endDate: found.periodEnd,
          minorUnits: found.minorUnits,
        },
        [row],
      );
      return c.json(
        {
          item: item(row, costs),
          period: {
            startDate: found.periodStart,
            endDate: found.periodEnd,
            revision: found.revision,
            status: found.status,
            currency: found.currency,
          },
          element:
            element === null
              ? null
              : {
                  kind: element.kind,
                  name: element.kind === 'plan' ? element.product : element.ref,
                  service: element.service,
                  product: element.product,
                  quantity: element.quantity,
                  startedAt: element.startedAt,
                  endedAt: element.endedAt,
                },
          changes: { started: element?.started ?? usage, ended: element?.ended ?? null },
          rules,
          parts,
          sku: sku ?? null,
          arithmetic: {
            unitsHeld: held,
            ...arithmetic,
            matchesStoredAmount: toDecimal(arithmetic.amount).equals(toDecimal(found.amount)),
          },
        },
        200,
      );
    },
  );
  return app;
}
