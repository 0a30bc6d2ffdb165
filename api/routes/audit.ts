import { createRoute, z } from '@hono/zod-openapi';
import { allow } from '../auth.js';
import { errorResponses, MAX_ID, router, security } from '../router.js';

const EntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

/** GET /v1/audit: who approved, rejected, reprocessed, edited a rule, ingested what, and when. */
export function auditRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['Audit'],
      security,
      summary: 'The audit log, newest first, in pages',
      middleware: [allow('admin', 'finance')] as const,
      request: {
        query: z.object({
          action: z.string().optional().openapi({ example: 'period.approved' }),
          before: z.coerce
            .number()
            .int()
            .positive()
            .optional()
            .openapi({ description: 'cursor: entries with a smaller id', maximum: MAX_ID }),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: {
        200: {
          description: 'Entries and the cursor of the next page',
          content: {
            'application/json': {
              schema: z.object({ entries: z.array(EntrySchema), next: z.number().int().nullable() }),
            },
          },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { action, before, limit } = c.req.valid('query');
      const { sql } = c.var.deps;
      const entries = await sql<z.infer<typeof EntrySchema>[]>`
        select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, action, subject, details
        from audit_log
        where tenant_id = ${c.var.principal.tenantId}
          ${action ? sql`and action = ${action}` : sql``}
          ${before ? sql`and id < ${before}` : sql``}
        order by id desc
        limit ${limit}`;
      return c.json({ entries, next: entries.length === limit ? (entries.at(-1)?.id ?? null) : null }, 200);
    },
  );
  return app;
}
