import { createRoute, z } from '@hono/zod-openapi';
import { previewRule } from '../../activities/preview-rule.js';
import { roundHalfUp, sumAmounts, toDecimal } from '../../billing/index.js';
import { allow } from '../auth.js';
import { notFound, ProblemError } from '../problems.js';
import { errorResponses, router, security } from '../router.js';
import { criteriaColumns, NewRule } from './rules.js';
import { decimal, Ref } from './view-shapes.js';

const PreviewBody = z
  .object({
    id: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'the rule being edited; absent for a new rule' }),
    rule: NewRule.openapi({ description: 'the whole rule as it would be saved (as for POST /v1/rules)' }),
  })
  .strict();

const PreviewSchema = z
  .object({
    periods: z.array(
      z.object({
        startDate: z.string(),
        endDate: z.string(),
        revision: z.number().int(),
        status: z.enum(['open', 'awaiting_approval']),
        customersReached: z.array(Ref).openapi({ description: 'customers with items the rule would decide' }),
        itemsReached: z.number().int().openapi({ description: 'items the rule would make non-billable' }),
        amount: z.object({ before: decimal, after: decimal, delta: decimal }).openapi({
          description: 'what the invoice-to customers the rule reaches are billed, before and after',
        }),
      }),
    ),
  })
  .openapi('RulePreview');

/** Before saving a rule: what it would change in every period not yet approved. Writes nothing. */
export function rulePreviewRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/preview',
      tags: ['Rules'],
      security,
      summary: 'Preview a new or edited rule on every open or awaiting-approval period; nothing is saved',
      middleware: [allow('admin', 'finance')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: PreviewBody } } } },
      responses: {
        200: { description: 'The preview', content: { 'application/json': { schema: PreviewSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id, rule } = c.req.valid('json');
      const { principal, deps } = c.var;
      const values = await deps.sql
        .begin((tx) => criteriaColumns(tx, principal.tenantId, rule.criteria))
        .catch((error: unknown) => {
          // The rule sits under `rule` in this body: name the field where the caller put it.
          if (error instanceof ProblemError && error.errors) {
            const errors = error.errors.map((e) => ({ field: `rule.${e.field}`, reason: e.reason }));
            throw new ProblemError(
              400,
              error.title,
              errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
              errors,
            );
          }
          throw error;
        });
      const [minor] = await deps.sql<{ minorUnits: number }[]>`
        select currency_minor_units as "minorUnits" from tenants where id = ${principal.tenantId}`;
      const minorUnits = minor?.minorUnits ?? 2;
      const { found, previews } = await previewRule(deps.sql, principal.tenantId, {
        ...(id === undefined ? {} : { id }),
        columns: { name: rule.name, from_date: rule.from ?? null, to_date: rule.to ?? null, ...values },
        criteria: {
          customer: rule.criteria.customer ?? null,
          customerPattern: rule.criteria.customerPattern ?? null,
          customerTag: rule.criteria.customerTag ?? null,
          userPattern: rule.criteria.userPattern ?? null,
          sku: rule.criteria.sku ?? null,
          vendor: rule.criteria.vendor ?? null,
          service: rule.criteria.service ?? null,
          kind: rule.criteria.kind ?? null,
        },
        createdBy: principal.name,
      });
      if (!found) throw notFound(`no rule ${id}`);
      return c.json(
        {
          periods: previews.map((p) => ({
            startDate: p.startDate,
            endDate: p.endDate,
            revision: p.revision,
            status: p.status,
            customersReached: p.customers,
            itemsReached: p.itemsReached,
            amount: {
              before: roundHalfUp(p.before, minorUnits),
              after: roundHalfUp(p.after, minorUnits),
              delta: roundHalfUp(sumAmounts([p.after, toDecimal(p.before).negated()]), minorUnits),
            },
          })),
        },
        200,
      );
    },
  );
  return app;
}
