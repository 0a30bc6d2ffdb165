import type postgres from 'postgres';
import { invalid } from '../problems.js';
import { entitySet } from './entity-sets.js';
import { type Expansion, expandedRows, linkColumn, output, parseExpand, type Row } from './expand.js';
import { FilterError, type FilterNode, parseFilter } from './filter.js';
import { compileFilter, SqlParams } from './filter-sql.js';
import { castOf, column, type EntitySet, type FeedScope, filterFields, type Property } from './model.js';

/** The query options of one request on an entity set, as sent (validated here, field by field). */
export interface QueryOptions {
  filter?: string | undefined;
  select?: string | undefined;
  orderby?: string | undefined;
  top?: number | undefined;
  skip?: number | undefined;
  count?: boolean | undefined;
  skiptoken?: string | undefined;
  expand?: string | undefined;
}

interface SortKey {
  property: Property;
  descending: boolean;
}

/** A page of rows: every value as PostgreSQL's text (numbers exact), booleans as booleans. */
export interface Page {
  properties: readonly Property[];
  rows: Row[];
  /** The navigations expanded, and for each the target rows by key (see expand.ts). */
  expansions: readonly Expansion[];
  expanded: Map<string, Row>[];
  count?: string;
  /** Set when more rows follow: the $skiptoken of the next page and what remains of $top. */
  next?: { skiptoken: string; top?: number };
}

export function filterTree(filter: string | undefined): FilterNode | undefined {
  if (filter === undefined) return undefined;
  try {
    return parseFilter(filter);
  } catch (error) {
    if (error instanceof FilterError) throw invalid('$filter', error.message);
    throw error;
  }
}

function compiled(set: EntitySet, tree: FilterNode | undefined, params: SqlParams): string {
  if (!tree) return 'true';
  try {
    return compileFilter(tree, filterFields(set), params);
  } catch (error) {
    if (error instanceof FilterError) throw invalid('$filter', error.message);
    throw error;
  }
}

const names = (set: EntitySet) => set.properties.map((p) => p.name).join(', ');

function property(set: EntitySet, name: string, option: string): Property {
  const found = set.properties.find((p) => p.name === name);
  if (!found) throw invalid(option, `unknown field '${name}' (known: ${names(set)})`);
  return found;
}

export function parseSelect(
  set: EntitySet,
  select: string | undefined,
  option = '$select',
): readonly Property[] {
  if (select === undefined || select.trim() === '*') return set.properties;
  const wanted = select.split(',').map((name) => name.trim());
  if (wanted.some((name) => name === '')) throw invalid(option, 'a comma-separated list of fields');
  const chosen = new Set(wanted.map((name) => property(set, name, option)));
  // In model order, so a column keeps its place whatever order the client listed it in.
  return set.properties.filter((p) => chosen.has(p));
}

/** The sort: the requested fields, then the key, so the order is total and a page can end on a key. */
export function parseOrderBy(set: EntitySet, orderby: string | undefined): SortKey[] {
  const keys: SortKey[] = [];
  for (const part of orderby === undefined ? [] : orderby.split(',')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!match?.[1]) throw invalid('$orderby', `expected 'field asc' or 'field desc', got '${part.trim()}'`);
    const chosen = property(set, match[1], '$orderby');
    if (!keys.some((key) => key.property === chosen))
      keys.push({ property: chosen, descending: match[2] === 'desc' });
  }
  for (const name of set.key) {
    const chosen = property(set, name, '$orderby');
    if (!keys.some((key) => key.property === chosen)) keys.push({ property: chosen, descending: false });
  }
  return keys;
}

const shapes: Partial<Record<Property['type'], RegExp>> = {
  'Edm.Int64': /^-?\d{1,19}$/,
  'Edm.Int32': /^-?\d{1,10}$/,
  'Edm.Decimal': /^-?\d{1,40}(\.\d{1,20})?$/,
  'Edm.Date': /^\d{4}-\d{2}-\d{2}$/,
  'Edm.Boolean': /^(true|false)$/,
};

