import type postgres from 'postgres';
import { type ViewScope, visibleCustomers } from './scope.js';
import type { ServiceDetailRow } from './service-detail.js';
import { type Sql, searchArms, searchKeys } from './service-detail-search.js';

/**
 * Service Detail for a grid: filtered, searched and sorted on the server and read in keyset pages,
 * so the first page of a 2-million-item period costs an index range scan, never a sort of the period.
 */

/** The orders offered; each is served by an index on items (db/schema/periods.ts). */
export const serviceDetailSorts = ['id', 'amount', '-amount', 'customer', '-customer'] as const;
export type ServiceDetailSort = (typeof serviceDetailSorts)[number];

export interface ServiceDetailFilters {
  /** A customer id the scope may see (the route turns the ref into it). */
  customerId?: number;
  sku?: string;
  vendor?: string;
  billable?: boolean;
  ruleId?: number;
  /** Case-insensitive substring of the customer, user or element name. */
  search?: string;
}

/** Where the previous page ended: the sort key of its last row and its id. */
export interface ServiceDetailCursor {
  key: string | number;
  id: number;
}

export interface ServiceDetailGridRow extends ServiceDetailRow {
  elementKind: string;
  /** The element billed: the instance, domain or application id, the plan, or the usage product. */
  elementName: string;
}

// The column each order reads, and whether it runs backwards; the id breaks ties in the same direction.
const orders: Record<ServiceDetailSort, { column: string; type: string; descending: boolean }> = {
  id: { column: 'i.id', type: 'bigint', descending: false },
  amount: { column: 'i.amount', type: 'numeric', descending: false },
  '-amount': { column: 'i.amount', type: 'numeric', descending: true },
  customer: { column: 'i.customer_name', type: 'text', descending: false },
  '-customer': { column: 'i.customer_name', type: 'text', descending: true },
};

/** One page (`limit + 1` rows, to tell whether another follows) in the chosen order after the cursor. */
export async function serviceDetailPage(
  sql: postgres.Sql,
  scope: ViewScope,
  filters: ServiceDetailFilters,
  sort: ServiceDetailSort,
  limit: number,
  after?: ServiceDetailCursor,
  /** For a customer token: the ids of the period's customers in its subtree (visibleCustomerIds). */
  visibleIds?: number[],
): Promise<ServiceDetailGridRow[]> {
  const { search } = filters;
  if (search === undefined) return readPage(sql, scope, filters, sort, limit, after, visibleIds);
  const rows = await sql.begin(async (tx) => {
    // A search's plan depends on what it matches (a product in 12 items is walked in order, a user's
    // few items are read by customer): after five runs a prepared statement's generic plan took over
    // and read 2M items for a broad search (500 ms against 50).
    await tx`set local plan_cache_mode = force_custom_plan`;
    const arms = searchArms(tx, scope, await searchKeys(tx, scope, search));
    return arms.length === 0 ? [] : readPage(tx, scope, filters, sort, limit, after, visibleIds, arms);
  });
  return rows as ServiceDetailGridRow[];
}

