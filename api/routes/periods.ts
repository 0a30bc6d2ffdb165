import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { periodHolding } from '../../db/views/periods.js';
import { assertTenantRunnable } from '../../db/views/tenant.js';
import { CloseError } from '../../workflows/client.js';
import type { CloseProgress } from '../../workflows/period-close.js';
import { REMINDER_DURATION } from '../../workflows/shared.js';
import { allow, readers } from '../auth.js';
import type { AppEnv, Principal } from '../context.js';
import { ProblemError } from '../problems.js';
import { errorResponses, LocalDateSchema, router, security } from '../router.js';

const PeriodSchema = z
  .object({
    id: z.number().int(),
    startDate: z.string(),
    endDate: z.string(),
    revision: z.number().int(),
    status: z.enum(['open', 'generating', 'awaiting_approval', 'approved', 'exported']),
    approvedBy: z.string().nullable(),
    preview: z.boolean().openapi({ description: "the period has not ended yet in the tenant's zone" }),
    approvedAt: z.string().nullable(),
    rejectedReason: z.string().nullable(),
    superseded: z.boolean(),
  })
  .openapi('Period');

const ProgressSchema = z
  .object({
    stage: z.string(),
    revision: z.number().int(),
    preview: z.boolean().openapi({
      description:
        'computed before the period ended: it cannot be approved and is computed again once it ends',
    }),
    shardsDone: z.number().int(),
    shardsTotal: z.number().int(),
    totals: z
      .object({ items: z.number().int(), billableItems: z.number().int(), total: z.string() })
      .optional(),
    events: z.array(
      z.object({
        id: z.string(),
        at: z.string(),
        by: z.string(),
        action: z.string(),
        detail: z.string().optional(),
      }),
    ),
  })
  .openapi('CloseProgress');

const PeriodParam = z.object({
  period: LocalDateSchema.openapi({
    param: { name: 'period', in: 'path' },
    description: 'any date of the period',
  }),
});

