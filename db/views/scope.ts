import type postgres from 'postgres';

/**
 * Whose figures a read may see: always one tenant, and for a customer's token only that customer
 * and, for a reseller, its whole subtree. Every view puts this in its SQL, never filters afterwards.
 */
export interface ViewScope {
  tenantId: string;
  periodId: number;
  /** Set for customer tokens: the customer whose subtree is visible. */
  customerId?: number;
}

/**
 * `visible as (...)`: the period's customers the scope may see (empty for a foreign period); `name`
 * renames the CTE for a read that sees two periods at once.
 */
export function visibleCustomers(
  sql: postgres.Sql | postgres.TransactionSql,
  scope: ViewScope,
  name = 'visible',
) {
  return sql`${sql(name)} as (
    select pc.customer_id from period_customers pc
    where pc.period_id = ${scope.periodId} and pc.tenant_id = ${scope.tenantId}
      ${scope.customerId === undefined ? sql`` : sql`and (pc.customer_id = ${scope.customerId} or ${scope.customerId} = any(pc.ancestor_ids))`}
  )`;
}
