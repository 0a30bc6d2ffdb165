import type postgres from 'postgres';
import type { ViewScope } from './scope.js';

/** The client or a transaction of it: a search reads in one (service-detail-grid.ts). */
export type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * The Service Detail grid's text search: the period's items whose customer, user, product or element
 * name contains the text, case-insensitively. Each kind of name is looked up first where it is stored
 * once (period_customers, users and name_history, the period's distinct products, elements); the page
 * then reads items by those keys, through the items indexes the grid already has.
 */

/** A `like` pattern matching `text` anywhere, its wildcards taken literally. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The longest word (a run of letters and digits, as pg_trgm splits them) of the search, when it has
 * three characters or more, else the whole search. A trigram index reads the whole posting list of
 * every trigram it is given, and a full e-mail address brings many that nearly every name shares
 * (`exa`, `com`, the customer's domain): asking the index for one word's trigrams and checking the
 * whole text on the rows it returns reads far less (docs/performance.md, Service Detail grid).
 */
export function narrowestWord(text: string): string {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const longest = words.reduce((best, word) => (word.length > best.length ? word : best), '');
  return longest.length >= 3 ? longest : text;
}

/** Above this many matching users or elements, their items are found by their names row by row. */
export const keyListLimit = 5000;

/** What a search matches, found in the small tables: ids and names, or 'many'. */
export interface SearchKeys {
  pattern: string;
  /** The period's customers whose snapshot name matches. */
  customerIds: number[];
  /** Users any of whose names matches (an item keeps the one it had at the period's end). */
  users: { ids: number[]; customerIds: number[] } | 'many';
  /** Instance, application and domain elements whose name matches. */
  elementIds: number[] | 'many';
  /** The period's products whose name matches (a period has a few dozen). */
  products: string[];
}

export async function searchKeys(sql: Sql, scope: ViewScope, search: string): Promise<SearchKeys> {
  const pattern = containing(search);
  const word = containing(narrowestWord(search));
  const period = sql`i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId}`;
  // The `offset 0` fences keep the whole pattern out of the trigram index's condition: the index is
  // asked for the word, and the whole text is checked on the rows it returns.
  const [row] = await sql<
    {
      customerIds: number[];
      userIds: number[];
      userCustomerIds: number[];
      elementIds: number[];
      products: string[];
    }[]
  >`
    with named_users as materialized (
      select u.id, u.customer_id from users u
      where u.tenant_id = ${scope.tenantId} and u.id in (
        (select s.id from (
          select n.id, n.name from users n where n.tenant_id = ${scope.tenantId} and n.name ilike ${word} offset 0
        ) s where s.name ilike ${pattern} limit ${keyListLimit + 1})
        union
        -- An item keeps the name its user had at the period's end, which may be an earlier one.
        (select s.subject_id from (
          select h.subject_id, h.name from name_history h
          where h.tenant_id = ${scope.tenantId} and h.subject = 'user' and h.name ilike ${word} offset 0
        ) s where s.name ilike ${pattern} limit ${keyListLimit + 1}))
    ),
    named_elements as materialized (
      select s.id from (
        select e.id, e.ref from elements e
        where e.tenant_id = ${scope.tenantId} and e.kind in ('instance', 'application', 'domain')
          and e.ref ilike ${word} offset 0
      ) s where s.ref ilike ${pattern}
      limit ${keyListLimit + 1}
    ),
    -- The period's distinct products, one descent of items_period_product each (a loose index scan).
    period_products as (
      with recursive walk (product) as (
        (select i.product from items i where ${period} order by i.product limit 1)
        union all
        select (select i.product from items i where ${period} and i.product > walk.product
                order by i.product limit 1)
        from walk where walk.product is not null
      )
      select product from walk where product is not null
    )
    select
      array(select pc.customer_id from period_customers pc
            where pc.period_id = ${scope.periodId} and pc.tenant_id = ${scope.tenantId}
              and pc.name ilike ${pattern}) as "customerIds",
      array(select id from named_users) as "userIds",
      array(select distinct customer_id from named_users) as "userCustomerIds",
      array(select id from named_elements) as "elementIds",
      array(select product from period_products where product ilike ${pattern}) as products`;
  const numbers = (values: unknown[] | undefined) => (values ?? []).map(Number);
  const userIds = numbers(row?.userIds);
  const elementIds = numbers(row?.elementIds);
  return {
    pattern,
    customerIds: numbers(row?.customerIds),
    users:
      userIds.length > keyListLimit ? 'many' : { ids: userIds, customerIds: numbers(row?.userCustomerIds) },
    elementIds: elementIds.length > keyListLimit ? 'many' : elementIds,
    products: row?.products ?? [],
  };
}

/**
 * One condition on items `i` per kind of name the search matched (none: nothing matches). The page
 * reads each as a branch of its own, in its order with its limit: as one OR, PostgreSQL walked the
 * whole period in order (4 s at 2M items). Keys go as literal arrays so the planner sizes each branch
 * (a product in 12 items is walked in order; a user's few items are read by customer and sorted).
 */
export function searchArms(sql: Sql, scope: ViewScope, keys: SearchKeys) {
  const arms: postgres.PendingQuery<postgres.Row[]>[] = [];
  if (keys.customerIds.length > 0) arms.push(sql`i.customer_id = any(${keys.customerIds}::bigint[])`);
  if (keys.users === 'many') arms.push(sql`i.user_name ilike ${keys.pattern}`);
  else if (keys.users.ids.length > 0)
    // A user's items are its customer's (ingestion refuses a user of another customer): items_period_customer.
    arms.push(sql`i.customer_id = any(${keys.users.customerIds}::bigint[])
      and i.user_id = any(${keys.users.ids}::bigint[]) and i.user_name ilike ${keys.pattern}`);
  if (keys.products.length > 0) arms.push(sql`i.product = any(${keys.products}::text[])`);
  if (keys.elementIds === 'many')
    arms.push(sql`exists (select 1 from elements e
      where e.id = i.element_id and e.tenant_id = ${scope.tenantId}
        and e.kind in ('instance', 'application', 'domain') and e.ref ilike ${keys.pattern})`);
  else if (keys.elementIds.length > 0) arms.push(sql`i.element_id = any(${keys.elementIds}::bigint[])`);
  return arms;
}
