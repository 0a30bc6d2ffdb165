import type postgres from 'postgres';
import type { ViewScope } from './scope.js';

/**
 * The Service Detail grid's text search: the ids of the period's items whose customer, user, product
 * or element name contains the text, case-insensitively. Each kind of name is looked up first where it
 * is stored once (period_customers, users and name_history, the period's distinct products, elements),
 * and only then are the items fetched, by id lists, through the items indexes the grid already has.
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

/** `matched as materialized (...)`: the ids of the items of the scope's period the search finds. */
export function matchedItems(sql: postgres.Sql, scope: ViewScope, search: string) {
  const pattern = containing(search);
  const word = containing(narrowestWord(search));
  const period = sql`i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId}`;
  // Each arm is a branch of its own: planned as one OR under ORDER BY ... LIMIT, PostgreSQL walked
  // the whole period in order (4 s at 2M items). `union all`, not `union`: the page reads the ids as an
  // array, which drops duplicates, while `union` let the planner merge the arms in id order, reading
  // the period through items_pkey. The `offset 0` fences keep the whole pattern
  // out of the trigram index's condition (it is checked on the rows the word finds).
  return sql`named_users as materialized (
      select u.id, u.customer_id from users u
      where u.tenant_id = ${scope.tenantId} and u.id in (
        select s.id from (
          select n.id, n.name from users n where n.tenant_id = ${scope.tenantId} and n.name ilike ${word} offset 0
        ) s where s.name ilike ${pattern}
        union
        -- An item keeps the name its user had at the period's end, which may be an earlier one.
        select s.subject_id from (
          select h.subject_id, h.name from name_history h
          where h.tenant_id = ${scope.tenantId} and h.subject = 'user' and h.name ilike ${word} offset 0
        ) s where s.name ilike ${pattern})
    ),
    named_elements as materialized (
      select s.id from (
        select e.id, e.ref from elements e
        where e.tenant_id = ${scope.tenantId} and e.kind in ('instance', 'application', 'domain')
          and e.ref ilike ${word} offset 0
      ) s where s.ref ilike ${pattern}
    ),
    -- The period's distinct products (a few dozen), one index descent each on items_period_product.
    period_products as (
      with recursive walk (product) as (
        (select i.product from items i where ${period} order by i.product limit 1)
        union all
        select (select i.product from items i where ${period} and i.product > walk.product
                order by i.product limit 1)
        from walk where walk.product is not null
      )
      select product from walk where product is not null
    ),
    matched as materialized (
      -- Customers by their period snapshot name (thousands of rows), then items_period_customer.
      select i.id from items i
      where ${period} and i.customer_id = any(array(
        select pc.customer_id from period_customers pc
        where pc.period_id = ${scope.periodId} and pc.tenant_id = ${scope.tenantId} and pc.name ilike ${pattern}))
      union all
      -- Users by any name they had, then their customers' items (items_period_customer), keeping those
      -- whose snapshot user name matches.
      select i.id from items i
      where ${period}
        and i.customer_id = any(array(select customer_id from named_users))
        and i.user_id = any(array(select id from named_users))
        and i.user_name ilike ${pattern}
      union all
      -- The matching products, a range of items_period_product each (a list of them looked like a
      -- million rows to the planner, which then read the whole period in id order).
      select i.id from period_products p
      cross join lateral (select i.id from items i where ${period} and i.product = p.product) i
      where p.product ilike ${pattern}
      union all
      -- Instance, application and domain names, then items_period_element.
      select i.id from items i
      where ${period} and i.element_id = any(array(select id from named_elements))
    )`;
}
