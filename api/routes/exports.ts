import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isFinal, type PeriodRevision } from '../../db/views/period-revision.js';
import { reconciliationSheetRows } from '../../db/views/reconciliation.js';
import { storedExportFile, storedExports } from '../../db/views/stored-exports.js';
import { writeServiceDetailCsv } from '../../exports/csv.js';
import { workbookContext, writePeriodWorkbook } from '../../exports/workbook.js';
import { allow, readers, staff } from '../auth.js';
import type { AppEnv } from '../context.js';
import { notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, router, security } from '../router.js';
import { flag, PeriodParam, periodScope, RevisionQuery, revision } from './view-shapes.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';
const contentType = { xlsx: XLSX, csv: CSV } as const;

const file = (types: string[], description: string) => ({
  description,
  content: Object.fromEntries(
    types.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }]),
  ),
});

const StoredExportSchema = z
  .object({
    id: z.number().int(),
    revision: z.number().int(),
    format: z.enum(['xlsx', 'csv']),
    sha256: z.string(),
    bytes: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('StoredExport');

const tags = ['Exports'];

/**
 * Exports of a period: the workbook and CSV streamed from the database for any revision (a draft
 * until approved), and the files stored when a revision was approved, verified before download.
 * Mounted at /v1, since it serves both /v1/periods/... and /v1/exports/....
 */
const WorkbookQuery = z
  .object({
    revision,
    reconciliation: flag(
      'reconciliation',
      'staff only: add a Reconciliation sheet (vendor charges as imported and mapped now, so not part of the stored export)',
    ),
  })
  .strict();

export function exportRoutes() {
  const app = router();

  const live = (format: 'xlsx' | 'csv', summary: string, description: string) =>
    app.openapi(
      createRoute({
        method: 'get',
        path: `/periods/{period}/export.${format}`,
        tags,
        security,
        summary,
        middleware: [allow(...readers)] as const,
        request: { params: PeriodParam, query: format === 'xlsx' ? WorkbookQuery : RevisionQuery },
        responses: { 200: file([contentType[format]], description), ...errorResponses },
      }),
      async (c) => {
        const query: { revision?: number; reconciliation?: boolean } = c.req.valid('query');
        const { period, scope } = await periodScope(c, c.req.valid('param').period, query.revision);
        // Costs are the tenant's own: a customer's token never gets the Reconciliation sheet.
        if (query.reconciliation && !staff.includes(c.var.principal.role)) {
          throw new ProblemError(403, 'Forbidden', 'the Reconciliation sheet is for staff only', [
            { field: 'reconciliation', reason: 'staff only' },
          ]);
        }
        const reconciliation = query.reconciliation
          ? { reconciliation: await reconciliationSheetRows(c.var.deps.sql, period) }
          : {};
        const body = new PassThrough();
        const write =
          format === 'xlsx'
            ? writePeriodWorkbook(
                c.var.deps.sql,
                scope,
                { ...workbookContext(period), ...reconciliation },
                body,
              )
            : writeServiceDetailCsv(c.var.deps.sql, scope, body).then(() => void body.end());
        streamFailures(c, write, body);
        return download(c, body, contentType[format], `${fileName(c, period)}.${format}`);
      },
    );

  live(
    'xlsx',
    'The period as an Excel workbook, one sheet per view, streamed (a draft until approved)',
    'Service Summary, Service Detail, Customer Totals, Invoice-to Totals, Reseller Roll-up',
  );
  live('csv', 'The period’s Service Detail as CSV, streamed (a draft until approved)', 'RFC 4180 CSV');

  app.openapi(
    createRoute({
      method: 'get',
      path: '/periods/{period}/exports',
      tags,
      security,
      summary: 'The exports stored when revisions of this period were approved',
      middleware: [allow(...staff)] as const,
      request: { params: PeriodParam, query: RevisionQuery },
      responses: {
        200: {
          description: 'Stored exports, newest revision first',
          content: { 'application/json': { schema: z.object({ exports: z.array(StoredExportSchema) }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const wanted = c.req.valid('query').revision;
      const { period } = await periodScope(c, c.req.valid('param').period, wanted);
      const rows = await storedExports(c.var.deps.sql, c.var.principal.tenantId, period.startDate, wanted);
      return c.json({ exports: rows }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/exports/{id}',
      tags,
      security,
      summary: 'Download a stored export, after checking its SHA-256 against the one recorded',
      middleware: [allow(...staff)] as const,
      request: {
        params: IdParam,
      },
      responses: {
        200: file([XLSX, CSV], 'The stored file, byte for byte'),
        ...errorResponses,
        409: {
          description: 'The file on disk is missing or no longer matches its recorded SHA-256',
          content: { 'application/problem+json': { schema: z.any() } },
        },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const stored = await storedExportFile(c.var.deps.sql, c.var.principal.tenantId, id);
      if (!stored) throw notFound(`no export ${id} in this tenant`);
      const handle = await open(stored.path).catch(() => {
        throw new ProblemError(409, 'Conflict', `the file of export ${id} is missing from storage`);
      });
      // Hash and send through the same open file: a file renamed into place meanwhile cannot slip in.
      try {
        const actual = await sha256(handle);
        if (actual !== stored.sha256) {
          throw new ProblemError(
            409,
            'Conflict',
            `the file of export ${id} no longer matches its recorded SHA-256 (${stored.sha256})`,
          );
        }
      } catch (error) {
        await handle.close();
        throw error;
      }
      const body = handle.createReadStream({ start: 0 });
      const name = `${c.var.principal.tenantId}-${stored.endDate}-rev${stored.revision}.${stored.format}`;
      c.header('content-length', String(stored.bytes));
      c.header('x-content-sha256', stored.sha256);
      return download(c, body, contentType[stored.format], name);
    },
  );
  return app;
}

/** `<tenant>-<period end>-rev<n>`, with `-draft` for a revision not approved yet. */
function fileName(c: Context<AppEnv>, period: PeriodRevision): string {
  const base = `${c.var.principal.tenantId}-${period.endDate}-rev${period.revision}`;
  return isFinal(period) ? base : `${base}-draft`;
}

function download(c: Context<AppEnv>, body: Readable, type: string, name: string) {
  c.header('content-type', type);
  c.header('content-disposition', `attachment; filename="${name}"`);
  c.header('cache-control', 'no-store');
  return c.body(Readable.toWeb(body) as unknown as ReadableStream, 200);
}

/**
 * The status line is sent before the first byte is written, so a failure mid-stream can only cut
 * the download short (the client sees a broken transfer) and is logged with the request id.
 */
function streamFailures(c: Context<AppEnv>, writing: Promise<unknown>, body: Writable) {
  writing.catch((error: unknown) => {
    if (!body.destroyed) console.error(`[${c.get('requestId')}] export failed:`, error);
    body.destroy(error instanceof Error ? error : new Error(String(error)));
  });
}

async function sha256(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}
