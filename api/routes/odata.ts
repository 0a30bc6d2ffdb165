import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { basePath } from 'hono/route';
import { allow, authenticate, readers, staff } from '../auth.js';
import type { AppEnv } from '../context.js';
import { entitySet, entitySets } from '../odata/entity-sets.js';
import { odataErrorResponses } from '../odata/errors.js';
import { linkColumn } from '../odata/expand.js';
import { collectionJson, jsonContentType, wantsIeee754 } from '../odata/json.js';
import { metadataDocument } from '../odata/metadata.js';
import type { EntitySet, FeedScope } from '../odata/model.js';
import { countRows, filterTree, parseExpandOption, type QueryOptions, readPage } from '../odata/query.js';
import { notFound, ProblemError } from '../problems.js';
import { router, security } from '../router.js';

/** Server-driven paging: no page is larger, whatever `Prefer: odata.maxpagesize` asks. */
export const MAX_PAGE_SIZE = 5_000;

const tags = ['OData feed'];

/** Every answer, problems included, says which protocol it speaks. */
const odataVersion = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header('OData-Version', '4.0');
});

/**
 * The API's authentication, answering 401 with a Basic challenge only: that is what makes Excel
 * and Power BI ask for a user name and password (any name, the token as password).
 */
const authenticateBasic = createMiddleware<AppEnv>(async (c, next) => {
  try {
    await authenticate(c, next);
  } catch (error) {
    if (!(error instanceof ProblemError) || error.status !== 401) throw error;
    const detail = error.message.startsWith('missing credentials')
      ? 'missing credentials: sign in with HTTP Basic, any user name and an API token as the password'
      : error.message;
    throw new ProblemError(401, error.title, detail, error.errors, {
      'www-authenticate': 'Basic realm="Monthend"',
    });
  }
});

const wholeNumber = z
  .string()
  .regex(/^\d{1,9}$/, 'a whole number, 0 or more')
  .transform(Number);
const Query = z
  .object({
    $filter: z
      .string()
      .max(4000)
      .optional()
      .openapi({ example: "billable eq true and vendor eq 'Microsoft'" }),
    $select: z.string().max(2000).optional().openapi({ example: 'customerName,amount' }),
    $expand: z.string().max(2000).optional().openapi({ example: 'Customer($select=ref,name),Period' }),
    $orderby: z.string().max(1000).optional().openapi({ example: 'amount desc' }),
    $top: wholeNumber.optional(),
    $skip: wholeNumber.optional(),
    $count: z.enum(['true', 'false']).optional(),
    $skiptoken: z.string().max(4000).optional().openapi({ description: 'from @odata.nextLink, as given' }),
    $format: z
      .string()
      // No regex flags: the pattern is documented as written, and JSON Schema has none.
      .regex(/^(?:[jJ][sS][oO][nN]|application\/json(?:;.*)?)$/, 'only json')
      .optional(),
  })
  .strict();
const CountQuery = z.object({ $filter: Query.shape.$filter }).strict();
const SetParam = z.object({
  entitySet: z.string().openapi({
    param: { name: 'entitySet', in: 'path' },
    enum: entitySets.map((set) => set.name),
  }),
});

const Collection = z.object({
  '@odata.context': z.string(),
  '@odata.count': z.number().int().optional(),
  value: z.array(z.record(z.string(), z.unknown())),
  '@odata.nextLink': z.string().optional(),
});

