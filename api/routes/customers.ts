import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { type CustomerRow, customerTree } from '../../db/views/customers.js';
import { allow, readers } from '../auth.js';
import type { Principal } from '../context.js';
import { invalid, notFound } from '../problems.js';
import { errorResponses, nonEmptyPatch, router, security } from '../router.js';

const CustomerSchema = z
  .object({
    ref: z.string(),
    name: z.string(),
    parent: z
      .string()
      .nullable()
      .openapi({ description: "the parent's ref (null at the top of what you see)" }),
    relationship: z.enum(['direct', 'via']),
    resellerBilling: z.enum(['aggregate', 'on_behalf']),
    tags: z.array(z.string()),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
    depth: z.number().int().openapi({ description: '0 for a top-level customer of the tenant' }),
    invoiceTo: z
      .string()
      .nullable()
      .openapi({ description: "who pays for the customer's items (null when outside your subtree)" }),
  })
  .openapi('Customer');

const CustomerNodeSchema = CustomerSchema.extend({
  children: z.array(z.any()).openapi({ description: 'the customers beneath, each a CustomerNode' }),
}).openapi('CustomerNode');

const RefParam = z.object({
  ref: z
    .string()
    .min(1)
    .openapi({ param: { name: 'ref', in: 'path' }, description: "the customer's ref" }),
});

const CustomerPatch = nonEmptyPatch(
  z
    .object({
      name: z.string().trim().min(1, 'a name must not be empty').max(200).optional().openapi({
        description: 'the new name, from now on (a customer.renamed entry; the name history keeps the old)',
      }),
      parent: z
        .string()
        .min(1)
        .nullable()
        .optional()
        .openapi({ description: "the new parent's ref, or null to move the customer to the top" }),
      relationship: z.enum(['direct', 'via']).optional(),
      resellerBilling: z.enum(['aggregate', 'on_behalf']).optional(),
      tags: z.array(z.string().trim().min(1, 'a tag must not be empty').max(100)).max(50).optional(),
    })
    .strict(),
);

type Customer = z.infer<typeof CustomerSchema>;
type CustomerNode = Customer & { children: CustomerNode[] };

const tags = ['Customers'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const scopeOf = (principal: Principal) => ({
  tenantId: principal.tenantId,
  ...(principal.customerId === undefined ? {} : { customerId: principal.customerId }),
});

/**
 * The customer tree as it stands today. Every change goes through the change log (`customer.renamed`,
 * `customer.updated`), so each period reads the tree as it stood at its end.
 */
export function customerRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'The customers you may see, in tree order, or nested with ?tree=true',
      description:
        'A customer token sees its own customer and everything beneath it. Deleted customers are listed ' +
        'with their deletedAt so the tree stays whole.',
      middleware: [allow(...readers)] as const,
      request: {
        query: z.object({
          tree: z
            .enum(['true', 'false'])
            .optional()
            .openapi({ description: 'nest children under their parents' }),
        }),
      },
      responses: {
        200: json(
          z.object({ customers: z.array(z.union([CustomerNodeSchema, CustomerSchema])) }),
          'The customers',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const rows = await customerTree(c.var.deps.sql, scopeOf(c.var.principal));
      const customers = c.req.valid('query').tree === 'true' ? nest(rows) : rows.map(present);
      return c.json({ customers }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{ref}',
      tags,
      security,
      summary: 'One customer',
      middleware: [allow(...readers)] as const,
      request: { params: RefParam },
      responses: { 200: json(CustomerSchema, 'The customer'), ...errorResponses },
    }),
    async (c) => {
      const { ref } = c.req.valid('param');
      const [row] = await customerTree(c.var.deps.sql, scopeOf(c.var.principal), ref);
      if (!row) throw notFound(`no customer '${ref}'`);
      return c.json(present(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{ref}',
      tags,
      security,
      summary:
        'Rename or move a customer, or set its billing relationship, reseller billing or tags (audited)',
      description:
        'Writes a customer.renamed and/or customer.updated change-log entry from now on, with your token as its ' +
        'actor, all or nothing: periods that ended before keep the name and tree they were billed with, even ' +
        'when reprocessed. A parent that would make a cycle, or `via` without a parent, is a 400.',
      middleware: [allow('admin')] as const,
      request: {
        params: RefParam,
        body: { required: true, content: { 'application/json': { schema: CustomerPatch } } },
      },
      responses: { 200: json(CustomerSchema, 'The customer as it is now'), ...errorResponses },
    }),
    async (c) => {
      const { ref } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { principal, deps } = c.var;
      const [before] = await deps.sql<
        {
          name: string;
          parent: string | null;
          relationship: string;
          resellerBilling: string;
          tags: string[];
        }[]
      >`
        select c.name, p.ref as parent, c.relationship, c.reseller_billing as "resellerBilling", c.tags
        from customers c left join customers p on p.tenant_id = c.tenant_id and p.id = c.parent_id
        where c.tenant_id = ${principal.tenantId} and c.ref = ${ref}`;
      if (!before) throw notFound(`no customer '${ref}'`);
      const after = { ...before, ...patch, ...(patch.tags ? { tags: [...new Set(patch.tags)] } : {}) };
      const changes = Object.fromEntries(
        (['name', 'parent', 'relationship', 'resellerBilling', 'tags'] as const)
          .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
          .map((key) => [key, { from: before[key], to: after[key] }]),
      );
      const { name: renamed, ...treeChanges } = changes;
      // Name and tree are effective-dated: the edit is a customer.renamed and/or customer.updated entry
      // from now on, with its actor, so periods that ended before it keep what they were billed with.
      const common = { occurredAt: new Date().toISOString(), actor: principal.name, customer: ref };
      const entries = [
        ...(renamed
          ? [{ kind: 'customer.renamed', key: `api:${randomUUID()}`, ...common, name: after.name }]
          : []),
        ...(Object.keys(treeChanges).length > 0
          ? [
              {
                kind: 'customer.updated',
                key: `api:${randomUUID()}`,
                ...common,
                ...Object.fromEntries(
                  Object.keys(treeChanges).map((key) => [key, after[key as keyof typeof after]]),
                ),
              },
            ]
          : []),
      ];
      if (entries.length > 0) {
        const result = await ingestChanges(deps.sql, principal.tenantId, entries);
        const [rejected] = result.rejected;
        if (rejected) {
          throw invalid(rejected.field, rejected.reason.replace(/^entry \d+ \(key '[^']*'\): /, ''));
        }
        const changeIds = result.stored.map((stored) => stored.id);
        await deps.sql`
          insert into audit_log (tenant_id, actor, action, subject, details)
          values (${principal.tenantId}, ${principal.name}, 'customer.updated', ${`customer:${ref}`},
                  ${deps.sql.json({ ...changes, changeIds, requestId: c.get('requestId') })})`;
      }
      const [row] = await customerTree(deps.sql, scopeOf(principal), ref);
      if (!row) throw notFound(`no customer '${ref}'`);
      return c.json(present(row), 200);
    },
  );
  return app;
}

function present({ id: _id, parentId: _parentId, ...customer }: CustomerRow): Customer {
  return customer;
}

/** Nests the tree-ordered rows: a row whose parent is not visible is a root of the answer. */
function nest(rows: CustomerRow[]): CustomerNode[] {
  const nodes = new Map<number, CustomerNode>();
  const roots: CustomerNode[] = [];
  for (const row of rows) {
    const node = { ...present(row), children: [] };
    nodes.set(row.id, node);
    const parent = row.parentId === null ? undefined : nodes.get(row.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
