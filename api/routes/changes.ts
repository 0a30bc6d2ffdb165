import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { allow } from '../auth.js';
import { ProblemError, problem } from '../problems.js';
import { errorResponses, router, security } from '../router.js';

export const MAX_BATCH_ENTRIES = 10_000;
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

const Outcome = z.object({ index: z.number().int(), key: z.string(), id: z.number().int() });
const IngestResultSchema = z
  .object({
    stored: z.array(Outcome),
    duplicates: z.array(Outcome),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        key: z.string().nullable(),
        field: z.string(),
        reason: z.string(),
      }),
    ),
  })
  .openapi('IngestResult');

/**
 * POST /v1/changes: a batch of change-log entries as a JSON array or NDJSON, all or nothing,
 * idempotent per entry key. Entries are validated by the ingestion function itself, which knows
 * the kinds and the state they must agree with; here only the envelope is checked.
 */
export function changeRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['Change log'],
      security,
      summary: `Ingest up to ${MAX_BATCH_ENTRIES} change-log entries, all or nothing`,
      description:
        'Body: a JSON array of entries (application/json) or one entry per line (application/x-ndjson). ' +
        'Each entry: key, kind, occurredAt (ISO 8601 with offset), actor, customer, and the fields of its kind.',
      middleware: [
        allow('admin', 'operator'),
        bodyLimit({
          maxSize: MAX_BATCH_BYTES,
          onError: (c) =>
            problem(c, 413, 'Payload Too Large', {
              detail: `a batch may be at most ${MAX_BATCH_BYTES} bytes`,
            }),
        }),
      ] as const,
      request: {
        body: {
          required: true,
          content: {
            // Documented here, checked in readBatch: Hono's JSON validator would also run on NDJSON.
            'application/json': {
              schema: z
                .unknown()
                .openapi({ type: 'array', items: { type: 'object' }, description: 'the entries' }),
            },
            'application/x-ndjson': { schema: z.string().openapi({ description: 'one entry per line' }) },
          },
        },
      },
      responses: {
        200: {
          description: 'Stored (or already stored) entries',
          content: { 'application/json': { schema: IngestResultSchema } },
        },
        413: {
          description: 'Too many entries or bytes',
          content: { 'application/problem+json': { schema: z.any() } },
        },
        422: {
          description: 'Rejected entries; nothing of the batch was stored',
          content: { 'application/problem+json': { schema: z.any() } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const entries = await readBatch(c.req.header('content-type') ?? '', await c.req.text());
      if (entries.length > MAX_BATCH_ENTRIES) {
        throw new ProblemError(
          413,
          'Payload Too Large',
          `a batch may hold at most ${MAX_BATCH_ENTRIES} entries; this one has ${entries.length}`,
        );
      }
      const { principal, deps } = c.var;
      const result = await ingestChanges(deps.sql, principal.tenantId, entries);
      if (result.rejected.length > 0) {
        throw new ProblemError(
          422,
          'Entries rejected',
          `${result.rejected.length} of ${entries.length} entries rejected; nothing of the batch was stored`,
          result.rejected.map((r) => ({ field: `[${r.index}].${r.field}`, reason: r.reason })),
        );
      }
      await deps.sql`
        insert into audit_log (tenant_id, actor, action, subject, details)
        values (${principal.tenantId}, ${principal.name}, 'changes.ingested', 'change-log',
                ${deps.sql.json({ stored: result.stored.length, duplicates: result.duplicates.length, requestId: c.get('requestId') })})`;
      return c.json(result, 200);
    },
  );
  return app;
}

async function readBatch(contentType: string, body: string): Promise<unknown[]> {
  if (contentType.includes('ndjson')) {
    return body
      .split('\n')
      .map((line, index) => ({ line: line.trim(), index }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, index }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new ProblemError(400, 'Malformed NDJSON', `line ${index + 1} is not JSON`, [
            { field: `line ${index + 1}`, reason: 'not valid JSON' },
          ]);
        }
      });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ProblemError(400, 'Malformed JSON', 'the body is not valid JSON', [
      { field: 'body', reason: 'not valid JSON' },
    ]);
  }
  if (!Array.isArray(parsed)) {
    throw new ProblemError(400, 'Invalid request', 'the body must be a JSON array of entries', [
      { field: 'body', reason: 'expected an array of entries' },
    ]);
  }
  return parsed;
}
