import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createRoute, z } from '@hono/zod-openapi';
import {
  DigestMismatchError,
  importVendorFile,
  MAX_LISTED_ERRORS,
  SELECT_IMPORT,
  VendorFileError,
  type VendorImport,
} from '../../activities/vendor-files/import-vendor-file.js';
import { importStatedBefore } from '../../activities/vendor-files/known-import.js';
import { allow, staff } from '../auth.js';
import { contentDigestSha256 } from '../content-digest.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, IdParam, router, security } from '../router.js';

const tags = ['Vendor reconciliation'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const VendorImportSchema = z
  .object({
    id: z.number().int(),
    vendor: z.string(),
    format: z.enum(['microsoft_nce', 'generic']),
    sha256: z.string(),
    lineCount: z.number().int(),
    firstChargeDate: z.string().nullable(),
    lastChargeDate: z.string().nullable(),
    importedBy: z.string(),
    importedAt: z.string(),
  })
  .openapi('VendorImport');

const LineErrorSchema = z.object({
  field: z.string(),
  reason: z.string(),
  line: z.number().int(),
  column: z.string(),
});

const ImportQuery = z
  .object({
    vendor: z.string().min(1).max(100).default('Microsoft').openapi({
      description: "the vendor of a Microsoft file, and the import's name for a generic one",
    }),
    format: z
      .enum(['microsoft_nce', 'generic'])
      .optional()
      .openapi({ description: 'detected from the header when absent' }),
  })
  .strict();

const UnmappedSchema = z.object({
  vendor: z.string(),
  vendorCustomerId: z.string(),
  vendorCustomerDomain: z.string().nullable(),
  vendorCustomerName: z.string().nullable(),
  vendorProductId: z.string(),
  productName: z.string().nullable(),
  missing: z.array(z.enum(['customer', 'product'])),
  lines: z.number().int(),
  amount: z.string().openapi({ description: 'exact sum of the lines, credits netted' }),
});

/** Vendor invoice and reconciliation files: import, list, and the lines that map to nothing. */
export function vendorInvoiceRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      security,
      summary: 'Import a vendor file (Microsoft NCE reconciliation CSV, or the generic CSV), all or nothing',
      description:
        'CSV (`text/csv`) or NDJSON (`application/x-ndjson`, one object per line keyed by column). The same ' +
        'file again answers 200 with the import already stored. A bad file is refused with 422 listing ' +
        `every bad line's number, column and reason (the first ${MAX_LISTED_ERRORS}, and their count). ` +
        'With an RFC 9530 `Content-Digest: sha-256=:<base64>:` header, a file imported before is only hashed ' +
        '(to check the header), never parsed; a body that does not hash to the stated digest is refused with 400.',
      middleware: [allow('admin', 'finance')] as const,
      request: {
        query: ImportQuery,
        headers: z.object({
          'content-digest': z
            .string()
            .optional()
            .openapi({ description: 'RFC 9530: sha-256=:<base64 of the SHA-256 of the body>:' }),
        }),
        body: {
          required: true,
          content: {
            'text/csv': { schema: z.string().openapi({ format: 'binary' }) },
            'application/x-ndjson': { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
      },
      responses: {
        201: json(VendorImportSchema, 'Imported'),
        200: json(VendorImportSchema, 'This file was imported before: the existing import'),
        ...errorResponses,
        422: {
          description: 'The file is refused: nothing was stored',
          content: {
            'application/problem+json': {
              schema: z.object({
                title: z.string(),
                status: z.number(),
                detail: z.string(),
                errors: z.array(LineErrorSchema),
              }),
            },
          },
        },
      },
    }),
    async (c) => {
      const { vendor, format } = c.req.valid('query');
      const contentType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      const encoding =
        contentType === 'text/csv' ? 'csv' : contentType === 'application/x-ndjson' ? 'ndjson' : undefined;
      if (!encoding) {
        throw new ProblemError(415, 'Unsupported Media Type', 'send text/csv or application/x-ndjson', [
          {
            field: 'content-type',
            reason: `'${contentType ?? ''}' is neither text/csv nor application/x-ndjson`,
          },
        ]);
      }
      const raw = c.req.raw.body;
      if (!raw)
        throw fileRefused([
          { field: 'body', reason: 'empty: expected a header line', line: 1, column: 'body' },
        ]);
      const { principal, deps } = c.var;
      const body = Readable.fromWeb(raw as unknown as WebReadableStream<Uint8Array>);
      const expectedSha256 = contentDigestSha256(c.req.header('content-digest'));
      if (expectedSha256 !== undefined) {
        try {
          const known = await importStatedBefore(deps.sql, principal.tenantId, expectedSha256, body);
          if (known) return c.json(known, 200);
        } catch (error) {
          if (error instanceof DigestMismatchError) throw digestMismatch(error);
          throw error;
        }
      }
      let outcome: Awaited<ReturnType<typeof importVendorFile>>;
      try {
        outcome = await importVendorFile(
          deps.sql,
          {
            tenantId: principal.tenantId,
            vendor,
            ...(format ? { format } : {}),
            encoding,
            importedBy: principal.name,
            ...(expectedSha256 === undefined ? {} : { expectedSha256 }),
          },
          body,
        );
      } catch (error) {
        if (error instanceof DigestMismatchError) throw digestMismatch(error);
        if (error instanceof VendorFileError) {
          throw fileRefused([{ field: error.column, reason: error.message, line: 1, column: error.column }]);
        }
        throw error;
      }
      if (outcome.kind === 'refused') {
        throw fileRefused(
          outcome.errors.map((e) => ({ field: `line ${e.line}: ${e.column}`, ...e })),
          `${outcome.errorCount} problem(s) in ${outcome.lines} line(s)` +
            (outcome.errorCount > outcome.errors.length
              ? `, the first ${outcome.errors.length} listed`
              : '') +
            '; nothing was imported',
        );
      }
      return c.json(outcome.import, outcome.kind === 'imported' ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'The imported vendor files, newest first',
      middleware: [allow(...staff)] as const,
      responses: {
        200: json(z.object({ imports: z.array(VendorImportSchema) }), 'The imports'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const imports = (await c.var.deps.sql.unsafe(`${SELECT_IMPORT} where tenant_id = $1 order by id desc`, [
        c.var.principal.tenantId,
      ])) as VendorImport[];
      return c.json({ imports }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags,
      security,
      summary: 'One imported vendor file',
      middleware: [allow(...staff)] as const,
      request: { params: IdParam },
      responses: { 200: json(VendorImportSchema, 'The import'), ...errorResponses },
    }),
    async (c) =>
      c.json(await oneImport(c.var.deps.sql, c.var.principal.tenantId, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/unmapped',
      tags,
      security,
      summary: "The file's lines whose vendor customer or product maps to nothing, grouped, to fix",
      description:
        'Read through the mappings as they are now: a mapping added later takes its lines off this list.',
      middleware: [allow(...staff)] as const,
      request: { params: IdParam },
      responses: {
        200: json(z.object({ unmapped: z.array(UnmappedSchema) }), 'Unmapped lines'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { sql } = c.var.deps;
      const tenantId = c.var.principal.tenantId;
      const found = await oneImport(sql, tenantId, c.req.valid('param').id);
      const unmapped = await sql<z.infer<typeof UnmappedSchema>[]>`
        with groups as (
          select l.vendor, l.vendor_customer_id, l.vendor_customer_domain, min(l.vendor_customer_name) as customer_name,
                 l.vendor_product_id, min(l.product_name) as product_name, count(*)::int as lines,
                 sum(l.amount) as amount
          from vendor_lines l
          where l.tenant_id = ${tenantId} and l.import_id = ${found.id}
          group by l.vendor, l.vendor_customer_id, l.vendor_customer_domain, l.vendor_product_id
        )
        select g.vendor, g.vendor_customer_id as "vendorCustomerId", g.vendor_customer_domain as "vendorCustomerDomain",
               g.customer_name as "vendorCustomerName", g.vendor_product_id as "vendorProductId",
               g.product_name as "productName",
               array_remove(array[case when cm.id is null then 'customer' end,
                                  case when pm.id is null then 'product' end], null) as missing,
               g.lines, trim_scale(g.amount)::text as amount
        from groups g
        left join lateral (
          select m.id from vendor_customer_mappings m
          where m.tenant_id = ${tenantId} and m.vendor = g.vendor
            and m.vendor_customer_id in (g.vendor_customer_id, g.vendor_customer_domain) limit 1
        ) cm on true
        left join lateral (
          select m.id from vendor_product_mappings m
          where m.tenant_id = ${tenantId} and m.vendor = g.vendor
            and m.vendor_product_id in (g.vendor_product_id, split_part(g.vendor_product_id, ':', 1)) limit 1
        ) pm on true
        where cm.id is null or pm.id is null
        order by g.vendor, g.vendor_customer_id, g.vendor_product_id`;
      return c.json({ unmapped }, 200);
    },
  );

  return app;
}

async function oneImport(sql: import('postgres').Sql, tenantId: string, id: number): Promise<VendorImport> {
  const [found] = (await sql.unsafe(`${SELECT_IMPORT} where tenant_id = $1 and id = $2`, [
    tenantId,
    id,
  ])) as VendorImport[];
  if (!found) throw notFound(`no vendor import ${id}`);
  return found;
}

function digestMismatch(error: DigestMismatchError) {
  return invalid('content-digest', `${error.message}: nothing was imported`);
}

function fileRefused(
  errors: { field: string; reason: string; line: number; column: string }[],
  detail?: string,
) {
  return new ProblemError(
    422,
    'Vendor file refused',
    detail ?? `${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}; nothing was imported`,
    errors,
  );
}