/** The page; with a search, the first rows of each kind of name it matched (`arms`). */
function readPage(
  sql: Sql,
  scope: ViewScope,
  filters: ServiceDetailFilters,
  sort: ServiceDetailSort,
  limit: number,
  after: ServiceDetailCursor | undefined,
  visibleIds: number[] | undefined,
  arms?: postgres.PendingQuery<postgres.Row[]>[],
) {
  const order = orders[sort];
  const column = sql.unsafe(order.column);
  const direction = sql.unsafe(order.descending ? 'desc' : 'asc');
  // The page's items matching `arm` (one kind of name the search matched), in order after the cursor.
  const branch = (arm?: postgres.PendingQuery<postgres.Row[]>) => sql`
    select i.* from items i
    where i.period_id = ${scope.periodId} and i.tenant_id = ${scope.tenantId}
      ${arm === undefined ? sql`` : sql`and (${arm})`}
      -- A customer token's subtree, as an array the planner can size (a CTE it guessed wrong read
      -- the whole period); a tenant-wide reader sees every customer of the period.
      ${scope.customerId === undefined ? sql`` : sql`and i.customer_id = any(${visibleIds ?? []}::bigint[])`}
      ${filters.customerId === undefined ? sql`` : sql`and i.customer_id = ${filters.customerId}`}
      ${filters.sku === undefined ? sql`` : sql`and i.sku_code = ${filters.sku}`}
      ${filters.vendor === undefined ? sql`` : sql`and i.vendor = ${filters.vendor}`}
      ${filters.billable === undefined ? sql`` : sql`and i.billable = ${filters.billable}`}
      ${filters.ruleId === undefined ? sql`` : sql`and i.rule_id = ${filters.ruleId}`}
      ${
        after === undefined
          ? sql``
          : sort === 'id'
            ? sql`and i.id > ${after.id}`
            : sql`and (${column}, i.id) ${sql.unsafe(order.descending ? '<' : '>')} (${after.key}::${sql.unsafe(order.type)}, ${after.id})`
      }
    order by ${column} ${direction}, i.id ${direction}
    limit ${limit + 1}`;
  // A search's page is the first rows of its branches' pages together (`union` drops an item that
  // two names matched).
  const page =
    arms === undefined
      ? branch()
      : sql`select * from (${arms
          .map((arm) => sql`(${branch(arm)})`)
          .reduce((all, next) => sql`${all} union ${next}`)}) i
          order by ${column} ${direction}, i.id ${direction}
          limit ${limit + 1}`;
  return sql<ServiceDetailGridRow[]>`
    with ${visibleCustomers(sql, scope)},
    page as (${page})
    select i.id as "itemId", i.customer_id as "customerId", i.customer_name as "customerName",
           payer.customer_id as "invoiceToId", inv.name as "invoiceToName", i.user_name as "userName",
           i.kind, i.service, i.product, i.sku_code as "skuCode", i.vendor, i.unmapped,
           i.active_from::text as "activeFrom", i.active_to::text as "activeTo", i.days_active as "daysActive",
           i.period_days as "periodDays", i.quantity::text as quantity, i.unit_price::text as "unitPrice",
           i.discount_percent::text as "discountPercent", i.amount::text as amount, i.billable,
           i.rule_id as "ruleId", i.rule_name as "ruleName", i.carried_over as "carriedOver",
           i.adjusts_period_id as "adjustsPeriodId", i.kind as "elementKind",
           case when i.kind in ('plan', 'usage') then i.product else coalesce(e.ref, i.product) end as "elementName"
    from page i
    left join visible payer on payer.customer_id = i.invoice_to_id
    left join period_customers inv on inv.period_id = i.period_id and inv.customer_id = payer.customer_id
    left join elements e on e.id = i.element_id and e.tenant_id = i.tenant_id
    order by ${column} ${direction}, i.id ${direction}`;
}

/** The cursor of the page's last row, for the order it was read in. */
export function cursorOf(row: ServiceDetailGridRow, sort: ServiceDetailSort): ServiceDetailCursor {
  const key =
    sort === 'amount' || sort === '-amount' ? row.amount : sort === 'id' ? row.itemId : row.customerName;
  return { key, id: row.itemId };
}

/** The id of the period's customer with this ref, when the scope may see it. */
export async function customerIdVisible(
  sql: postgres.Sql,
  scope: ViewScope,
  ref: string,
): Promise<number | undefined> {
  const [row] = await sql<{ id: number }[]>`
    with ${visibleCustomers(sql, scope)}
    select c.id from visible v join customers c on c.id = v.customer_id
    where c.tenant_id = ${scope.tenantId} and c.ref = ${ref}`;
  return row?.id;
}

/** The ids of the period's customers the scope may see. */
export async function visibleCustomerIds(sql: postgres.Sql, scope: ViewScope): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    with ${visibleCustomers(sql, scope)}
    select customer_id as id from visible`;
  return rows.map((row) => row.id);
}
