import type postgres from 'postgres';

type Sql = postgres.Sql | postgres.TransactionSql;

/** Whose customers a read may see: one tenant and, for a customer token, that customer's subtree. */
export interface CustomerScope {
  tenantId: string;
  customerId?: number;
}

export interface CustomerRow {
  id: number;
  ref: string;
  name: string;
  parentId: number | null;
  parent: string | null;
  relationship: 'direct' | 'via';
  resellerBilling: 'aggregate' | 'on_behalf';
  tags: string[];
  createdAt: string;
  deletedAt: string | null;
  depth: number;
  invoiceTo: string | null;
}

const utc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * `scope(id)`, for a `with recursive` clause: the tenant's customers, or a customer token's own
 * customer and everything beneath it.
 */
export function customerScope(sql: Sql, scope: CustomerScope) {
  if (scope.customerId === undefined) {
    return sql`scope as (select id from customers where tenant_id = ${scope.tenantId})`;
  }
  return sql`scope as (
    select id from customers where tenant_id = ${scope.tenantId} and id = ${scope.customerId}
    union all
    select c.id from customers c join scope s on c.parent_id = s.id where c.tenant_id = ${scope.tenantId}
  )`;
}

/**
 * The customer tree of a tenant in tree order (parents first, siblings by ref), with each customer's
 * depth and invoice-to customer by billing.md's rule, walked top-down: a direct customer pays for
 * itself; a `via` customer is paid for by its parent's payer when the parent aggregates, and pays
 * for itself when the parent bills on its behalf. Refs outside a customer token's subtree (the
 * parent of its own customer, a payer above it) are null, never shown.
 */
export function customerTree(sql: Sql, scope: CustomerScope, ref?: string) {
  const top = scope.customerId ?? null;
  return sql<CustomerRow[]>`
    with recursive tree as (
      select c.id, c.reseller_billing, 0 as depth, c.id as invoice_to_id,
             array[]::int8[] as ancestor_ids, array[c.ref] as path
      from customers c where c.tenant_id = ${scope.tenantId} and c.parent_id is null
      union all
      select c.id, c.reseller_billing, t.depth + 1,
             case when c.relationship = 'direct' or t.reseller_billing = 'on_behalf' then c.id
                  else t.invoice_to_id end,
             t.id || t.ancestor_ids, t.path || c.ref
      from customers c join tree t on c.parent_id = t.id
      where c.tenant_id = ${scope.tenantId} and not c.id = any(t.ancestor_ids)
    ),
    visible as (
      select t.* from tree t
      where ${top}::int8 is null or t.id = ${top}::int8 or ${top}::int8 = any(t.ancestor_ids)
    )
    select c.id, c.ref, c.name, c.parent_id as "parentId",
           case when c.id = ${top}::int8 then null else p.ref end as parent,
           c.relationship, c.reseller_billing as "resellerBilling", c.tags,
           ${sql.unsafe(utc('c.created_at'))} as "createdAt", ${sql.unsafe(utc('c.deleted_at'))} as "deletedAt",
           v.depth, case when i.id is null then null else i.ref end as "invoiceTo"
    from visible v
    join customers c on c.id = v.id
    left join customers p on p.id = c.parent_id and p.tenant_id = c.tenant_id
    left join visible iv on iv.id = v.invoice_to_id
    left join customers i on i.id = iv.id
    where ${ref === undefined ? sql`true` : sql`c.ref = ${ref}`}
    order by v.path`;
}

export interface UserRow {
  id: number;
  ref: string;
  name: string;
  customer: string;
  createdAt: string;
  deletedAt: string | null;
}

/** A page of users in id order, after the cursor `after`: `limit + 1` rows tell whether more follow. */
export function usersPage(
  sql: Sql,
  scope: CustomerScope,
  page: { customerId?: number; includeDeleted: boolean; after?: number; limit: number },
) {
  return sql<UserRow[]>`
    with recursive ${customerScope(sql, scope)}
    select u.id, u.ref, u.name, c.ref as customer,
           ${sql.unsafe(utc('u.created_at'))} as "createdAt", ${sql.unsafe(utc('u.deleted_at'))} as "deletedAt"
    from users u
    join scope s on s.id = u.customer_id
    join customers c on c.id = u.customer_id and c.tenant_id = u.tenant_id
    where u.tenant_id = ${scope.tenantId}
      ${page.customerId === undefined ? sql`` : sql`and u.customer_id = ${page.customerId}`}
      ${page.includeDeleted ? sql`` : sql`and u.deleted_at is null`}
      ${page.after === undefined ? sql`` : sql`and u.id > ${page.after}`}
    order by u.id
    limit ${page.limit + 1}`;
}

/** The id of the customer with this ref if the scope may see it. */
export async function customerIdInScope(sql: Sql, scope: CustomerScope, ref: string) {
  const [row] = await sql<{ id: number }[]>`
    with recursive ${customerScope(sql, scope)}
    select c.id from customers c join scope s on s.id = c.id
    where c.tenant_id = ${scope.tenantId} and c.ref = ${ref}`;
  return row?.id;
}