const tags = ['Periods'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const conflict = {
  409: {
    description: 'The run is not in a state that allows this (the reason says why)',
    content: { 'application/problem+json': { schema: z.any() } },
  },
};

export function periodRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'Every period of the tenant, every revision, newest first',
      middleware: [allow(...readers)] as const,
      responses: {
        200: json(z.object({ periods: z.array(PeriodSchema) }), 'The periods'),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ periods: await listPeriods(c) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{period}',
      tags,
      security,
      summary: 'The current revision of a period with the live progress of its close',
      middleware: [allow(...readers)] as const,
      request: { params: PeriodParam },
      responses: {
        200: json(z.object({ period: PeriodSchema, progress: ProgressSchema.nullable() }), 'The period'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const current = await currentRevision(c, c.req.valid('param').period);
      if (!current.row)
        throw new ProblemError(404, 'Not Found', `no close has been started for ${current.endDate}`);
      const progress = await c.var.deps.closes
        .progress({
          tenantId: c.var.principal.tenantId,
          periodEnd: current.endDate,
          revision: current.row.revision,
        })
        .catch((error) =>
          error instanceof CloseError && error.code === 'not_found' ? null : Promise.reject(error),
        );
      // A customer sees its own figures through the views, never the whole tenant's totals.
      return c.json({ period: current.row, progress: visibleProgress(c.var.principal, progress) }, 200);
    },
  );

  const action = (
    path: string,
    summary: string,
    roles: Principal['role'][],
    body: z.ZodObject,
    run: (
      c: Context<AppEnv>,
      periodEnd: string,
      revision: number,
      body: Record<string, string>,
    ) => Promise<unknown>,
  ) =>
    app.openapi(
      createRoute({
        method: 'post',
        path: `/{period}/${path}`,
        tags,
        security,
        summary,
        middleware: [allow(...roles)] as const,
        request: {
          params: PeriodParam,
          body: { content: { 'application/json': { schema: body } }, required: false },
        },
        responses: {
          200: json(z.object({ progress: ProgressSchema }), 'What the run reports after the action'),
          202: json(
            z.object({ workflowId: z.string(), progress: ProgressSchema.nullable() }),
            'The run started',
          ),
          ...errorResponses,
          ...conflict,
        },
      }),
      async (c) => {
        const current = await currentRevision(c, c.req.valid('param').period);
        const input = (c.req.valid('json' as never) ?? {}) as Record<string, string>;
        try {
          const result = await run(c, current.endDate, current.row?.revision ?? 1, input);
          // Decisions and reopens are audited by the run itself, with their actor; starting one is audited here.
          if (path === 'close') await audit(c, 'period.close', current.endDate, input);
          if (typeof result === 'object' && result !== null && 'workflowId' in result)
            return c.json(result as never, 202);
          return c.json({ progress: result as CloseProgress }, 200);
        } catch (error) {
          if (error instanceof CloseError) {
            throw new ProblemError(
              error.code === 'not_found' ? 404 : 409,
              error.code === 'not_found' ? 'Not Found' : 'Conflict',
              error.message,
            );
          }
          throw error;
        }
      },
    );

  const Note = z.object({ note: z.string().max(2000).optional() }).strict();
  const Reason = z.object({ reason: z.string().trim().min(1, 'a reason is required').max(2000) }).strict();
  const OptionalReason = z.object({ reason: z.string().max(2000).optional() }).strict();
  // Checked here too, so a bad duration is a 400 naming the field, never a run that fails later.
  const Duration = z
    .string()
    .regex(REMINDER_DURATION, "a positive duration like '3 days' or '12 hours'")
    .openapi({ pattern: REMINDER_DURATION.source });
  const Remind = z
    .object({
      remindAfter: Duration.optional().openapi({ example: '3 days' }),
      remindEvery: Duration.optional().openapi({ example: '1 day' }),
    })
    .strict();

  action(
    'close',
    'Start the close of the period (a second start returns the same run)',
    ['admin', 'operator'],
    Remind,
    async (c, periodEnd, revision, body) => {
      const ref = { tenantId: c.var.principal.tenantId, periodEnd, revision };
      // Refused here (409) rather than accepted and failed by the run's first activity.
      await assertTenantRunnable(c.var.deps.sql, ref.tenantId);
      const started = await c.var.deps.closes.start({ ...ref, ...body });
      return {
        workflowId: started.workflowId,
        progress: await c.var.deps.closes.progress(ref).catch(() => null),
      };
    },
  );
  action(
    'approve',
    'Approve the totals awaiting approval: locks and exports the period',
    ['admin', 'finance'],
    Note,
    (c, periodEnd, revision, body) =>
      c.var.deps.closes.approve(
        { tenantId: c.var.principal.tenantId, periodEnd, revision },
        actor(c),
        body.note,
      ),
  );
  action(
    'reject',
    'Reject the totals awaiting approval, with a reason',
    ['admin', 'finance'],
    Reason,
    (c, periodEnd, revision, body) =>
      c.var.deps.closes.reject(
        { tenantId: c.var.principal.tenantId, periodEnd, revision },
        actor(c),
        body.reason ?? '',
      ),
  );
  action(
    'reprocess',
    'Recompute the period with the current rules and change log',
    ['admin', 'operator'],
    OptionalReason,
    (c, periodEnd, revision, body) =>
      c.var.deps.closes.reprocess(
        { tenantId: c.var.principal.tenantId, periodEnd, revision },
        actor(c),
        body.reason,
      ),
  );
  action(
    'reopen',
    'Reopen an approved period as a new revision (admin, audited)',
    ['admin'],
    Reason,
    async (c, periodEnd, revision, body) => {
      const started = await c.var.deps.closes.reopen(
        { tenantId: c.var.principal.tenantId, periodEnd, revision },
        actor(c),
        body.reason ?? '',
      );
      return { workflowId: started.workflowId, progress: null };
    },
  );
  return app;
}

type PeriodRow = z.infer<typeof PeriodSchema>;

/** The decision's author: the token's name, and the token itself so the decision can be traced to it. */
function actor(c: Context<AppEnv>) {
  return { name: c.var.principal.name, tokenId: c.var.principal.tokenId };
}

async function listPeriods(c: Context<AppEnv>, startDate?: string): Promise<PeriodRow[]> {
  const { sql } = c.var.deps;
  return sql<PeriodRow[]>`
    select id, start_date::text as "startDate", end_date::text as "endDate", revision, status,
           approved_by as "approvedBy", approved_at as "approvedAt", rejected_reason as "rejectedReason",
           ends_at > now() as preview,
           superseded_at is not null as superseded
    from periods
    where tenant_id = ${c.var.principal.tenantId}
      ${startDate ? sql`and start_date = ${startDate}` : sql``}
    order by start_date desc, revision desc`;
}

/** The period holding `date` under the tenant's configuration, and its newest revision if it exists. */
async function currentRevision(c: Context<AppEnv>, date: string) {
  const period = await periodHolding(c.var.deps.sql, c.var.principal.tenantId, date);
  if (!period) throw new ProblemError(409, 'Conflict', 'the tenant has no period configuration');
  const [row] = await listPeriods(c, period.start);
  return {
    endDate: period.end,
    row: row ? { ...row, approvedAt: row.approvedAt && new Date(row.approvedAt).toISOString() } : undefined,
  };
}

function visibleProgress(principal: Principal, progress: CloseProgress | null) {
  if (!progress) return null;
  const { stage, revision, preview, shardsDone, shardsTotal, totals, events } = progress;
  if (principal.role === 'customer') return { stage, revision, preview, shardsDone, shardsTotal, events: [] };
  return { stage, revision, preview, shardsDone, shardsTotal, events, ...(totals ? { totals } : {}) };
}

async function audit(c: Context<AppEnv>, action: string, periodEnd: string, details: Record<string, string>) {
  const { principal, deps } = c.var;
  await deps.sql`
    insert into audit_log (tenant_id, actor, action, subject, details)
    values (${principal.tenantId}, ${principal.name}, ${action}, ${`period-end:${periodEnd}`},
            ${deps.sql.json({ ...details, requestId: c.get('requestId') })})`;
}