/** The OData v4 feed Excel Power Query and Power BI add as a data source ("From OData Feed"). */
export function odataRoutes() {
  const app = router();
  app.use('*', odataVersion);
  app.use('*', authenticateBasic);

  const serviceDocument = (c: Context<AppEnv>) => {
    const root = serviceRoot(c);
    const body = {
      '@odata.context': `${root}/$metadata`,
      value: readableSets(c).map((set) => ({ name: set.name, kind: 'EntitySet', url: set.name })),
    };
    return c.body(JSON.stringify(body), 200, { 'content-type': jsonContentType(false) });
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      middleware: [allow(...readers)] as const,
      summary: 'The service document: the entity sets of the feed (the URL to give Power Query)',
      responses: {
        200: {
          description: 'The entity sets',
          content: {
            [jsonContentType(false)]: {
              schema: z.object({
                '@odata.context': z.string(),
                value: z.array(z.object({ name: z.string(), kind: z.string(), url: z.string() })),
              }),
            },
          },
        },
        ...odataErrorResponses,
      },
    }),
    serviceDocument,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/$metadata',
      tags,
      security,
      middleware: [allow(...readers)] as const,
      summary: 'The CSDL XML metadata: entity types, their keys and column types',
      responses: {
        200: { description: 'CSDL XML', content: { 'application/xml': { schema: z.string() } } },
        ...odataErrorResponses,
      },
    }),
    (c) =>
      c.body(metadataDocument(readableSets(c)), 200, { 'content-type': 'application/xml;charset=utf-8' }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{entitySet}/$count',
      tags,
      security,
      middleware: [allow(...readers)] as const,
      summary: 'How many rows of the set match $filter, as plain text',
      request: { params: SetParam, query: CountQuery },
      responses: {
        200: { description: 'The count', content: { 'text/plain': { schema: z.string() } } },
        ...odataErrorResponses,
      },
    }),
    async (c) => {
      const set = readableSet(c, c.req.valid('param').entitySet);
      const count = await countRows(
        c.var.deps.sql,
        set,
        scopeOf(c),
        filterTree(c.req.valid('query').$filter),
      );
      return c.text(count, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{entitySet}',
      tags,
      security,
      middleware: [allow(...readers)] as const,
      summary: `Rows of an entity set, at most ${MAX_PAGE_SIZE} a page, with @odata.nextLink to the next`,
      description:
        'Query options: $filter (eq ne gt ge lt le, in, and or not, parentheses, contains/startswith/endswith, ' +
        "tolower/toupper/trim, year/month/day/date; literals 'text', numbers, true, false, null, 2026-01-31), " +
        '$select, $expand of navigation properties (e.g. Customer($select=ref,name)), $orderby, $top, $skip, ' +
        '$count=true. Header Prefer: odata.maxpagesize=N for smaller pages. ' +
        'Decimals are exact JSON numbers; send IEEE754Compatible=true in Accept for strings.',
      request: { params: SetParam, query: Query },
      responses: {
        200: { description: 'A page of rows', content: { [jsonContentType(false)]: { schema: Collection } } },
        ...odataErrorResponses,
      },
    }),
    async (c) => {
      const set = readableSet(c, c.req.valid('param').entitySet);
      const query = c.req.valid('query');
      for (const { target } of parseExpandOption(set, query.$expand)) readableSet(c, target.name);
      const options: QueryOptions = {
        filter: query.$filter,
        select: query.$select,
        orderby: query.$orderby,
        top: query.$top,
        skip: query.$skip,
        count: query.$count === 'true',
        skiptoken: query.$skiptoken,
        expand: query.$expand,
      };
      const preferred = maxPageSize(c.req.header('prefer'));
      const page = await readPage(c.var.deps.sql, set, scopeOf(c), options, preferred ?? MAX_PAGE_SIZE);
      const root = serviceRoot(c);
      const selected = query.$select !== undefined && query.$select.trim() !== '*';
      // The select-list of the context URL: chosen properties, then expansions with a nested $select.
      const selectList = [
        ...(selected ? page.properties.map((p) => p.name) : []),
        ...page.expansions.flatMap((e) =>
          e.selected ? [`${e.navigation.name}(${e.selected.map((p) => p.name).join(',')})`] : [],
        ),
      ];
      const ieee754 = wantsIeee754(c.req.header('accept'), query.$format);
      const body = collectionJson(
        {
          context: `${root}/$metadata#${set.name}${selectList.length > 0 ? `(${selectList.join(',')})` : ''}`,
          count: page.count,
          properties: page.properties,
          rows: page.rows,
          expanded: page.expansions.map((e, index) => ({
            name: e.navigation.name,
            properties: e.properties,
            targetOf: (row) => page.expanded[index]?.get(String(row[linkColumn(index)])),
          })),
          nextLink:
            page.next &&
            link(`${root}/${set.name}`, {
              $filter: query.$filter,
              $select: query.$select,
              $expand: query.$expand,
              $orderby: query.$orderby,
              $top: page.next.top?.toString(),
              $count: query.$count,
              $format: query.$format,
              $skiptoken: page.next.skiptoken,
            }),
        },
        ieee754,
      );
      return c.body(body, 200, {
        'content-type': jsonContentType(ieee754),
        ...(preferred === undefined ? {} : { 'preference-applied': `odata.maxpagesize=${preferred}` }),
      });
    },
  );

  // The service root with a trailing slash ('/odata/'), as people paste it into Power Query.
  app.get('/*', (c) => {
    if (c.req.path !== `${basePath(c)}/`) throw notFound(`no route for ${c.req.method} ${c.req.path}`);
    return serviceDocument(c);
  });
  return app;
}

/** The sets the token may read: staff-only ones (vendor costs, margins) are not even listed. */
function readableSets(c: Context<AppEnv>): readonly EntitySet[] {
  const isStaff = staff.includes(c.var.principal.role);
  return entitySets.filter((set) => isStaff || !set.staffOnly);
}

function readableSet(c: Context<AppEnv>, name: string): EntitySet {
  const set = entitySet(name);
  if (!set) throw notFound(`no entity set '${name}'`);
  const { role } = c.var.principal;
  if (set.staffOnly && !staff.includes(role)) {
    throw new ProblemError(403, 'Forbidden', `the ${role} role may not read ${name}: it shows vendor costs`);
  }
  return set;
}

function scopeOf(c: Context<AppEnv>): FeedScope {
  const { tenantId, customerId } = c.var.principal;
  return customerId === undefined ? { tenantId } : { tenantId, customerId };
}

/** The absolute URL of the service root, which every context URL and next link starts with. */
function serviceRoot(c: Context<AppEnv>): string {
  return `${new URL(c.req.url).origin}${basePath(c)}`;
}

/** `odata.maxpagesize` (or 4.01's `maxpagesize`) of a Prefer header, capped at MAX_PAGE_SIZE. */
export function maxPageSize(prefer: string | undefined): number | undefined {
  const match = /(?:^|[\s,;])(?:odata\.)?maxpagesize\s*=\s*"?(\d{1,9})"?/i.exec(prefer ?? '');
  if (!match?.[1]) return undefined;
  const size = Number(match[1]);
  return size >= 1 ? Math.min(size, MAX_PAGE_SIZE) : undefined;
}

/** A URL with OData option names as they are ($ kept) and values percent-encoded. */
function link(base: string, options: Record<string, string | undefined>): string {
  const query = Object.entries(options)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base}?${query}`;
}