/** The sort values of a page's last row: opaque to clients, checked on the way back in. */
export function encodeSkipToken(values: (string | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeSkipToken(token: string, sort: SortKey[]): (string | null)[] {
  const refuse = () => invalid('$skiptoken', 'not a token of this query: follow @odata.nextLink as given');
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(values) || values.length !== sort.length) throw refuse();
  return values.map((value, index) => {
    const { property } = sort[index] as SortKey;
    if (value === null && property.nullable) return null;
    if (typeof value !== 'string' || !(shapes[property.type]?.test(value) ?? true)) throw refuse();
    return value;
  });
}

/**
 * Rows after the last row of the previous page in the sort order (keyset pagination). PostgreSQL
 * sorts nulls last ascending and first descending; the predicate follows the same order.
 */
function after(sort: SortKey[], last: (string | null)[], params: SqlParams): string {
  const equal: string[] = [];
  const branches: string[] = [];
  sort.forEach(({ property, descending }, index) => {
    const col = column(property.name);
    const value = last[index] ?? null;
    const bound = value === null ? 'null' : params.add(value, castOf(property));
    const beyond =
      value === null
        ? descending
          ? `${col} is not null`
          : 'false'
        : descending
          ? `${col} < ${bound}`
          : `(${col} > ${bound} or ${col} is null)`;
    branches.push(`(${[...equal, beyond].join(' and ')})`);
    equal.push(value === null ? `${col} is null` : `${col} = ${bound}`);
  });
  return `(${branches.join(' or ')})`;
}

/** The rows of a set computed in billing/, as the JSON its `from` reads; none for a SQL-only set. */
async function loadRows(sql: postgres.Sql, set: EntitySet, scope: FeedScope): Promise<string | undefined> {
  return set.load ? JSON.stringify(await set.load(sql, scope)) : undefined;
}

/** The set's scoped rows as the subquery `e`. */
function source(set: EntitySet, scope: FeedScope, params: SqlParams, loaded: string | undefined): string {
  const columns = set.properties.map((p) => `${p.sql} as "${p.name}"`).join(', ');
  return `(select ${columns} ${set.from(params, scope, loaded)}) e`;
}

/** The expansions of `$expand`, their nested $select checked like a top-level one. */
export function parseExpandOption(set: EntitySet, expand: string | undefined): Expansion[] {
  return parseExpand(set, expand, entitySet, parseSelect);
}

/** One page of an entity set, at most `pageSize` rows, with the token of the next page if any. */
export async function readPage(
  sql: postgres.Sql,
  set: EntitySet,
  scope: FeedScope,
  options: QueryOptions,
  pageSize: number,
): Promise<Page> {
  const tree = filterTree(options.filter);
  const properties = parseSelect(set, options.select);
  const expansions = parseExpandOption(set, options.expand);
  const sort = parseOrderBy(set, options.orderby);
  const last = options.skiptoken === undefined ? undefined : decodeSkipToken(options.skiptoken, sort);
  const limit = Math.min(pageSize, options.top ?? Number.POSITIVE_INFINITY);

  // Loaded once per request: the page and its @odata.count read the same computed rows.
  const loaded = await loadRows(sql, set, scope);
  const params = new SqlParams();
  const from = source(set, scope, params, loaded);
  const where = [compiled(set, tree, params), ...(last ? [after(sort, last, params)] : [])];
  const outputs = [
    ...properties.map((p) => `${output(p)} as "${p.name}"`),
    ...sort.map((key, index) => `${column(key.property.name)}::text as "_k${index}"`),
    ...expansions.map((e, index) => `${column(e.navigation.property)}::text as "${linkColumn(index)}"`),
  ];
  const order = sort.map((key) => `${column(key.property.name)} ${key.descending ? 'desc' : 'asc'}`);
  // One row more than the page tells whether another page follows, without counting.
  const text = `select ${outputs.join(', ')} from ${from} where ${where.join(' and ')}
    order by ${order.join(', ')} limit ${params.add(String(limit + 1), 'bigint')}
    offset ${params.add(String(last ? 0 : (options.skip ?? 0)), 'bigint')}`;
  const fetched = await sql.unsafe<Row[]>(text, params.values);

  const rows = fetched.slice(0, limit);
  const expanded = await expandedRows(sql, expansions, rows, (target, targetParams) =>
    loadRows(sql, target, scope).then((targetLoaded) => source(target, scope, targetParams, targetLoaded)),
  );
  const page: Page = { properties, rows, expansions, expanded };
  if (options.count) page.count = await countRows(sql, set, scope, tree, loaded);
  const remaining = options.top === undefined ? undefined : options.top - limit;
  const lastRow = page.rows.at(-1);
  if (fetched.length > limit && lastRow && (remaining === undefined || remaining > 0)) {
    const values = sort.map((_, index) => (lastRow[`_k${index}`] as string | null) ?? null);
    page.next = {
      skiptoken: encodeSkipToken(values),
      ...(remaining === undefined ? {} : { top: remaining }),
    };
  }
  return page;
}

/** How many rows match the filter, whatever $top, $skip and paging: `@odata.count` and `/$count`. */
export async function countRows(
  sql: postgres.Sql,
  set: EntitySet,
  scope: FeedScope,
  tree: FilterNode | undefined,
  loaded?: string,
): Promise<string> {
  const params = new SqlParams();
  const from = source(set, scope, params, loaded ?? (await loadRows(sql, set, scope)));
  const text = `select count(*)::text as count from ${from} where ${compiled(set, tree, params)}`;
  const [row] = await sql.unsafe<{ count: string }[]>(text, params.values);
  return row?.count ?? '0';
}
