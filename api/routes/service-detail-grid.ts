import { z } from '@hono/zod-openapi';
import type postgres from 'postgres';
import type { ViewScope } from '../../db/views/scope.js';
import {
  cursorOf,
  customerIdVisible,
  type ServiceDetailCursor,
  type ServiceDetailSort,
  serviceDetailPage,
  serviceDetailSorts,
  visibleCustomerIds,
} from '../../db/views/service-detail-grid.js';
import { invalid, notFound } from '../problems.js';
import { costFields, flag, query, revision, ServiceDetailRowSchema } from './view-shapes.js';

/** The Service Detail grid's request and answer: filters, order, an opaque keyset cursor. */

export const ServiceDetailQuery = z
  .object({
    revision,
    after: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({
        param: { name: 'after', in: 'query' },
        description: 'sort=id only: the last item id of the previous page (`next`)',
      }),
    cursor: query('cursor', 'the `cursor` of the previous page, read with the same filters and order'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(1000)
      .openapi({ param: { name: 'limit', in: 'query' } }),
    sort: z
      .enum(serviceDetailSorts)
      .default('id')
      .openapi({
        param: { name: 'sort', in: 'query' },
        description: 'id (default), amount or customer (name); a leading - reverses it; ties by item id',
      }),
    customer: query('customer', 'the consuming customer’s ref (404 if outside the caller’s scope)'),
    sku: query('sku', 'a SKU code'),
    vendor: query('vendor', 'a vendor'),
    billable: flag('billable', 'only billable (true) or non-billable (false) items'),
    rule: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .openapi({
        param: { name: 'rule', in: 'query' },
        description: 'only the items this rule made non-billable',
      }),
    q: z
      .string()
      .trim()
      .min(3)
      .max(100)
      .optional()
      .openapi({
        param: { name: 'q', in: 'query' },
        description:
          'case-insensitive text in the customer, user or element name (at least 3 characters: a trigram index serves it)',
      }),
  })
  .strict();

export const ServiceDetailGridRowSchema = ServiceDetailRowSchema.extend({
  elementKind: z.string().openapi({ description: 'plan, instance, application, domain or usage' }),
  elementName: z.string().openapi({
    description: 'the element billed: the instance, domain or application id, the plan, or the usage product',
  }),
  ...costFields,
}).openapi('ServiceDetailGridRow');

export const ServiceDetailPageSchema = z
  .object({
    rows: z.array(ServiceDetailGridRowSchema),
    next: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'sort=id: the last item id of this page, for `after`; null on the last page' }),
    cursor: z.string().nullable().openapi({ description: 'the next page’s cursor; null on the last page' }),
  })
  .openapi('ServiceDetailPage');

type Query = Omit<z.infer<typeof ServiceDetailQuery>, 'revision' | 'limit'>;

/** A page of the grid; a cursor from another order, or one that was tampered with, is a 400. */
export async function serviceDetailGrid(sql: postgres.Sql, scope: ViewScope, input: Query, limit: number) {
  if (input.after !== undefined && input.sort !== 'id')
    throw invalid('after', 'only with sort=id; use cursor');
  if (input.after !== undefined && input.cursor !== undefined) throw invalid('after', 'give after or cursor');
  const after =
    input.cursor !== undefined
      ? decodeCursor(input.cursor, input.sort)
      : input.after === undefined
        ? undefined
        : { key: input.after, id: input.after };
  let customerId: number | undefined;
  if (input.customer !== undefined) {
    customerId = await customerIdVisible(sql, scope, input.customer);
    if (customerId === undefined) throw notFound(`no customer '${input.customer}' in this period`);
  }
  const rows = await serviceDetailPage(
    sql,
    scope,
    {
      ...(customerId === undefined ? {} : { customerId }),
      ...(input.sku === undefined ? {} : { sku: input.sku }),
      ...(input.vendor === undefined ? {} : { vendor: input.vendor }),
      ...(input.billable === undefined ? {} : { billable: input.billable }),
      ...(input.rule === undefined ? {} : { ruleId: input.rule }),
      ...(input.q === undefined ? {} : { search: input.q }),
    },
    input.sort,
    limit,
    after,
    scope.customerId === undefined ? undefined : await visibleCustomerIds(sql, scope),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  return {
    rows: page,
    next: more && input.sort === 'id' ? last.itemId : null,
    cursor: more ? encodeCursor(cursorOf(last, input.sort), input.sort) : null,
  };
}

function encodeCursor(cursor: ServiceDetailCursor, sort: ServiceDetailSort): string {
  return Buffer.from(JSON.stringify([sort, cursor.key, cursor.id])).toString('base64url');
}

function decodeCursor(text: string, sort: ServiceDetailSort): ServiceDetailCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor', 'not a cursor this API gave');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    !Number.isSafeInteger(parsed[2]) ||
    !(typeof parsed[1] === 'string' || Number.isSafeInteger(parsed[1]))
  ) {
    throw invalid('cursor', 'not a cursor this API gave');
  }
  if (parsed[0] !== sort) throw invalid('cursor', `made for sort=${String(parsed[0])}, not sort=${sort}`);
  const key = parsed[1] as string | number;
  // The amount order's key goes to SQL as numeric: only a decimal string may reach the cast.
  if ((sort === 'amount' || sort === '-amount') && !/^-?\d+(\.\d+)?$/.test(String(key))) {
    throw invalid('cursor', 'not a cursor this API gave');
  }
  return { key, id: parsed[2] as number };
}
