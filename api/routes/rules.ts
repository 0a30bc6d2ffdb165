import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type postgres from 'postgres';
import { periodsUnderWay, type RuleRow, ruleList } from '../../db/views/rules.js';
import { allow, staff } from '../auth.js';
import type { AppEnv } from '../context.js';
import { invalid, notFound } from '../problems.js';
import { errorResponses, IdParam, LocalDateSchema, router, security } from '../router.js';

const kinds = ['plan', 'instance', 'application', 'domain', 'usage'] as const;
const Text = z.string().trim().min(1).max(200);
const Pattern = Text.openapi({ description: '`*` any run of characters, `?` one; case-insensitive' });
const criterionFields = {
  customer: Text.openapi({ description: "a customer's ref" }),
  customerPattern: Pattern,
  customerTag: Text,
  userPattern: Pattern,
  sku: Text.openapi({ description: 'a SKU code' }),
  vendor: Text,
  service: Text,
  kind: z.enum(kinds),
};
type CriterionKey = keyof typeof criterionFields;
const criterionKeys = Object.keys(criterionFields) as CriterionKey[];
const columns: Record<CriterionKey, string> = {
  customer: 'customer_id',
  customerPattern: 'customer_pattern',
  customerTag: 'customer_tag',
  userPattern: 'user_pattern',
  sku: 'sku_code',
  vendor: 'vendor',
  service: 'service',
  kind: 'element_kind',
};
const oneCriterion = (criteria: Record<string, unknown>) => Object.values(criteria).some((v) => v != null);
const ordered = (rule: { from?: string | null; to?: string | null }) =>
  !rule.from || !rule.to || rule.from <= rule.to;

export const NewRule = z
  .object({
    name: Text,
    from: LocalDateSchema.nullable().optional().openapi({ description: 'first day not billed (inclusive)' }),
    to: LocalDateSchema.nullable().optional().openapi({ description: 'last day not billed (inclusive)' }),
    criteria: z
      .object(criterionFields)
      .partial()
      .strict()
      .refine(oneCriterion, 'at least one criterion is required'),
  })
  .strict()
  .refine(ordered, { path: ['to'], message: 'must not be before from' });
const RulePatch = z
  .object({
    name: Text.optional(),
    from: LocalDateSchema.nullable().optional(),
    to: LocalDateSchema.nullable().optional(),
    criteria: z
      .object(Object.fromEntries(criterionKeys.map((key) => [key, criterionFields[key].nullable()])))
      .partial()
      .strict()
      .optional()
      .openapi({ description: 'merged into the rule: a criterion set to null is removed' }),
  })
  .strict();
const RuleEnd = z
  .object({ on: LocalDateSchema.openapi({ description: 'the last day the rule applies' }) })
  .strict();

const RuleSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    criteria: z.object({
      customer: z.string().nullable(),
      customerPattern: z.string().nullable(),
      customerTag: z.string().nullable(),
      userPattern: z.string().nullable(),
      sku: z.string().nullable(),
      vendor: z.string().nullable(),
      service: z.string().nullable(),
      kind: z.enum(kinds).nullable(),
    }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Rule');
const PeriodRef = z.object({ periodEnd: z.string(), revision: z.number().int() });
const WriteResult = z
  .object({
    rule: RuleSchema,
    reprocessed: z.array(PeriodRef),
    notReprocessed: z.array(PeriodRef.extend({ reason: z.string() })),
  })
  .openapi('RuleWrite');

const ReprocessQuery = z.object({
  reprocess: z.enum(['true', 'false']).optional().openapi({
    description:
      'also reprocess every period the rule touches that is computed but not approved (awaiting approval, or rejected)',
  }),
});
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const tags = ['Rules'];
const writers = ['admin', 'finance'] as const;
const note = 'Rules apply when a period is computed; approved periods never change.';

type Criteria = Partial<Record<CriterionKey, string | null>>;

/** Billing rules: what is not billed, for whom, between which dates. */
export function ruleRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'Every billing rule of the tenant',
      middleware: [allow(...staff)] as const,
      responses: { 200: json(z.object({ rules: z.array(RuleSchema) }), 'The rules'), ...errorResponses },
    }),
    async (c) => c.json({ rules: await ruleList(c.var.deps.sql, c.var.principal.tenantId) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      security,
      summary: 'Create a rule (audited); ?reprocess=true re-applies the rules to the periods it touches',
      description: note,
      middleware: [allow(...writers)] as const,
      request: { query: ReprocessQuery, body: body(NewRule) },
      responses: { 201: json(WriteResult, 'The rule and the periods reprocessed'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { principal } = c.var;
      const id = await c.var.deps.sql.begin(async (tx) => {
        const values = await criteriaColumns(tx, principal.tenantId, input.criteria);
        const [row] = await tx<{ id: number }[]>`
          insert into rules ${tx({
            tenant_id: principal.tenantId,
            name: input.name,
            from_date: input.from ?? null,
            to_date: input.to ?? null,
            created_by: principal.name,
            ...values,
          })}
          returning id`;
        if (!row) throw new Error('insert into rules returned nothing');
        await audit(c, tx, 'rule.created', row.id, {
          name: input.name,
          from: input.from ?? null,
          to: input.to ?? null,
          criteria: input.criteria,
        });
        return row.id;
      });
      return c.json(await answer(c, id, [], c.req.valid('query').reprocess === 'true'), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      security,
      summary:
        'Change a rule (audited); ?reprocess=true re-applies the rules to the periods it touched or touches',
      description: note,
      middleware: [allow(...writers)] as const,
      request: { params: IdParam, query: ReprocessQuery, body: body(RulePatch) },
      responses: { 200: json(WriteResult, 'The rule and the periods reprocessed'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const before = await c.var.deps.sql.begin(async (tx) => {
        const before = await lockedRule(c, tx, id);
        const criteria = { ...before.criteria, ...(patch.criteria as Criteria | undefined) };
        if (!oneCriterion(criteria)) throw invalid('criteria', 'at least one criterion is required');
        const range = {
          from: patch.from === undefined ? before.from : patch.from,
          to: patch.to === undefined ? before.to : patch.to,
        };
        if (!ordered(range)) throw invalid('to', 'must not be before from');
        const values = await criteriaColumns(tx, c.var.principal.tenantId, criteria);
        await tx`
          update rules set ${tx({
            name: patch.name ?? before.name,
            from_date: range.from,
            to_date: range.to,
            ...values,
            updated_by: c.var.principal.name,
          })}, updated_at = now()
          where tenant_id = ${c.var.principal.tenantId} and id = ${id}`;
        await audit(c, tx, 'rule.updated', id, { before, patch });
        return before;
      });
      return c.json(await answer(c, id, [before], c.req.valid('query').reprocess === 'true'), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/end',
      tags,
      security,
      summary: 'End a rule on a date: its last day (audited); ?reprocess=true as for edits',
      description: note,
      middleware: [allow(...writers)] as const,
      request: { params: IdParam, query: ReprocessQuery, body: body(RuleEnd) },
      responses: { 200: json(WriteResult, 'The rule and the periods reprocessed'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { on } = c.req.valid('json');
      const before = await c.var.deps.sql.begin(async (tx) => {
        const before = await lockedRule(c, tx, id);
        if (before.from && on < before.from)
          throw invalid('on', `must not be before the rule's from (${before.from})`);
        await tx`
          update rules set to_date = ${on}, updated_by = ${c.var.principal.name}, updated_at = now()
          where tenant_id = ${c.var.principal.tenantId} and id = ${id}`;
        await audit(c, tx, 'rule.ended', id, { on, previousTo: before.to });
        return before;
      });
      return c.json(await answer(c, id, [before], c.req.valid('query').reprocess === 'true'), 200);
    },
  );
  return app;
}

async function lockedRule(c: Context<AppEnv>, tx: postgres.TransactionSql, id: number): Promise<RuleRow> {
  await tx`select 1 from rules where tenant_id = ${c.var.principal.tenantId} and id = ${id} for update`;
  const [rule] = await ruleList(tx, c.var.principal.tenantId, id);
  if (!rule) throw notFound(`no rule ${id}`);
  return rule;
}

/** The rule's columns for its criteria: a customer's ref becomes its id, a SKU must exist. */
export async function criteriaColumns(tx: postgres.TransactionSql, tenantId: string, criteria: Criteria) {
  const values: Record<string, string | number | null> = {};
  for (const key of criterionKeys) values[columns[key]] = criteria[key] ?? null;
  if (criteria.customer) {
    const [customer] = await tx<{ id: number }[]>`
      select id from customers where tenant_id = ${tenantId} and ref = ${criteria.customer}`;
    if (!customer) throw invalid('criteria.customer', `no customer '${criteria.customer}'`);
    values.customer_id = customer.id;
  }
  if (criteria.sku) {
    const [sku] = await tx`select 1 from skus where tenant_id = ${tenantId} and code = ${criteria.sku}`;
    if (!sku) throw invalid('criteria.sku', `no SKU '${criteria.sku}'`);
  }
  return values;
}

/**
 * The rule as it is now and, when asked, the reprocessing of every period under way that the rule
 * touches now or touched before the edit. Each run decides for itself: one that refuses (because it
 * is generating, say) is reported with its reason, and the others still go ahead.
 */
async function answer(c: Context<AppEnv>, id: number, before: RuleRow[], reprocess: boolean) {
  const { principal, deps } = c.var;
  const [rule] = await ruleList(deps.sql, principal.tenantId, id);
  if (!rule) throw notFound(`no rule ${id}`);
  const reprocessed: { periodEnd: string; revision: number }[] = [];
  const notReprocessed: { periodEnd: string; revision: number; reason: string }[] = [];
  if (reprocess) {
    for (const period of await periodsUnderWay(deps.sql, principal.tenantId, [rule, ...before])) {
      try {
        // Both versions: the items the rule decided before and those it matches now.
        const versions = [rule, ...before].map(({ id, criteria }) => ({ id, criteria }));
        await deps.closes.reprocess(
          { tenantId: principal.tenantId, ...period },
          principal.name,
          `rule ${id} edited`,
          versions,
        );
        reprocessed.push(period);
      } catch (error) {
        notReprocessed.push({ ...period, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return { rule, reprocessed, notReprocessed };
}

async function audit(
  c: Context<AppEnv>,
  tx: postgres.TransactionSql,
  action: string,
  id: number,
  details: object,
) {
  const { principal } = c.var;
  await tx`
    insert into audit_log (tenant_id, actor, action, subject, details)
    values (${principal.tenantId}, ${principal.name}, ${action}, ${`rule:${id}`},
            ${tx.json(JSON.parse(JSON.stringify({ ...details, requestId: c.get('requestId') })))})`;
}
